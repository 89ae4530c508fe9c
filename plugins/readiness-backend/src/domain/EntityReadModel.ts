import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_SENTRY_PROJECT_SLUG,
  EntityPlanResponse,
  EntityReadinessResponse,
  EntityReadinessSummary,
  READINESS_CARD_FORMAT,
  ReadinessTemplate,
  RunbookLink,
  TaskState,
  isReadinessAnnotated,
  lastRestoreDrill,
  scoreWithWhatIf,
  summarizeEntityReadiness,
  summaryFromCard,
} from '@prodready/plugin-readiness-common';
import {
  DatabaseReadinessStore,
  PlanRecord,
} from '../database/DatabaseReadinessStore';
import { normalizeRef } from '../database/refs';
import { CardView } from '../database/ScoreStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { entityLinks } from './entityLinks';
import { CatalogAccess } from './CatalogAccess';
import { PlanLifecycle } from './PlanLifecycle';
import { PlanLookup } from './PlanLookup';
import { catalogRunbooks, templateKey } from './entities';

/**
 * The read model of one service: its plan, score and what-if, runbooks, checks and
 * dependencies as the caller may see them, plus its change log and history. Never writes.
 * @internal
 */
export class EntityReadModel {
  /** Templates found by their content key (see getTemplateVersion). */
  private readonly pinned = new Map<string, ReadinessTemplate>();

  constructor(
    private readonly deps: {
      store: DatabaseReadinessStore;
      templates: TemplateRegistry;
      config: Config;
      catalog: CatalogAccess;
      lifecycle: PlanLifecycle;
      plans: PlanLookup;
    },
  ) {}

  /** A service's readiness as the caller may read it; an unregistered plan is a preview. */
  async getEntityReadiness(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityReadinessResponse> {
    const { store, catalog, plans } = this.deps;
    // Users who may read every catalog entity read the entity as the last sync stored it;
    // everyone else (and unregistered entities) goes through the catalog with their own
    // credentials, so catalog read permissions apply unchanged.
    let plan: PlanRecord | undefined;
    let entity: Entity;
    const view = (await catalog.canReadWholeCatalog(credentials))
      ? await store.plans.getView(stringifyEntityRef(ref))
      : undefined;
    let loaded: { tasks: TaskState[]; runbooks: RunbookLink[] } | undefined;
    if (view?.plan.entitySnapshot && !view.plan.archivedAt) {
      plan = view.plan;
      entity = view.plan.entitySnapshot;
      loaded = view;
    } else {
      entity = await catalog.getEntity(ref, credentials);
      plan = await store.plans.get(stringifyEntityRef(entity));
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
    if (pending) this.deps.lifecycle.queueRegistration(entity);
    const template = plan
      ? plans.templateOf(plan)
      : this.deps.templates.select(entity);
    const { tasks, runbooks } =
      loaded ??
      (plan
        ? {
            tasks: await store.tasks.list(entityRef),
            runbooks: await store.runbooks.list(entityRef),
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
    const checkRuns = plan ? await store.checkRuns.list(entityRef) : [];
    const dependencies = await this.dependenciesOf(entity, credentials);
    const now = new Date();
    const states = Object.fromEntries(tasks.map(t => [t.taskId, t]));
    return {
      entityRef: plan?.entityRef ?? normalizeRef(entityRef),
      plan: {
        templateId: template.id,
        templateVersion: template.version,
        templateKey: templateKey(template),
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
      ...scoreWithWhatIf(template, states, now),
      ...(checkRuns.length ? { checkRuns } : {}),
      ...(dependencies.length ? { dependencies } : {}),
      ...entityLinks(
        entity,
        this.deps.config,
        lastRestoreDrill(template, tasks),
      ),
    };
  }

  /**
   * What the entity card shows, with the same access rules as the full read. A plan's card
   * is stored with its score, so this read does no scoring: it adds only what changes
   * without a re-score (catalog links, runbooks, check runs, dependencies, the expiry
   * window). Without a fresh stored card (the plan is not scored since cards were stored,
   * an expiry has passed since scoring, a preview, an archived plan) it summarises the full
   * read instead.
   */
  async getEntitySummary(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<EntityReadinessSummary> {
    const { store, catalog } = this.deps;
    let view: CardView | undefined;
    let entity: Entity | undefined;
    let dependencies: () => Promise<CardView['dependencies']>;
    if (await catalog.canReadWholeCatalog(credentials)) {
      // The entity as the last sync stored it, dependencies read with it.
      view = await store.scores.getCardView(stringifyEntityRef(ref));
      entity = view?.plan.entitySnapshot;
      dependencies = async () => view?.dependencies ?? [];
    } else {
      entity = await catalog.getEntity(ref, credentials);
      view = await store.scores.getCardView(stringifyEntityRef(entity));
      const seen = entity;
      dependencies = () => this.dependenciesOf(seen, credentials);
    }
    const card = view?.card;
    const fresh =
      card &&
      card.format === READINESS_CARD_FORMAT &&
      !view?.plan.archived &&
      (!card.validUntil || Date.parse(card.validUntil) > now.getTime());
    if (!view || !entity || !card || !fresh) {
      return summarizeEntityReadiness(
        await this.getEntityReadiness(ref, credentials),
        now.getTime(),
      );
    }
    const { plan } = view;
    return summaryFromCard(
      card,
      {
        entityRef: plan.entityRef,
        plan: {
          templateId: plan.templateId,
          templateVersion: plan.templateVersion,
          createdAt: plan.createdAt,
          updatedAt: plan.updatedAt,
        },
        checkRuns: view.checkRuns,
        dependencies: await dependencies(),
        ...entityLinks(entity, this.deps.config, card.lastDrillAt),
        runbooks: view.runbooks,
      },
      now.getTime(),
    );
  }

  /** The full read without the template's text (the entity tab's read). */
  async getEntityPlan(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityPlanResponse> {
    const { template: _text, ...plan } = await this.getEntityReadiness(
      ref,
      credentials,
    );
    return plan;
  }

  /**
   * A template at one version: with `key` (a plan read's `templateKey`), exactly that
   * content, configured or as a plan pinned it; without, the configured one at that version
   * or else one a plan pinned. Content found by key never changes, so it is kept per
   * replica.
   */
  async getTemplateVersion(
    id: string,
    version: number,
    key?: string,
  ): Promise<ReadinessTemplate> {
    const known = key ? this.pinned.get(key) : undefined;
    if (known?.id === id && known.version === version) return known;
    const configured = this.deps.templates.get(id);
    const candidates = [
      ...(configured?.version === version ? [configured] : []),
      ...(await this.deps.store.plans.pinnedTemplates(id, version)),
    ];
    const template = key
      ? candidates.find(t => templateKey(t) === key)
      : candidates[0];
    if (!template) {
      throw new NotFoundError(
        `No readiness template "${id}" at version ${version}${
          key ? ` with key ${key}` : ''
        }`,
      );
    }
    if (key) {
      // Templates are few; the bound only guards against a flood of made-up keys.
      if (this.pinned.size >= 200) this.pinned.clear();
      this.pinned.set(key, template);
    }
    return template;
  }

  /** The stored readiness of what `entity` dependsOn, among what the caller may see. */
  private async dependenciesOf(
    entity: Entity,
    credentials: BackstageCredentials,
  ) {
    const refs = (entity.relations ?? [])
      .filter(r => r.type === 'dependsOn')
      .map(r => normalizeRef(r.targetRef));
    if (refs.length === 0) return [];
    const visible = await this.deps.catalog.visibleRefs(credentials);
    return this.deps.store.readModel.scoresOf(
      visible ? refs.filter(r => visible.includes(r)) : refs,
    );
  }

  /** The plan's ref, owner and system (for bindings), or undefined when there is none. */
  async getPlanSummary(entityRef: string) {
    const plan = await this.deps.store.plans.get(entityRef);
    return plan && !plan.archivedAt
      ? { entityRef: plan.entityRef, owner: plan.owner, system: plan.system }
      : undefined;
  }

  /** The pinned template and task states of a plan (no catalog call). */
  async getPlanState(entityRef: string) {
    const plan = await this.deps.plans.requirePlan(entityRef);
    return {
      plan,
      template: this.deps.plans.templateOf(plan),
      tasks: await this.deps.store.tasks.list(entityRef),
    };
  }

  /** The plan's change log (a 404 when it has no plan). */
  async getChangeLog(entityRef: string) {
    await this.deps.plans.requirePlan(entityRef);
    return this.deps.store.changeLog.list(entityRef);
  }

  /** The plan's score snapshots in `range` (a 404 when it has no plan). */
  async getHistory(entityRef: string, range: { from?: Date; to?: Date }) {
    await this.deps.plans.requirePlan(entityRef);
    return this.deps.store.scores.history(entityRef, range);
  }
}
