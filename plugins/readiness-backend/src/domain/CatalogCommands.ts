import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { OrgGroup } from '../database/OrgStore';
import { PlanStore } from '../database/PlanStore';
import { CommandLayer } from './CommandLayer';
import { PlanLifecycle } from './PlanLifecycle';

/**
 * What the catalog sync writes: plans registered or refreshed from catalog entities, plans
 * of entities that left the catalog archived, and the org chart for group rollups.
 * @internal
 */
export class CatalogCommands {
  constructor(
    private readonly deps: {
      plans: PlanStore;
      commands: CommandLayer;
      lifecycle: PlanLifecycle;
    },
  ) {}

  /** Creates or refreshes (and restores) the plan of `entity`; true when it had none. */
  async syncEntity(
    entity: Entity,
    options: { domainOf?: (systemRef: string) => Promise<string | undefined> },
  ): Promise<boolean> {
    const before = await this.deps.plans.get(stringifyEntityRef(entity));
    await this.deps.lifecycle.registerEntity(entity, options);
    return !before;
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
}
