import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EntityInitiative,
  EntityPlanResponse,
  EntityReadinessResponse,
  EntityReadinessSummary,
  Evidence,
  InitiativeDetail,
  InitiativeSummary,
  ReadinessScore,
  ReadinessTemplate,
  ReviewQueueItem,
  RollupGroup,
  ServiceScoreRow,
  TaskState,
  TaskUpdateInput,
} from '@prodready/plugin-readiness-common';
import {
  BlockersPage,
  EvidenceReviewDecision,
  ExemptionRequestInput,
  ExpiringEvidencePage,
  ImportMapping,
  ImportPreview,
  InitiativeExportFormat,
  ReadinessApi,
  ReadinessConflictError,
  ReadinessFilters,
  ScoreSnapshot,
  TaskWriteResult,
} from './ReadinessApi';
import {
  ReadinessOperations,
  readinessOperations,
  UpdateTaskBody,
} from './generated/openapi';

type OperationId = keyof ReadinessOperations;
type Operation<Op extends OperationId> = ReadinessOperations[Op];

/** The arguments of an operation, each typed from the spec (schema/openapi.yaml). */
type OperationArgs<Op extends OperationId> = ([
  Operation<Op>['pathParams'],
] extends [never]
  ? unknown
  : { path: Operation<Op>['pathParams'] }) &
  ([Operation<Op>['query']] extends [never]
    ? unknown
    : { query?: Operation<Op>['query'] }) &
  ([Operation<Op>['body']] extends [never]
    ? unknown
    : { body: Operation<Op>['body'] });

const refParams = (ref: CompoundEntityRef) => ({
  kind: ref.kind,
  namespace: ref.namespace,
  name: ref.name,
});

const SETTABLE_STATUSES: ReadonlyArray<string> = [
  'todo',
  'in_progress',
  'done',
  'blocked',
] satisfies ReadonlyArray<NonNullable<UpdateTaskBody['status']>>;

function isSettable(
  status: string,
): status is NonNullable<UpdateTaskBody['status']> {
  return SETTABLE_STATUSES.includes(status);
}

function url(
  template: string,
  path: Record<string, string> | undefined,
  query: Record<string, string | number | boolean | undefined> | undefined,
) {
  const pathname = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = path?.[key];
    if (value === undefined) throw new Error(`Missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${pathname}?${s}` : pathname;
}

/** {@link ReadinessApi} over `discoveryApi` and `fetchApi`. @public */
export class ReadinessClient implements ReadinessApi {
  private readonly templateVersions = new Map<
    string,
    Promise<ReadinessTemplate>
  >();

  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  /** The plan read and its template version (fetched once per client, see below). */
  async getEntityReadiness(
    ref: CompoundEntityRef,
  ): Promise<EntityReadinessResponse> {
    const plan = await this.getEntityPlan(ref);
    const template = await this.getTemplateVersion(
      plan.plan.templateId,
      plan.plan.templateVersion,
      plan.plan.templateKey,
    );
    return { ...plan, template };
  }

  /** The full read without the template's text. */
  getEntityPlan(ref: CompoundEntityRef) {
    return this.call<'getEntityPlan', EntityPlanResponse>('getEntityPlan', {
      path: refParams(ref),
    });
  }

  /** A template at one version; by content key (immutable) asked for once per client. */
  getTemplateVersion(id: string, version: number, key?: string) {
    const path = { id, version: String(version) };
    if (!key) {
      return this.call<'getTemplateVersion', ReadinessTemplate>(
        'getTemplateVersion',
        { path },
      );
    }
    // Content found by key never changes (the browser keeps it too: it is served
    // `immutable`); a failed request is forgotten and asked again.
    let template = this.templateVersions.get(key);
    if (!template) {
      template = this.call<'getTemplateVersion', ReadinessTemplate>(
        'getTemplateVersion',
        { path, query: { key } },
      );
      template.catch(() => this.templateVersions.delete(key));
      this.templateVersions.set(key, template);
    }
    return template;
  }

  getEntitySummary(ref: CompoundEntityRef) {
    return this.call<'getEntitySummary', EntityReadinessSummary>(
      'getEntitySummary',
      { path: refParams(ref) },
    );
  }

  async getHistory(ref: CompoundEntityRef) {
    return (
      await this.call<'getHistory', { items: ScoreSnapshot[] }>('getHistory', {
        path: refParams(ref),
      })
    ).items;
  }

  updateTask(ref: CompoundEntityRef, taskId: string, input: TaskUpdateInput) {
    const { status, ...rest } = input;
    if (status !== undefined && !isSettable(status)) {
      // The API takes not_applicable only as an exemption request.
      return Promise.reject(
        new Error(
          `${status} is not a status a task can be set to; request an exemption instead`,
        ),
      );
    }
    return this.call<'updateTask', TaskWriteResult>('updateTask', {
      path: { ...refParams(ref), taskId },
      body: status === undefined ? rest : { ...rest, status },
    });
  }

  addEvidence(
    ref: CompoundEntityRef,
    taskId: string,
    input: Parameters<ReadinessApi['addEvidence']>[2],
  ) {
    return this.call<
      'addEvidence',
      { evidence: Evidence; score: ReadinessScore }
    >('addEvidence', {
      path: { ...refParams(ref), taskId },
      body: input,
    });
  }

  reviewEvidence(
    ref: CompoundEntityRef,
    taskId: string,
    evidenceId: string,
    input: EvidenceReviewDecision,
  ) {
    return this.call<
      'reviewEvidence',
      { evidence: Evidence; score: ReadinessScore }
    >('reviewEvidence', {
      path: { ...refParams(ref), taskId, evidenceId },
      body: input,
    });
  }

  async listReviews() {
    return (
      await this.call<'listReviews', { items: ReviewQueueItem[] }>(
        'listReviews',
        {},
      )
    ).items;
  }

  grantExemption(
    ref: CompoundEntityRef,
    taskId: string,
    input: { expectedVersion: number; reason: string; expiresAt: string },
  ) {
    return this.call<'grantExemption', TaskWriteResult>('grantExemption', {
      path: { ...refParams(ref), taskId },
      body: input,
    });
  }

  requestExemption(
    ref: CompoundEntityRef,
    taskId: string,
    input: ExemptionRequestInput,
  ) {
    return this.call<'requestExemption', TaskWriteResult>('requestExemption', {
      path: { ...refParams(ref), taskId },
      body: input,
    });
  }

  previewImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ) {
    return this.call<'importReport', ImportPreview>('importReport', {
      path: refParams(ref),
      body: mapping ? { markdown, mapping } : { markdown },
    });
  }

  applyImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ) {
    return this.call<
      'importReport',
      { applied: Array<{ taskId: string; status: string }> }
    >('importReport', {
      path: refParams(ref),
      query: { apply: 'true' },
      body: mapping ? { markdown, mapping } : { markdown },
    });
  }

  async getRollup(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters: ReadinessFilters = {},
    parent?: string,
  ) {
    return (
      await this.call<'getRollup', { items: RollupGroup[] }>('getRollup', {
        query: { groupBy, ...filters, ...(parent ? { parent } : {}) },
      })
    ).items;
  }

  listServices(q: Parameters<ReadinessApi['listServices']>[0]) {
    return this.call<
      'listServices',
      { items: ServiceScoreRow[]; total: number; nextCursor?: string }
    >('listServices', { query: q });
  }

  async listBlockers(
    filters: ReadinessFilters = {},
    page: { cursor?: string; limit?: number } = {},
  ) {
    const { items, total, nextCursor } = await this.call<
      'listBlockers',
      BlockersPage
    >('listBlockers', { query: { ...filters, ...page } });
    return { items, total, ...(nextCursor ? { nextCursor } : {}) };
  }

  async getTrend(days: number, filters: ReadinessFilters = {}) {
    return (
      await this.call<
        'getTrend',
        { items: Awaited<ReturnType<ReadinessApi['getTrend']>> }
      >('getTrend', { query: { days, ...filters } })
    ).items;
  }

  async getExpiringEvidence(
    days: number,
    page: { cursor?: string; limit?: number } = {},
  ) {
    const { items, nextCursor } = await this.call<
      'listExpiringEvidence',
      ExpiringEvidencePage
    >('listExpiringEvidence', { query: { days, ...page } });
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  exportOrg(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters: ReadinessFilters = {},
  ) {
    return this.call(
      'exportOrg',
      { query: { groupBy, ...filters } },
      { text: true },
    );
  }

  async listInitiatives() {
    return (
      await this.call<'listInitiatives', { items: InitiativeSummary[] }>(
        'listInitiatives',
        {},
      )
    ).items;
  }

  async getEntityInitiatives(ref: CompoundEntityRef) {
    return (
      await this.call<'listInitiatives', { items: EntityInitiative[] }>(
        'listInitiatives',
        { query: { entityRef: stringifyEntityRef(ref) } },
      )
    ).items;
  }

  getInitiative(id: string) {
    return this.call<'getInitiative', InitiativeDetail>('getInitiative', {
      path: { id },
    });
  }

  exportInitiative(id: string, format: InitiativeExportFormat) {
    return this.call<'exportInitiative', string>(
      'exportInitiative',
      { path: { id }, query: { format } },
      { text: true },
    );
  }

  /**
   * Calls an operation of the spec. Path parameters, query and body are typed from the spec;
   * the answer is the spec's response type, or where the spec leaves it open the richer type
   * of the common package that the caller names as `R`.
   */
  private async call<Op extends OperationId, R = Operation<Op>['response']>(
    op: Op,
    args: OperationArgs<Op>,
    init: { text?: boolean } = {},
  ): Promise<R> {
    const { method, path } = readinessOperations[op];
    const {
      path: params,
      query,
      body,
    } = args as {
      path?: Record<string, string>;
      query?: Record<string, string | number | boolean | undefined>;
      body?: unknown;
    };
    const baseUrl = await this.options.discoveryApi.getBaseUrl('readiness');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${url(path, params, query)}`,
      {
        method,
        ...(body !== undefined
          ? {
              body: JSON.stringify(body),
              headers: { 'Content-Type': 'application/json' },
            }
          : {}),
      },
    );
    if (response.status === 409) {
      const conflict: { error?: { message?: string }; current: TaskState } =
        await response.json();
      throw new ReadinessConflictError(
        conflict.error?.message ?? 'Conflict',
        conflict.current,
      );
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (init.text ? await response.text() : await response.json()) as R;
  }
}
