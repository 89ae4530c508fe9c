import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EntityInitiative,
  EntityReadinessResponse,
  InitiativeDetail,
  InitiativeSummary,
  ReviewQueueResponse,
} from '@prodready/plugin-readiness-common';
import {
  EvidenceReviewDecision,
  ExemptionRequestInput,
  ImportMapping,
  ImportPreview,
  InitiativeExportFormat,
  ReadinessApi,
  ReadinessConflictError,
  ReadinessFilters,
} from './ReadinessApi';

const entityPath = (ref: CompoundEntityRef) =>
  `/entities/${[ref.kind, ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/')}`;

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** {@link ReadinessApi} over `discoveryApi` and `fetchApi`. @public */
export class ReadinessClient implements ReadinessApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEntityReadiness(ref: CompoundEntityRef) {
    return this.request<EntityReadinessResponse>(entityPath(ref));
  }

  async getHistory(ref: CompoundEntityRef) {
    return (await this.request<{ items: any[] }>(`${entityPath(ref)}/history`))
      .items;
  }

  updateTask(ref: CompoundEntityRef, taskId: string, input: any) {
    return this.request<any>(
      `${entityPath(ref)}/tasks/${encodeURIComponent(taskId)}`,
      {
        method: 'PATCH',
        body: input,
      },
    );
  }

  addEvidence(ref: CompoundEntityRef, taskId: string, input: any) {
    return this.request<any>(
      `${entityPath(ref)}/tasks/${encodeURIComponent(taskId)}/evidence`,
      {
        method: 'POST',
        body: input,
      },
    );
  }

  reviewEvidence(
    ref: CompoundEntityRef,
    taskId: string,
    evidenceId: string,
    input: EvidenceReviewDecision,
  ) {
    return this.request<any>(
      `${entityPath(ref)}/tasks/${encodeURIComponent(
        taskId,
      )}/evidence/${encodeURIComponent(evidenceId)}/review`,
      { method: 'POST', body: input },
    );
  }

  async listReviews() {
    return (await this.request<ReviewQueueResponse>('/reviews')).items;
  }

  grantExemption(ref: CompoundEntityRef, taskId: string, input: any) {
    return this.request<any>(
      `${entityPath(ref)}/tasks/${encodeURIComponent(taskId)}/exemption`,
      {
        method: 'PUT',
        body: input,
      },
    );
  }

  requestExemption(
    ref: CompoundEntityRef,
    taskId: string,
    input: ExemptionRequestInput,
  ) {
    return this.request<any>(
      `${entityPath(ref)}/tasks/${encodeURIComponent(
        taskId,
      )}/exemption-request`,
      { method: 'POST', body: input },
    );
  }

  previewImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ) {
    return this.request<ImportPreview>(`${entityPath(ref)}/import`, {
      method: 'POST',
      body: mapping ? { markdown, mapping } : { markdown },
    });
  }

  applyImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ) {
    return this.request<any>(`${entityPath(ref)}/import?apply=true`, {
      method: 'POST',
      body: mapping ? { markdown, mapping } : { markdown },
    });
  }

  async getRollup(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters: ReadinessFilters = {},
    parent?: string,
  ) {
    return (
      await this.request<{ items: any[] }>(
        `/scores${query({
          groupBy,
          ...filters,
          ...(parent ? { parent } : {}),
        })}`,
      )
    ).items;
  }

  listServices(
    q: ReadinessFilters & {
      sort?: string;
      order?: string;
      limit?: number;
      cursor?: string;
    },
  ) {
    return this.request<any>(`/services${query(q as any)}`);
  }

  async listBlockers(filters: ReadinessFilters = {}) {
    return (
      await this.request<{ items: any[] }>(`/blockers${query(filters as any)}`)
    ).items;
  }

  async getTrend(days: number, filters: ReadinessFilters = {}) {
    return (
      await this.request<{ items: any[] }>(
        `/trend${query({ days, ...filters })}`,
      )
    ).items;
  }

  async getExpiringEvidence(days: number) {
    return (
      await this.request<{ items: any[] }>(
        `/evidence/expiring${query({ days })}`,
      )
    ).items;
  }

  exportOrg(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters: ReadinessFilters = {},
  ) {
    return this.request<string>(`/export${query({ groupBy, ...filters })}`, {
      text: true,
    });
  }

  async listInitiatives() {
    return (await this.request<{ items: InitiativeSummary[] }>('/initiatives'))
      .items;
  }

  async getEntityInitiatives(ref: CompoundEntityRef) {
    return (
      await this.request<{ items: EntityInitiative[] }>(
        `/initiatives${query({ entityRef: stringifyEntityRef(ref) })}`,
      )
    ).items;
  }

  getInitiative(id: string) {
    return this.request<InitiativeDetail>(
      `/initiatives/${encodeURIComponent(id)}`,
    );
  }

  exportInitiative(id: string, format: InitiativeExportFormat) {
    return this.request<string>(
      `/initiatives/${encodeURIComponent(id)}/export${query({ format })}`,
      { text: true },
    );
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: unknown; text?: boolean } = {},
  ): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('readiness');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined
        ? {
            body: JSON.stringify(init.body),
            headers: { 'Content-Type': 'application/json' },
          }
        : {}),
    });
    if (response.status === 409) {
      const body = await response.json();
      throw new ReadinessConflictError(
        body.error?.message ?? 'Conflict',
        body.current,
      );
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (init.text ? await response.text() : await response.json()) as T;
  }
}
