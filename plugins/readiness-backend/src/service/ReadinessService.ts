import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Config } from '@backstage/config';
import { entityLinks } from './entityLinks';
import { ReadinessNotifier } from '../notify/ReadinessNotifier';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ANNOTATION_SENTRY_PROJECT_SLUG,
  EntityReadinessResponse,
  Evidence,
  EvidenceInput,
  EvidenceReviewInput,
  ExemptionInput,
  RollupQuery,
  RunbookInput,
  RunbookPatch,
  ServicesQuery,
  ServiceFilters,
  RUNBOOK_LINK_TYPE_PATTERN,
  RUNBOOK_TYPES,
  ReadinessScore,
  ReadinessTemplate,
  RunbookType,
  RunbookLink,
  TaskState,
  TaskStatus,
  TaskUpdateInput,
  evidenceExpiry,
  getTier,
  isReadinessAnnotated,
  scorePlan,
  whatIf,
  isFailedCheck,
} from '@prodready/plugin-readiness-common';
import {
  DatabaseReadinessStore,
  PlanRecord,
} from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';

/** JSON with sorted keys, so a template read back from jsonb compares equal. */
const stableStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

/** Longest exemption an approver can grant unless `readiness.exemptions.maxDays` says otherwise. */
const DEFAULT_MAX_EXEMPTION_DAYS = 90;
const ENTITY_CACHE_SIZE = 5000;
/** At most this many entity refs are kept across the per-user visibility cache. */
const VISIBLE_REFS_HELD_MAX = 500_000;
const REEVALUATE_PAGE = 500;
/** Per-change snapshots older than this are pruned; daily snapshots stay. */
const SNAPSHOT_DETAIL_DAYS = 30;

/** Thrown when a task update carries a stale `expectedVersion`. @internal */
export class StaleVersionError extends Error {
  name = 'ConflictError';
  constructor(readonly current: TaskState) {
    super(
      `Task ${current.taskId} was changed by someone else (now at version ${current.version}); reload and apply your change again`,
    );
  }
}

/** Runbook links declared in `metadata.links` with `type: runbook` or `runbook-<type>`. @internal */
export function catalogRunbooks(entity: Entity) {
  return (entity.metadata.links ?? []).flatMap(link => {
    const m = link.type ? RUNBOOK_LINK_TYPE_PATTERN.exec(link.type) : null;
    if (!m) return [];
    const type = (RUNBOOK_TYPES as string[]).includes(m[1] ?? '')
      ? (m[1] as RunbookType)
      : 'other';
    return [{ type, title: link.title ?? link.url, url: link.url }];
  });
}

/** What the automatic checks read of an entity: a change here re-runs them soon. */
const checkInputs = (entity: Entity | undefined) =>
  entity
    ? stableStringify({
        annotations: entity.metadata.annotations ?? {},
        links: entity.metadata.links ?? [],
        relations: entity.relations ?? [],
      })
    : '';

const relationTarget = (entity: Entity, type: string, kind?: string) =>
  entity.relations?.find(
    r => r.type === type && (!kind || r.targetRef.startsWith(`${kind}:`)),
  )?.targetRef;

/**
 * The readiness use cases: reading a service's plan and score, updating tasks and adding
 * evidence. Every write recomputes the score with the common scoring rules and stores it.
 * @internal
 */
export class ReadinessService {
  constructor(
    private readonly deps: {
      store: DatabaseReadinessStore;
      templates: TemplateRegistry;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      config: Config;
      notifier?: ReadinessNotifier;
      /** Enables catalog-free reads for users who may read the whole catalog. */
      permissions?: PermissionsService;
    },
  ) {
    this.entityTtlMs =
      (deps.config.getOptionalNumber('readiness.entityCacheSeconds') ?? 10) *
      1000;
    this.rollupTtlMs =
      (deps.config.getOptionalNumber('readiness.rollupCacheSeconds') ?? 15) *
      1000;
    this.maxExemptionDays =
      deps.config.getOptionalNumber('readiness.exemptions.maxDays') ??
      DEFAULT_MAX_EXEMPTION_DAYS;
    this.ownerGroupMayApprove =
      deps.config.getOptionalBoolean('readiness.exemptions.allowOwnerGroup') ??
      false;
    this.ownerGroupMayReview =
      deps.config.getOptionalBoolean('readiness.review.allowOwnerGroup') ??
      false;
  }

  private readonly maxExemptionDays: number;
  private readonly ownerGroupMayApprove: boolean;
  private readonly ownerGroupMayReview: boolean;

  /**
   * Catalog answers per user and entity, kept `readiness.entityCacheSeconds` (10 s): the
   * card, the tab and their refreshes read the same entity in bursts, and the catalog
   * round trip (token exchange, permission check) costs more than the rest of a read.
   */
  private readonly entityCache = new Map<
    string,
    { entity: Entity; until: number }
  >();
  private readonly entityTtlMs: number;
  private readonly rollupTtlMs: number;

  async getEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    // A CI token is usually restricted to this plugin, so it cannot be delegated to the
    // catalog; services only learn whether the entity exists, so we look it up as ourselves.
    const caller = this.deps.auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : undefined;
    const key = caller && `${caller}|${stringifyEntityRef(ref)}`;
    const cached = key ? this.entityCache.get(key) : undefined;
    if (cached && cached.until > Date.now()) return cached.entity;
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: this.deps.auth.isPrincipal(credentials, 'service')
        ? await this.deps.auth.getOwnServiceCredentials()
        : credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `Entity ${stringifyEntityRef(ref)} was not found in the catalog`,
      );
    }
    if (key && this.entityTtlMs > 0) {
      // Bounded: drop the oldest entries (Map keeps insertion order).
      if (this.entityCache.size >= ENTITY_CACHE_SIZE) {
        const oldest = this.entityCache.keys().next().value;
        if (oldest) this.entityCache.delete(oldest);
      }
      this.entityCache.set(key, {
        entity,
        until: Date.now() + this.entityTtlMs,
      });
    }
    return entity;
  }

  /**
   * Creates the plan of an entity, or refreshes its catalog fields and runbook links (and
   * restores it if it was archived). `domainOf` resolves a system's domain, so a bulk sync
   * can look systems up once.
   */
  async registerEntity(
    entity: Entity,
    options: {
      domainOf?: (systemRef: string) => Promise<string | undefined>;
    } = {},
  ): Promise<PlanRecord> {
    const entityRef = stringifyEntityRef(entity);
    const existing = await this.deps.store.getPlan(entityRef);
    const template = existing
      ? this.templateOf(existing)
      : this.deps.templates.select(entity);
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const system = relationTarget(entity, 'partOf', 'system');
    const input = {
      entityRef,
      templateId: template.id,
      templateVersion: template.version,
      templateSnapshot: template,
      owner: relationTarget(entity, 'ownedBy'),
      system,
      domain:
        relationTarget(entity, 'partOf', 'domain') ??
        (system
          ? await (options.domainOf ?? (r => this.domainOf(r)))(system)
          : undefined),
      lifecycle: (spec.lifecycle as string | undefined)?.toLocaleLowerCase(
        'en-US',
      ),
      tier: getTier(entity),
      entitySnapshot: entity,
    };
    const save = async (store: DatabaseReadinessStore) => {
      const saved = await store.upsertPlan(input);
      await store.replaceCatalogRunbooks(entityRef, catalogRunbooks(entity));
      return saved;
    };
    // A new or restored plan and its first score commit together; a refresh of catalog
    // fields (owner, system, runbook links) moves no score and needs no lock.
    const plan =
      !existing || existing.archivedAt
        ? (
            await this.command(
              entityRef,
              existing ? 'restored' : 'registered',
              save,
            )
          ).result
        : await save(this.deps.store);
    if (
      !existing ||
      existing.archivedAt ||
      checkInputs(existing.entitySnapshot) !== checkInputs(entity)
    ) {
      this.pendingChecks.add(plan.entityRef);
    }
    return plan;
  }

  /** Entities read before the sync registered (or restored) their plan. */
  private readonly pendingRegistrations = new Map<string, Entity>();

  private queueRegistration(entity: Entity) {
    if (this.pendingRegistrations.size >= ENTITY_CACHE_SIZE) return;
    this.pendingRegistrations.set(stringifyEntityRef(entity), entity);
  }

  /** The registration job: registers the plans that were read before any sync saw them. */
  async registerPending(): Promise<number> {
    const entities = [...this.pendingRegistrations.values()];
    this.pendingRegistrations.clear();
    let registered = 0;
    for (const entity of entities) {
      try {
        await this.registerEntity(entity);
        registered += 1;
      } catch (error) {
        // The sync registers it later; one bad entity does not drop the others.
        this.deps.logger.warn(
          `Could not register ${stringifyEntityRef(entity)}: ${error}`,
        );
      }
    }
    return registered;
  }

  /**
   * The plan a write is about, registered (or restored) first when the sync has not done
   * it yet. Part of the write path, never of a read.
   */
  async ensurePlan(entity: Entity): Promise<void> {
    const plan = await this.deps.store.getPlan(stringifyEntityRef(entity));
    if (plan && !plan.archivedAt) return;
    if (!plan && !isReadinessAnnotated(entity)) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} is not registered for readiness`,
      );
    }
    await this.registerEntity(entity);
  }

  /** Plans registered, restored or changed in the catalog whose checks have not run since. */
  private readonly pendingChecks = new Set<string>();

  /** Takes the plans waiting for their first (or a fresh) run of the automatic checks. */
  takePendingChecks(): string[] {
    const refs = [...this.pendingChecks];
    this.pendingChecks.clear();
    return refs;
  }

  /**
   * Whether the catalog's read permission is an unconditional ALLOW for this user, asked
   * once per user per minute.
   */
  private async canReadWholeCatalog(
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const { permissions, auth } = this.deps;
    if (!permissions || !auth.isPrincipal(credentials, 'user')) return false;
    const user = credentials.principal.userEntityRef;
    const cached = this.readDecisions.get(user);
    if (cached && cached.until > Date.now()) return cached.allowed;
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    const allowed = decision.result === AuthorizeResult.ALLOW;
    if (this.readDecisions.size >= ENTITY_CACHE_SIZE)
      this.readDecisions.clear();
    this.readDecisions.set(user, { allowed, until: Date.now() + 60_000 });
    return allowed;
  }

  private readonly readDecisions = new Map<
    string,
    { allowed: boolean; until: number }
  >();

  private async domainOf(systemRef: string): Promise<string | undefined> {
    const system = await this.deps.catalog
      .getEntityByRef(systemRef, {
        credentials: await this.deps.auth.getOwnServiceCredentials(),
      })
      .catch(() => undefined);
    return system ? relationTarget(system, 'partOf', 'domain') : undefined;
  }

  async getEntityReadiness(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityReadinessResponse> {
    // Users who may read every catalog entity read the entity as the last sync stored it;
    // everyone else (and unregistered entities) goes through the catalog with their own
    // credentials, so catalog read permissions apply unchanged.
    let plan: PlanRecord | undefined;
    let entity: Entity;
    const view = (await this.canReadWholeCatalog(credentials))
      ? await this.deps.store.getPlanView(stringifyEntityRef(ref))
      : undefined;
    let loaded: { tasks: TaskState[]; runbooks: RunbookLink[] } | undefined;
    if (view?.plan.entitySnapshot && !view.plan.archivedAt) {
      plan = view.plan;
      entity = view.plan.entitySnapshot;
      loaded = view;
    } else {
      entity = await this.getEntity(ref, credentials);
      plan = await this.deps.store.getPlan(stringifyEntityRef(entity));
    }
    const entityRef = stringifyEntityRef(entity);
    if (!plan && !isReadinessAnnotated(entity)) {
      throw new NotFoundError(
        `${entityRef} is not registered for readiness: add the ${ANNOTATION_SENTRY_PROJECT_SLUG} or readiness/* annotations to its catalog-info.yaml`,
      );
    }
    // Reads never write: a plan the sync has not registered (or archived) yet is previewed
    // and queued for the registration job, which runs within the minute.
    const pending = !plan || Boolean(plan.archivedAt);
    if (pending) this.queueRegistration(entity);
    const template = plan
      ? this.templateOf(plan)
      : this.deps.templates.select(entity);
    const { tasks, runbooks } =
      loaded ??
      (plan
        ? {
            tasks: await this.deps.store.listTaskStates(entityRef),
            runbooks: await this.deps.store.listRunbooks(entityRef),
          }
        : {
            tasks: [],
            runbooks: catalogRunbooks(entity).map(
              (r, i): RunbookLink => ({
                ...r,
                id: `catalog-${i}`,
                source: 'catalog',
              }),
            ),
          });
    const checkRuns = plan
      ? await this.deps.store.checkRuns.list(entityRef)
      : [];
    const dependencies = await this.dependenciesOf(entity, credentials);
    const now = new Date();
    const states = Object.fromEntries(tasks.map(t => [t.taskId, t]));
    return {
      entityRef: plan?.entityRef ?? entityRef.toLocaleLowerCase('en-US'),
      plan: {
        templateId: template.id,
        templateVersion: template.version,
        createdAt: plan?.createdAt ?? now.toISOString(),
        updatedAt: plan?.updatedAt ?? now.toISOString(),
      },
      ...(pending ? { pending: true as const } : {}),
      template,
      tasks,
      runbooks: runbooks.map(r =>
        r.lastReviewedAt
          ? {
              ...r,
              reviewAgeDays: Math.floor(
                (now.getTime() - Date.parse(r.lastReviewedAt)) / 86_400_000,
              ),
            }
          : r,
      ),
      score: scorePlan(template, states, now),
      whatIf: whatIf(template, states, now),
      ...(checkRuns.length ? { checkRuns } : {}),
      ...(dependencies.length ? { dependencies } : {}),
      ...entityLinks(entity, this.deps.config, template, tasks),
    };
  }

  async updateTask(options: {
    entityRef: string;
    taskId: string;
    input: TaskUpdateInput;
    actor: string;
  }): Promise<{ task: TaskState; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor } = options;
    const { task } = await this.requireTask(entityRef, taskId);
    const unknown = Object.keys(input.checklist ?? {}).filter(
      id => !task.checklist.some(c => c.id === id),
    );
    if (unknown.length) {
      throw new InputError(
        `Invalid request: checklist: task ${taskId} has no item(s) ${unknown.join(
          ', ',
        )}`,
      );
    }
    return this.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      actor,
      'task.update',
      {
        status: input.status as TaskStatus | undefined,
        assignee: input.assignee,
        notes: input.notes,
        checklist: input.checklist,
      },
    );
  }

  /**
   * Records evidence. Its provenance comes from who sends it, never from the body: a
   * person's evidence is `claimed` (links, commits and documents await a second person's
   * review); a bound CI principal's is `verified` and marks the task done, like a check.
   */
  async addEvidence(options: {
    entityRef: string;
    taskId: string;
    input: EvidenceInput;
    actor: string;
    producer: 'person' | 'ci';
    /** Only for imports of past evidence; defaults to now. */
    recordedAt?: Date;
  }): Promise<{ evidence: Evidence; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor, producer } = options;
    const { task } = await this.requireTask(entityRef, taskId);
    const recordedAt = options.recordedAt ?? new Date();
    const expiresAt = evidenceExpiry(task, recordedAt);
    const { result, score } = await this.command(
      entityRef,
      `evidence added to ${taskId}`,
      async store => {
        const evidence = await store.addEvidence({
          entityRef,
          taskId,
          evidence: {
            kind: input.kind,
            ...(input.url ? { url: input.url } : {}),
            summary: input.summary,
            source: producer === 'ci' ? 'ci' : 'manual',
            recordedAt: recordedAt.toISOString(),
            recordedBy: actor,
            ...(expiresAt ? { expiresAt } : {}),
            // Whoever sends it, a bare attestation is a claim.
            trust:
              producer === 'ci' && input.kind !== 'attestation'
                ? 'verified'
                : 'claimed',
            ...(producer === 'person' && input.kind !== 'attestation'
              ? { review: { state: 'pending' as const } }
              : {}),
          },
        });
        if (producer === 'ci') {
          await this.markDone(store, entityRef, taskId, actor, 'ci.passed');
        }
        return evidence;
      },
    );
    if (result.review?.state === 'pending') {
      await this.notify(() =>
        this.deps.notifier?.evidenceAwaitsReview({
          entityRef,
          taskId,
          evidence: result,
        }),
      );
    }
    return { evidence: result, score };
  }

  /** Sets a task done on a machine's proof, unless it already is. */
  private async markDone(
    store: DatabaseReadinessStore,
    entityRef: string,
    taskId: string,
    actor: string,
    action: string,
  ) {
    const [state] = (await store.listTaskStates(entityRef)).filter(
      t => t.taskId === taskId,
    );
    if (state?.status === 'done') return;
    await store.updateTask({
      entityRef,
      taskId,
      expectedVersion: state?.version ?? 0,
      actor,
      action,
      patch: { status: 'done' },
    });
  }

  /**
   * A second person approves or rejects a person's evidence. Refused for the submitter and,
   * unless `readiness.review.allowOwnerGroup`, for members of the owning group.
   */
  async reviewEvidence(options: {
    entityRef: string;
    taskId: string;
    evidenceId: string;
    input: EvidenceReviewInput;
    reviewer: string;
    reviewerOwnership: string[];
  }): Promise<{ evidence: Evidence; score: ReadinessScore }> {
    const { entityRef, taskId, evidenceId, input, reviewer } = options;
    const { plan } = await this.requireTask(entityRef, taskId);
    const evidence = await this.deps.store.getEvidence(
      entityRef,
      taskId,
      evidenceId,
    );
    if (!evidence) {
      throw new NotFoundError(`Task ${taskId} has no evidence ${evidenceId}`);
    }
    if (!evidence.review) {
      throw new InputError(
        "Invalid request: evidenceId: only a person's link, commit or document can be reviewed",
      );
    }
    if (evidence.recordedBy === reviewer) {
      throw new NotAllowedError('You may not review evidence you submitted');
    }
    await this.checkNotOwnerGroup(
      plan,
      options.reviewerOwnership,
      this.ownerGroupMayReview,
      'review evidence of a service your group owns',
    );
    const { result, score } = await this.command(
      entityRef,
      `evidence ${
        input.decision === 'approve' ? 'approved' : 'rejected'
      } on ${taskId}`,
      store =>
        store.reviewEvidence({
          entityRef,
          taskId,
          evidenceId,
          approved: input.decision === 'approve',
          reviewer,
          comment: input.comment,
          at: new Date(),
        }),
    );
    if (!result) {
      throw new ConflictError(
        `Evidence ${evidenceId} was already ${
          evidence.review.state === 'pending'
            ? 'reviewed'
            : evidence.review.state
        }`,
      );
    }
    if (input.decision === 'reject') {
      await this.notify(() =>
        this.deps.notifier?.evidenceRejected({
          entityRef: plan.entityRef,
          owner: plan.owner,
          taskId,
          evidence: result,
        }),
      );
    }
    return { evidence: result, score };
  }

  /**
   * Refuses a second-person action (review, exemption grant) by someone in the owning group:
   * a member of it or of any group beneath it, or, for a service owned by a person, someone
   * sharing one of that person's groups. A plan without an owner cannot show separation
   * and is refused too, unless the config lets the owning group act.
   */
  private async checkNotOwnerGroup(
    plan: PlanRecord,
    ownership: string[],
    allowed: boolean,
    what: string,
  ) {
    if (allowed) return;
    const owner = plan.owner?.toLocaleLowerCase('en-US');
    const refuse = () => {
      throw new NotAllowedError(
        owner
          ? `You may not ${what}: a second person outside ${plan.owner} must`
          : `You may not ${what}: ${plan.entityRef} has no owner in the catalog, so no one is outside it`,
      );
    };
    if (!owner) refuse();
    const mine = await this.withAncestors(ownership);
    if (mine.has(owner!)) refuse();
    if (owner!.startsWith('user:')) {
      const user = await this.deps.catalog.getEntityByRef(owner!, {
        credentials: await this.deps.auth.getOwnServiceCredentials(),
      });
      const theirs = (user?.relations ?? [])
        .filter(r => r.type === 'memberOf')
        .map(r => r.targetRef.toLocaleLowerCase('en-US'));
      if (theirs.some(g => mine.has(g))) refuse();
    }
  }

  /**
   * A person's ownership refs plus every group above their groups (`childOf`, any depth, as
   * the catalog holds it), lower-cased: membership of a sub-team is membership of the team.
   */
  private async withAncestors(ownership: string[]): Promise<Set<string>> {
    const all = new Set(ownership.map(r => r.toLocaleLowerCase('en-US')));
    let frontier = [...all].filter(r => r.startsWith('group:'));
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    for (let depth = 0; depth < 10 && frontier.length; depth++) {
      const { items } = await this.deps.catalog.getEntitiesByRefs(
        { entityRefs: frontier, fields: ['relations'] },
        { credentials },
      );
      frontier = items
        .flatMap(e => e?.relations ?? [])
        .filter(r => r.type === 'childOf')
        .map(r => r.targetRef.toLocaleLowerCase('en-US'))
        .filter(r => !all.has(r));
      frontier.forEach(r => all.add(r));
    }
    return all;
  }

  /** Evidence awaiting a review that `reviewer` may give, oldest first. */
  async reviewQueue(options: {
    reviewer: string;
    reviewerOwnership: string[];
    credentials: BackstageCredentials;
    limit?: number;
  }) {
    const items = await this.deps.store.listPendingReviews({
      reviewer: options.reviewer,
      excludeOwners: this.ownerGroupMayReview
        ? []
        : [...(await this.withAncestors(options.reviewerOwnership))],
      visible: await this.visibleRefs(options.credentials),
      limit: options.limit ?? 200,
    });
    return items.flatMap(({ template, ...item }) => {
      const task = template?.phases
        .flatMap(p => p.tasks)
        .find(t => t.id === item.taskId);
      return task
        ? [{ ...item, taskTitle: task.title, severity: task.severity }]
        : [];
    });
  }

  /**
   * Grants a pending exemption request (accepted risk, or "not applicable"). The approver
   * is neither the requester nor, unless `readiness.exemptions.allowOwnerGroup`, in the
   * owning group; the duration is capped by `readiness.exemptions.maxDays` (90).
   */
  async setExemption(options: {
    entityRef: string;
    taskId: string;
    input: ExemptionInput;
    approver: string;
    approverOwnership: string[];
    now?: Date;
  }) {
    const { entityRef, taskId, input, approver } = options;
    const now = options.now ?? new Date();
    const expiresAt = new Date(input.expiresAt);
    this.checkExemptionWindow(expiresAt, now);
    const { plan } = await this.requireTask(entityRef, taskId);
    const state = (await this.deps.store.listTaskStates(entityRef)).find(
      t => t.taskId === taskId,
    );
    const request = state?.exemptionRequest;
    if (!request) {
      throw new InputError(
        `Invalid request: task ${taskId} has no pending exemption request; the owner asks first`,
      );
    }
    if (request.requestedBy === approver) {
      throw new NotAllowedError(
        'You may not approve an exemption you requested',
      );
    }
    await this.checkNotOwnerGroup(
      plan,
      options.approverOwnership,
      this.ownerGroupMayApprove,
      'approve exemptions of a service your group owns',
    );
    return this.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      approver,
      'exemption.add',
      {
        exemptionRequest: null,
        exemption: {
          reason: request.reason,
          comment: input.reason,
          approvedBy: approver,
          requestedBy: request.requestedBy,
          createdAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
          ...(request.notApplicable ? { notApplicable: true } : {}),
        },
      },
    );
  }

  /** An owner asks for an exemption; it counts for nothing until an approver grants it. */
  async requestExemption(options: {
    entityRef: string;
    taskId: string;
    input: ExemptionInput;
    actor: string;
    now?: Date;
  }) {
    const { entityRef, taskId, input, actor } = options;
    const now = options.now ?? new Date();
    this.checkExemptionWindow(new Date(input.expiresAt), now);
    const { task } = await this.requireTask(entityRef, taskId);
    if (input.notApplicable && task.severity === 'p0') {
      throw new InputError(
        `Invalid request: notApplicable: task ${taskId} is a P0 and cannot be marked not applicable`,
      );
    }
    return this.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      actor,
      'exemption.request',
      {
        exemptionRequest: {
          reason: input.reason,
          ...(input.notApplicable ? { notApplicable: true } : {}),
          expiresAt: new Date(input.expiresAt).toISOString(),
          requestedBy: actor,
          requestedAt: now.toISOString(),
        },
      },
    );
  }

  async revokeExemption(options: {
    entityRef: string;
    taskId: string;
    expectedVersion: number;
    actor: string;
  }) {
    const { entityRef, taskId, expectedVersion, actor } = options;
    await this.requireTask(entityRef, taskId);
    return this.writeTask(
      entityRef,
      taskId,
      expectedVersion,
      actor,
      'exemption.revoke',
      {
        exemption: null,
      },
    );
  }

  async addRunbook(entityRef: string, input: RunbookInput, actor: string) {
    await this.requirePlan(entityRef);
    const { result } = await this.command(entityRef, 'runbook added', store =>
      store.addRunbook(entityRef, input, actor),
    );
    return result;
  }

  async updateRunbook(
    entityRef: string,
    id: string,
    patch: RunbookPatch,
    actor: string,
  ) {
    await this.requirePlan(entityRef);
    const { result: link } = await this.command(
      entityRef,
      'runbook changed',
      store => store.updateRunbook(entityRef, id, patch, actor),
    );
    if (!link)
      throw new NotFoundError(`${entityRef} has no runbook link ${id}`);
    return link;
  }

  async deleteRunbook(entityRef: string, id: string, actor: string) {
    await this.requirePlan(entityRef);
    const { result: deleted } = await this.command(
      entityRef,
      'runbook deleted',
      store => store.deleteRunbook(entityRef, id, actor),
    );
    if (!deleted) {
      throw new NotFoundError(`${entityRef} has no runbook link ${id}`);
    }
  }

  /**
   * Moves a plan to the current version of its template. Task state is kept by task id;
   * the report lists tasks added and removed by the new version.
   */
  async upgradePlan(entityRef: string, actor: string) {
    const plan = await this.requirePlan(entityRef);
    const pinned = this.templateOf(plan);
    const current = this.deps.templates.get(plan.templateId);
    if (!current) {
      throw new NotFoundError(
        `Template "${plan.templateId}" is no longer configured`,
      );
    }
    const ids = (t: ReadinessTemplate) =>
      t.phases.flatMap(p => p.tasks.map(x => x.id));
    const before = new Set(ids(pinned));
    const after = new Set(ids(current));
    const report = {
      templateId: current.id,
      fromVersion: pinned.version,
      toVersion: current.version,
      addedTasks: [...after].filter(id => !before.has(id)),
      removedTasks: [...before].filter(id => !after.has(id)),
      changed:
        pinned.version !== current.version ||
        stableStringify(pinned) !== stableStringify(current),
    };
    if (report.changed) {
      await this.command(
        entityRef,
        `template upgraded to v${current.version}`,
        store => store.setPlanTemplate(entityRef, current, actor, report),
      );
    }
    return report;
  }

  /** The stored readiness of what `entity` dependsOn, among what the caller may see. */
  private async dependenciesOf(
    entity: Entity,
    credentials: BackstageCredentials,
  ) {
    const refs = (entity.relations ?? [])
      .filter(r => r.type === 'dependsOn')
      .map(r => r.targetRef.toLocaleLowerCase('en-US'));
    if (refs.length === 0) return [];
    const visible = await this.visibleRefs(credentials);
    return this.deps.store.scoresOf(
      visible ? refs.filter(r => visible.includes(r)) : refs,
    );
  }

  /**
   * Answers a CI pipeline: does the service meet `minScore` with no blockers? Evaluated
   * now, so expired evidence counts even before the scheduled re-evaluation.
   */
  async gate(
    ref: CompoundEntityRef,
    query: {
      minScore: number;
      minStage?: number;
      allowAtRisk: boolean;
      allowExpired: boolean;
      requireDependencies?: boolean;
    },
    credentials: BackstageCredentials,
  ) {
    const { entityRef, score, dependencies } = await this.getEntityReadiness(
      ref,
      credentials,
    );
    const reasons: string[] = [];
    const notReady = (dependencies ?? []).filter(d => d.status === 'not_ready');
    if (query.requireDependencies) {
      for (const d of notReady)
        reasons.push(`depends on not-ready ${d.entityRef} (${d.overall})`);
    }
    if (score.blockers.length) {
      reasons.push(
        `${score.blockers.length} open P0 blocker(s): ${score.blockers
          .map(b => `${b.taskId} ${b.title}`)
          .join('; ')}`,
      );
    }
    if (score.overall < query.minScore) {
      reasons.push(
        `score ${score.overall} is below the required ${query.minScore}`,
      );
    }
    const minStage = query.minStage ?? 0;
    if (score.stage.reached < minStage) {
      reasons.push(
        `stage ${score.stage.reached} of ${
          score.stage.of
        } is below the required ${minStage}${
          score.stage.title ? ` (last phase proven: ${score.stage.title})` : ''
        }`,
      );
    }
    if (score.status === 'not_ready' && !score.blockers.length) {
      reasons.push('status is not_ready');
    }
    if (score.status === 'at_risk' && !query.allowAtRisk) {
      reasons.push('status is at_risk (pass allowAtRisk=true to accept it)');
    }
    // A machine's "no" is not stale proof: allowExpired does not waive it.
    const refuted = score.tasks.filter(t => t.refuted).map(t => t.taskId);
    if (refuted.length) {
      reasons.push(
        `${
          refuted.length
        } task(s) failed an automatic check after their last proof: ${refuted.join(
          ', ',
        )}`,
      );
    }
    const expired = score.counts.expired - refuted.length;
    if (expired > 0 && !query.allowExpired) {
      reasons.push(
        `${expired} task(s) rest on expired evidence (pass allowExpired=true to accept it)`,
      );
    }
    return {
      entityRef,
      pass: reasons.length === 0,
      score: score.overall,
      status: score.status,
      blockers: score.blockers,
      expired: score.counts.expired,
      minScore: query.minScore,
      stage: score.stage,
      minStage,
      notReadyDependencies: notReady.map(d => d.entityRef),
      requireDependencies: query.requireDependencies ?? false,
      allowAtRisk: query.allowAtRisk,
      allowExpired: query.allowExpired,
      reasons,
    };
  }

  /**
   * The entity refs a caller may see in the catalog, for filtering org-wide lists, or
   * `undefined` when they may see every entity (and for service callers). Asked of the
   * catalog with the caller's credentials, once per user per minute.
   */
  async visibleRefs(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    const { auth, catalog } = this.deps;
    if (!auth.isPrincipal(credentials, 'user')) return undefined;
    if (await this.canReadWholeCatalog(credentials)) return undefined;
    const user = credentials.principal.userEntityRef;
    const cached = this.visible.get(user);
    if (cached && cached.until > Date.now()) return cached.refs;
    const { items } = await catalog.getEntities(
      { fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    const refs = items.map(e =>
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
    );
    // Bounded by users and by refs held (each entry can be the size of the catalog).
    if (
      this.visible.size >= ENTITY_CACHE_SIZE ||
      this.visibleRefsHeld + refs.length > VISIBLE_REFS_HELD_MAX
    ) {
      this.visible.clear();
      this.visibleRefsHeld = 0;
    }
    this.visible.set(user, { refs, until: Date.now() + 60_000 });
    this.visibleRefsHeld += refs.length;
    return refs;
  }

  private readonly visible = new Map<
    string,
    { refs: string[]; until: number }
  >();
  private visibleRefsHeld = 0;

  /**
   * Org rollups are read far more often than scores change: answers for callers who see
   * the whole catalog are kept `readiness.rollupCacheSeconds` (15 s) and dropped on every
   * score this replica writes.
   */
  async rollup(query: RollupQuery, credentials: BackstageCredentials) {
    const visible = await this.visibleRefs(credentials);
    const { groupBy, ...filters } = query;
    if (visible)
      return this.deps.store.rollup(groupBy, { ...filters, visible });
    const key = JSON.stringify(query);
    const hit = this.rollups.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = this.deps.store.rollup(groupBy, filters);
    if (this.rollupTtlMs > 0) {
      this.rollups.set(key, { value, until: Date.now() + this.rollupTtlMs });
      value.catch(() => this.rollups.delete(key));
    }
    return value;
  }

  private readonly rollups = new Map<
    string,
    { value: ReturnType<DatabaseReadinessStore['rollup']>; until: number }
  >();

  async listBlockers(
    filters: ServiceFilters,
    credentials: BackstageCredentials,
  ) {
    const visible = await this.visibleRefs(credentials);
    return this.deps.store.listBlockers({ ...filters, visible });
  }

  async trend(
    query: ServiceFilters & { days: number },
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ) {
    const { days, ...filters } = query;
    const visible = await this.visibleRefs(credentials);
    return this.deps.store.trend(
      { ...filters, visible },
      new Date(now.getTime() - days * 86_400_000),
    );
  }

  async expiringEvidence(
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ) {
    return this.deps.store.listExpiringEvidence(
      new Date(now.getTime() + days * 86_400_000),
      await this.visibleRefs(credentials),
    );
  }

  async listServices(query: ServicesQuery, credentials: BackstageCredentials) {
    const visible = await this.visibleRefs(credentials);
    return this.deps.store.listScores({ ...query, visible });
  }

  /**
   * Scheduled re-evaluation: expiry changes scores without any write, so every plan is
   * re-scored; the first run of a UTC day records the daily snapshot. Old per-change
   * snapshots are pruned (daily points are kept).
   */
  async reevaluateAll(now: Date = new Date()) {
    const startOfDay = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    );
    let daily = 0;
    // Pages of plans with batched reads and writes: a query per plan made 10 000 plans
    // take longer than the hourly budget allows (see bench/RESULTS.md).
    let after: string | undefined;
    for (;;) {
      // One transaction per page holding its plans' locks, like a command: a write that
      // lands meanwhile waits, so its score is never overwritten by a stale one.
      const from = after;
      const { page, scored } = await this.deps.store.inTransaction(
        async store => {
          const rows = await store.loadPlanPage({
            after: from,
            limit: REEVALUATE_PAGE,
            since: startOfDay,
            lock: true,
          });
          const scores = rows.map(({ plan, tasks, snapshotSince }) => ({
            entityRef: plan.entityRef,
            score: scorePlan(
              this.templateOf(plan),
              Object.fromEntries(tasks.map(t => [t.taskId, t])),
            ),
            reason: snapshotSince ? 'scheduled re-evaluation' : 'daily',
            always: !snapshotSince,
          }));
          await store.saveScores(scores);
          return { page: rows, scored: scores };
        },
      );
      if (page.length === 0) break;
      after = page[page.length - 1].plan.entityRef;
      daily += scored.filter(s => s.always).length;
      this.rollups.clear();
      for (const [i, { plan, stored }] of page.entries()) {
        await this.notify(() =>
          this.deps.notifier?.scoreChanged({
            entityRef: plan.entityRef,
            owner: plan.owner,
            before: stored,
            after: scored[i].score,
          }),
        );
      }
    }
    const pruned = await this.deps.store.pruneSnapshots(
      new Date(now.getTime() - SNAPSHOT_DETAIL_DAYS * 86_400_000),
    );
    return { daily, pruned };
  }

  private checkExemptionWindow(expiresAt: Date, now: Date) {
    if (expiresAt.getTime() <= now.getTime()) {
      throw new InputError('Invalid request: expiresAt: must be in the future');
    }
    if (
      expiresAt.getTime() >
      now.getTime() + this.maxExemptionDays * 86_400_000
    ) {
      throw new InputError(
        `Invalid request: expiresAt: an exemption lasts at most ${this.maxExemptionDays} days`,
      );
    }
  }

  private async writeTask(
    entityRef: string,
    taskId: string,
    expectedVersion: number,
    actor: string,
    action: string,
    patch: Parameters<DatabaseReadinessStore['updateTask']>[0]['patch'],
  ) {
    const { result, score } = await this.command(
      entityRef,
      `${action} on ${taskId}`,
      async store => {
        const updated = await store.updateTask({
          entityRef,
          taskId,
          expectedVersion,
          actor,
          action,
          patch,
        });
        if (!updated.ok) throw new StaleVersionError(updated.current);
        return updated.state;
      },
    );
    return { task: result, score };
  }

  /**
   * The one write path: runs `write` and re-scores the plan in one transaction holding the
   * plan's lock, so the stored score (and with it rollups, blockers and the gate) always
   * matches the plan. Notifications go out after the commit.
   */
  async command<T>(
    entityRef: string,
    reason: string,
    write: (store: DatabaseReadinessStore) => Promise<T>,
    options?: { always?: boolean },
  ): Promise<{ result: T; score: ReadinessScore }> {
    const done = await this.serialised(entityRef, () =>
      this.deps.store.withPlanLock(entityRef, async store => {
        const result = await write(store);
        const plan = await store.getPlan(entityRef);
        if (!plan)
          throw new NotFoundError(`${entityRef} has no readiness plan`);
        const tasks = await store.listTaskStates(entityRef);
        const score = scorePlan(
          this.templateOf(plan),
          Object.fromEntries(tasks.map(t => [t.taskId, t])),
        );
        const before = await store.getScore(entityRef);
        await store.saveScore(entityRef, score, reason, options);
        return { result, score, before, plan };
      }),
    );
    this.rollups.clear();
    await this.notify(() =>
      this.deps.notifier?.scoreChanged({
        entityRef: done.plan.entityRef,
        owner: done.plan.owner,
        before: done.before,
        after: done.score,
      }),
    );
    return { result: done.result, score: done.score };
  }

  /**
   * Writes to one plan wait here, in this replica, rather than each holding a pooled
   * connection while it waits for the row lock (a burst on one plan would drain the pool).
   */
  private async serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = key.toLocaleLowerCase('en-US');
    const previous = this.planQueues.get(k) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.planQueues.set(k, tail);
    tail.then(() => {
      if (this.planQueues.get(k) === tail) this.planQueues.delete(k);
    });
    return run;
  }

  private readonly planQueues = new Map<string, Promise<void>>();

  /** A committed write stays answered even when its notification cannot be sent. */
  private async notify(send: () => Promise<unknown> | undefined) {
    try {
      await send();
    } catch (error) {
      this.deps.logger.warn(`Readiness notification failed: ${error}`);
    }
  }

  /** The plan's ref, owner and system (for bindings), or undefined when there is none. */
  async getPlanSummary(entityRef: string) {
    const plan = await this.deps.store.getPlan(entityRef);
    return plan && !plan.archivedAt
      ? { entityRef: plan.entityRef, owner: plan.owner, system: plan.system }
      : undefined;
  }

  /**
   * Records the outcomes of the automatic checks on one plan in one command: passing checks
   * replace their evidence (trusted as the check declares) and mark the task done; failing
   * ones remove it and undo only a "done" the check itself set.
   */
  async applyCheckResults(
    entityRef: string,
    results: Array<{
      taskId: string;
      actor: string;
      outcome: 'passed' | 'failed';
      evidence: Omit<Evidence, 'id'>;
    }>,
  ) {
    if (results.length === 0) return undefined;
    const { score } = await this.command(
      entityRef,
      'automatic checks',
      async store => {
        const states = new Map(
          (await store.listTaskStates(entityRef)).map(t => [t.taskId, t]),
        );
        for (const r of results) {
          const state = states.get(r.taskId);
          // A pass the check itself rates a claim (the annotation points at someone else's
          // system) cannot take back a machine's verified "no": the failure stands.
          if (
            r.outcome === 'passed' &&
            r.evidence.trust === 'claimed' &&
            state?.evidence.some(
              e => e.recordedBy === r.actor && isFailedCheck(e),
            )
          )
            continue;
          if (r.outcome === 'passed') {
            await store.replaceCheckEvidence(
              entityRef,
              r.taskId,
              r.actor,
              r.evidence,
            );
            if (state?.status !== 'done') {
              await store.updateTask({
                entityRef,
                taskId: r.taskId,
                expectedVersion: state?.version ?? 0,
                actor: r.actor,
                action: 'check.passed',
                patch: { status: 'done' },
              });
            }
          } else {
            // The failure stays on the task as proof that has run out: a task a machine
            // says is not done is worth no more than one whose proof expired (0), however
            // "done" its status is, until someone proves or claims it afresh.
            await store.replaceCheckEvidence(entityRef, r.taskId, r.actor, {
              ...r.evidence,
              summary: `Failed: ${r.evidence.summary}`,
              expiresAt: r.evidence.recordedAt,
            });
            // Only undo what the check itself did; a person's "done" stays (now unproven).
            if (state?.status === 'done' && state.updatedBy === r.actor) {
              await store.updateTask({
                entityRef,
                taskId: r.taskId,
                expectedVersion: state.version,
                actor: r.actor,
                action: 'check.failed',
                patch: { status: 'todo', notes: r.evidence.summary },
              });
            }
          }
        }
      },
    );
    return score;
  }

  /** The pinned template and task states of a plan (no catalog call). */
  async getPlanState(entityRef: string) {
    const plan = await this.requirePlan(entityRef);
    return {
      plan,
      template: this.templateOf(plan),
      tasks: await this.deps.store.listTaskStates(entityRef),
    };
  }

  async getChangeLog(entityRef: string) {
    await this.requirePlan(entityRef);
    return this.deps.store.getChangeLog(entityRef);
  }

  async getHistory(entityRef: string, range: { from?: Date; to?: Date }) {
    await this.requirePlan(entityRef);
    return this.deps.store.getHistory(entityRef, range);
  }

  /** Recomputes and stores the score; writes a snapshot when it moved. */
  async recompute(
    entityRef: string,
    reason: string,
    options?: { always?: boolean },
  ) {
    return (
      await this.command(entityRef, reason, async () => undefined, options)
    ).score;
  }

  private templateOf(plan: PlanRecord): ReadinessTemplate {
    if (plan.templateSnapshot) return plan.templateSnapshot;
    const template = this.deps.templates.get(plan.templateId);
    if (!template) {
      throw new Error(
        `Plan ${plan.entityRef} uses unknown template "${plan.templateId}"`,
      );
    }
    return template;
  }

  private async requirePlan(entityRef: string): Promise<PlanRecord> {
    const plan = await this.deps.store.getPlan(entityRef);
    if (!plan) {
      throw new NotFoundError(`${entityRef} has no readiness plan`);
    }
    return plan;
  }

  private async requireTask(entityRef: string, taskId: string) {
    const plan = await this.requirePlan(entityRef);
    const template = this.templateOf(plan);
    const task = template.phases
      .flatMap(p => p.tasks)
      .find(t => t.id === taskId);
    if (!task) {
      throw new NotFoundError(
        `Template "${template.id}" has no task "${taskId}"`,
      );
    }
    return { plan, template, task };
  }
}
