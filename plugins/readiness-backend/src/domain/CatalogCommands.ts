import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { getTier } from '@prodready/plugin-readiness-common';
import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import { OrgGroup } from '../database/OrgStore';
import {
  PlanStore,
  PlanSyncState,
  entitySnapshot,
} from '../database/PlanStore';
import { normalizeRef } from '../database/refs';
import { CommandLayer } from './CommandLayer';
import { PlanLifecycle } from './PlanLifecycle';
import {
  catalogRunbooks,
  checkInputs,
  relationTarget,
  stableStringify,
} from './entities';

/** Registrations (new, restored or changed plans) the catalog sync runs at once. */
const REGISTRATIONS_AT_ONCE = 4;

/**
 * What the catalog sync writes: plans registered or refreshed from catalog entities, plans
 * of entities that left the catalog archived, and the org chart for group rollups.
 * @internal
 */
export class CatalogCommands {
  /** The stored sync state of plans, read for all entities synced together at once. */
  private readonly states: DataLoader<string, PlanSyncState | undefined>;
  /** Plans found unchanged, marked refreshed together. */
  private readonly touches: DataLoader<string, void>;
  private readonly registrations = pLimit(REGISTRATIONS_AT_ONCE);

  constructor(
    private readonly deps: {
      plans: PlanStore;
      commands: CommandLayer;
      lifecycle: PlanLifecycle;
    },
  ) {
    // Batched per turn of the event loop (the sync runs a page of entities at once), and not
    // cached: each sync reads the state as it is now.
    const batching = {
      cache: false,
      batchScheduleFn: (run: () => void) => setImmediate(run),
    };
    this.states = new DataLoader(async refs => {
      const found = await deps.plans.syncStates([...refs]);
      return refs.map(ref => found.get(ref));
    }, batching);
    this.touches = new DataLoader(async refs => {
      await deps.commands.refresh(store => store.plans.touch([...refs]));
      return refs.map(() => undefined);
    }, batching);
  }

  /**
   * Creates or refreshes (and restores) the plan of `entity`; true when it had none. A
   * plan the entity would not change (catalog fields, entity snapshot, catalog runbook
   * links, check inputs) is only marked refreshed, as the full refresh would leave it; calls
   * made together share their reads and writes.
   */
  async syncEntity(
    entity: Entity,
    options: { domainOf?: (systemRef: string) => Promise<string | undefined> },
  ): Promise<boolean> {
    const ref = normalizeRef(stringifyEntityRef(entity));
    const state = await this.states.load(ref);
    if (state && (await this.unchanged(state, entity, options))) {
      await this.touches.load(ref);
      return false;
    }
    await this.registrations(() =>
      this.deps.lifecycle.registerEntity(entity, options),
    );
    return !state;
  }

  /**
   * Archives the active plans whose entity is not in `present` (it left the catalog): out
   * of rollups, data kept, restored when it returns. Returns the refs archived.
   */
  archiveMissing(present: string[]): Promise<string[]> {
    return this.deps.commands.refresh(store =>
      store.plans.archiveMissing(present),
    );
  }

  /** Replaces the stored org chart: groups with their parents, users with their groups. */
  replaceOrgChart(
    groups: OrgGroup[],
    users: Map<string, string[]>,
  ): Promise<void> {
    return this.deps.commands.refresh(store =>
      store.org.replace(groups, users),
    );
  }

  /**
   * Whether `PlanLifecycle.registerEntity` would write nothing but the refresh time: the
   * plan is active, its catalog fields (derived as registration derives them) and entity
   * snapshot are what the entity gives, its catalog runbook links are the entity's, and
   * the checks' inputs are unchanged (so no checks are queued).
   */
  private async unchanged(
    state: PlanSyncState,
    entity: Entity,
    options: { domainOf?: (systemRef: string) => Promise<string | undefined> },
  ): Promise<boolean> {
    if (state.archived || !options.domainOf || !state.entitySnapshot)
      return false;
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const system = relationTarget(entity, 'partOf', 'system');
    const domain =
      relationTarget(entity, 'partOf', 'domain') ??
      (system ? await options.domainOf(system) : undefined);
    const links = new Set(
      catalogRunbooks(entity).map(l => `${l.type} ${l.url}`),
    );
    const stored = new Set(state.catalogLinks);
    return (
      state.owner === relationTarget(entity, 'ownedBy') &&
      state.system === system &&
      state.domain === domain &&
      state.lifecycle ===
        (spec.lifecycle as string | undefined)?.toLocaleLowerCase('en-US') &&
      state.tier === getTier(entity) &&
      links.size === stored.size &&
      [...links].every(l => stored.has(l)) &&
      checkInputs(state.entitySnapshot) === checkInputs(entity) &&
      stableStringify(state.entitySnapshot) ===
        stableStringify(JSON.parse(entitySnapshot(entity)!))
    );
  }
}
