import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ReadinessTemplate,
  getTier,
  isReadinessAnnotated,
} from '@prodready/plugin-readiness-common';
import {
  DatabaseReadinessStore,
  PlanRecord,
} from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { CatalogAccess } from './CatalogAccess';
import { CommandLayer } from './CommandLayer';
import { PlanLookup } from './PlanLookup';
import {
  catalogRunbooks,
  checkInputs,
  relationTarget,
  stableStringify,
} from './entities';

/** Entities read before the sync registered them, queued at most (more wait for the sync). */
const PENDING_REGISTRATIONS_MAX = 5000;
/** Plans waiting for their checks, queued at most (more wait for the hourly run). */
const PENDING_CHECKS_MAX = 50_000;

/**
 * A plan's life: registration from the catalog (by the sync, or queued by a first read),
 * restoring, the check queue of new or changed plans, and template upgrades.
 * @internal
 */
export class PlanLifecycle {
  /**
   * Entities read before the sync registered (or restored) their plan: a per-replica queue,
   * not a cache; at most 5 000, drained by every `registerPending`.
   */
  private readonly pendingRegistrations = new Map<string, Entity>();
  /**
   * Plans registered, restored or changed in the catalog whose checks have not run since:
   * a per-replica queue of refs, at most 50 000, drained by every `takePendingChecks`.
   */
  private readonly pendingChecks = new Set<string>();

  constructor(
    private readonly deps: {
      store: DatabaseReadinessStore;
      templates: TemplateRegistry;
      logger: LoggerService;
      catalog: CatalogAccess;
      commands: CommandLayer;
      plans: PlanLookup;
    },
  ) {}

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
    const { store, templates, commands, plans, catalog } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    const existing = await store.plans.get(entityRef);
    const template = existing
      ? plans.templateOf(existing)
      : templates.select(entity);
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
          ? await (options.domainOf ?? (r => catalog.domainOf(r)))(system)
          : undefined),
      lifecycle: (spec.lifecycle as string | undefined)?.toLocaleLowerCase(
        'en-US',
      ),
      tier: getTier(entity),
      entitySnapshot: entity,
    };
    const save = async (s: DatabaseReadinessStore) => {
      const saved = await s.plans.upsert(input);
      await s.runbooks.replaceCatalog(entityRef, catalogRunbooks(entity));
      return saved;
    };
    // A new or restored plan and its first score commit together; a refresh of catalog
    // fields (owner, system, runbook links) moves no score and needs no lock.
    const plan =
      !existing || existing.archivedAt
        ? (
            await commands.command(
              entityRef,
              existing ? 'restored' : 'registered',
              save,
            )
          ).result
        : await commands.refresh(save);
    if (
      !existing ||
      existing.archivedAt ||
      checkInputs(existing.entitySnapshot) !== checkInputs(entity)
    ) {
      this.queueChecks(plan.entityRef);
    }
    return plan;
  }

  /** Queues a plan read before any sync saw it, for the registration job (reads never write). */
  queueRegistration(entity: Entity) {
    if (this.pendingRegistrations.size >= PENDING_REGISTRATIONS_MAX) return;
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
    const plan = await this.deps.store.plans.get(stringifyEntityRef(entity));
    if (plan && !plan.archivedAt) return;
    if (!plan && !isReadinessAnnotated(entity)) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} is not registered for readiness`,
      );
    }
    await this.registerEntity(entity);
  }

  /** Takes the plans waiting for their first (or a fresh) run of the automatic checks. */
  takePendingChecks(): string[] {
    const refs = [...this.pendingChecks];
    this.pendingChecks.clear();
    return refs;
  }

  private queueChecks(entityRef: string) {
    if (this.pendingChecks.size >= PENDING_CHECKS_MAX) return;
    this.pendingChecks.add(entityRef);
  }

  /**
   * Moves a plan to the current version of its template. Task state is kept by task id;
   * the report lists tasks added and removed by the new version.
   */
  async upgradePlan(entityRef: string, actor: string) {
    const plan = await this.deps.plans.requirePlan(entityRef);
    const pinned = this.deps.plans.templateOf(plan);
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
      await this.deps.commands.command(
        entityRef,
        `template upgraded to v${current.version}`,
        store => store.plans.setTemplate(entityRef, current, actor, report),
      );
    }
    return report;
  }
}
