import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { READINESS_ANNOTATIONS } from '@prodready/plugin-readiness-common';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { ReadinessJob } from './scheduleJob';

/** Entities the sync reads from the catalog, and syncs together, at a time. */
const PAGE_SIZE = 500;

/**
 * Keeps plans in step with the catalog: entities with readiness annotations (or matching a
 * template selector) get a plan without anyone clicking; owners, systems, domains and
 * runbook links are refreshed; plans of entities that left the catalog are archived
 * (hidden from rollups, restored when the entity returns). Every 10 minutes, on one replica;
 * it writes only through the service's commands.
 * @internal
 */
export class CatalogSyncJob implements ReadinessJob {
  readonly id = 'readiness-catalog-sync';
  readonly configKey = 'sync';
  readonly defaults = {
    frequency: { minutes: 10 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 15 },
  };

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      service: ReadinessService;
      templates: TemplateRegistry;
      logger: LoggerService;
    },
  ) {}

  async run(): Promise<{
    synced: number;
    registered: number;
    archived: string[];
  }> {
    const { catalog, auth, service, templates, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const filter: Record<string, string | symbol | (string | symbol)[]>[] =
      READINESS_ANNOTATIONS.map(a => ({
        [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
      }));
    for (const t of templates.list()) {
      if (!t.selector) continue;
      filter.push({
        ...(t.selector.kind ? { kind: t.selector.kind } : {}),
        ...(t.selector.type ? { 'spec.type': t.selector.type } : {}),
        ...(t.selector.lifecycle
          ? { 'spec.lifecycle': t.selector.lifecycle }
          : {}),
      });
    }
    const { items: systems } = await catalog.getEntities(
      { filter: { kind: 'system' }, fields: ['kind', 'metadata', 'relations'] },
      { credentials },
    );
    const domains = new Map(
      systems.map(s => [
        stringifyEntityRef(s),
        s.relations?.find(
          r => r.type === 'partOf' && r.targetRef.startsWith('domain:'),
        )?.targetRef,
      ]),
    );

    // Page by page, so the job holds one page of entities (not the whole catalog) at a
    // time; the entities of a page are synced together and share their reads and writes.
    const present: string[] = [];
    let registered = 0;
    for await (const page of catalog.streamEntities(
      { filter, pageSize: PAGE_SIZE },
      { credentials },
    )) {
      const created = await Promise.all(
        page.map(async entity => {
          const ref = stringifyEntityRef(entity);
          present.push(ref);
          try {
            return await service.syncEntity(entity, {
              domainOf: async s => domains.get(s),
            });
          } catch (error) {
            logger.warn(`Readiness sync could not register ${ref}: ${error}`);
            return false;
          }
        }),
      );
      registered += created.filter(Boolean).length;
    }
    try {
      await this.syncOrgChart(credentials);
    } catch (error) {
      logger.warn(`Readiness sync could not read the org chart: ${error}`);
    }
    // An empty answer is more likely a catalog still starting than an empty catalog.
    const archived = present.length
      ? await service.archiveMissing(present)
      : [];
    if (registered || archived.length) {
      logger.info(
        `Readiness catalog sync: ${present.length} entities, ${registered} registered, ${archived.length} archived`,
      );
    }
    return { synced: present.length, registered, archived };
  }

  /** Stores the groups with their parents and the users' memberships, for group rollups. */
  private async syncOrgChart(
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
  ) {
    const { catalog, service } = this.deps;
    const fields = ['kind', 'metadata.namespace', 'metadata.name', 'relations'];
    const [{ items: groups }, { items: users }] = await Promise.all([
      catalog.getEntities(
        {
          filter: { kind: 'group' },
          fields: [...fields, 'metadata.title', 'spec.profile.displayName'],
        },
        { credentials },
      ),
      catalog.getEntities(
        { filter: { kind: 'user' }, fields },
        { credentials },
      ),
    ]);
    // An empty answer is more likely a catalog still starting than an org without groups.
    if (groups.length === 0) return;
    const targets = (e: Entity, type: string) =>
      (e.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
    await service.replaceOrgChart(
      groups.map(g => {
        const title =
          (g.spec?.profile as { displayName?: string } | undefined)
            ?.displayName ?? g.metadata.title;
        const [parent] = targets(g, 'childOf');
        return {
          ref: stringifyEntityRef(g),
          ...(parent ? { parent } : {}),
          ...(title ? { title } : {}),
        };
      }),
      new Map(users.map(u => [stringifyEntityRef(u), targets(u, 'memberOf')])),
    );
  }
}
