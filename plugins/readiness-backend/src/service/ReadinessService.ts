import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_SENTRY_PROJECT_SLUG,
  EntityReadinessResponse,
  Evidence,
  EvidenceInput,
  RUNBOOK_LINK_TYPE_PATTERN,
  ReadinessScore,
  ReadinessTemplate,
  RunbookType,
  TaskState,
  TaskStatus,
  TaskUpdateInput,
  evidenceExpiry,
  getTier,
  isReadinessAnnotated,
  scorePlan,
  whatIf,
} from '@internal/plugin-readiness-common';
import {
  DatabaseReadinessStore,
  PlanRecord,
} from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';

const RUNBOOK_TYPES: RunbookType[] = [
  'dr',
  'incident',
  'deploy',
  'rollback',
  'database',
  'on-call',
  'other',
];

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

const relationTarget = (entity: Entity, type: string) =>
  entity.relations?.find(r => r.type === type)?.targetRef;

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
      logger: LoggerService;
    },
  ) {}

  async getEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.deps.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `Entity ${stringifyEntityRef(ref)} was not found in the catalog`,
      );
    }
    return entity;
  }

  /** Creates the plan of an entity, or refreshes its catalog fields and runbook links. */
  async registerEntity(entity: Entity): Promise<PlanRecord> {
    const entityRef = stringifyEntityRef(entity);
    const existing = await this.deps.store.getPlan(entityRef);
    const template = existing
      ? this.templateOf(existing)
      : this.deps.templates.select(entity);
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const plan = await this.deps.store.upsertPlan({
      entityRef,
      templateId: template.id,
      templateVersion: template.version,
      owner:
        relationTarget(entity, 'ownedBy') ?? (spec.owner as string | undefined),
      system:
        relationTarget(entity, 'partOf') ?? (spec.system as string | undefined),
      domain: (spec.domain as string | undefined) ?? undefined,
      lifecycle: spec.lifecycle as string | undefined,
      tier: getTier(entity),
    });
    await this.deps.store.replaceCatalogRunbooks(
      entityRef,
      catalogRunbooks(entity),
    );
    if (!existing) await this.recompute(entityRef, 'registered');
    return plan;
  }

  async getEntityReadiness(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityReadinessResponse> {
    const entity = await this.getEntity(ref, credentials);
    const entityRef = stringifyEntityRef(entity);
    let plan = await this.deps.store.getPlan(entityRef);
    if (!plan) {
      if (!isReadinessAnnotated(entity)) {
        throw new NotFoundError(
          `${entityRef} is not registered for readiness: add the ${ANNOTATION_SENTRY_PROJECT_SLUG} or readiness/* annotations to its catalog-info.yaml`,
        );
      }
      plan = await this.registerEntity(entity);
    }
    const template = this.templateOf(plan);
    const [tasks, runbooks] = await Promise.all([
      this.deps.store.listTaskStates(entityRef),
      this.deps.store.listRunbooks(entityRef),
    ]);
    const now = new Date();
    const states = Object.fromEntries(tasks.map(t => [t.taskId, t]));
    return {
      entityRef: plan.entityRef,
      plan: {
        templateId: plan.templateId,
        templateVersion: plan.templateVersion,
        createdAt: plan.createdAt,
        updatedAt: plan.updatedAt,
      },
      template,
      tasks,
      runbooks,
      score: scorePlan(template, states, now),
      whatIf: whatIf(template, states, now),
    };
  }

  async updateTask(options: {
    entityRef: string;
    taskId: string;
    input: TaskUpdateInput;
    actor: string;
  }): Promise<{ task: TaskState; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor } = options;
    await this.requireTask(entityRef, taskId);
    const result = await this.deps.store.updateTask({
      entityRef,
      taskId,
      expectedVersion: input.expectedVersion,
      actor,
      patch: {
        status: input.status as TaskStatus | undefined,
        assignee: input.assignee,
        notes: input.notes,
        checklist: input.checklist,
      },
    });
    if (!result.ok) throw new StaleVersionError(result.current);
    const score = await this.recompute(entityRef, `task ${taskId} updated`);
    return { task: result.state, score };
  }

  async addEvidence(options: {
    entityRef: string;
    taskId: string;
    input: EvidenceInput;
    actor: string;
    /** Only for imports of past evidence; defaults to now. */
    recordedAt?: Date;
  }): Promise<{ evidence: Evidence; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor } = options;
    const { task } = await this.requireTask(entityRef, taskId);
    const recordedAt = options.recordedAt ?? new Date();
    const evidence = await this.deps.store.addEvidence({
      entityRef,
      taskId,
      evidence: {
        kind: input.kind,
        ...(input.url ? { url: input.url } : {}),
        summary: input.summary,
        source: input.source,
        recordedAt: recordedAt.toISOString(),
        recordedBy: actor,
        ...(evidenceExpiry(task, recordedAt)
          ? { expiresAt: evidenceExpiry(task, recordedAt) }
          : {}),
      },
    });
    const score = await this.recompute(
      entityRef,
      `evidence added to ${taskId}`,
    );
    return { evidence, score };
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
    const plan = await this.requirePlan(entityRef);
    const template = this.templateOf(plan);
    const tasks = await this.deps.store.listTaskStates(entityRef);
    const score = scorePlan(
      template,
      Object.fromEntries(tasks.map(t => [t.taskId, t])),
    );
    await this.deps.store.saveScore(entityRef, score, reason, options);
    return score;
  }

  private templateOf(plan: PlanRecord): ReadinessTemplate {
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
