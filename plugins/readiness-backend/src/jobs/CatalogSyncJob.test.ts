import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { CatalogSyncJob } from './CatalogSyncJob';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component, system } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('CatalogSyncJob', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'registers, refreshes, archives and restores plans with the catalog, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const templates = TemplateRegistry.fromConfig(
        new ConfigReader({
          readiness: {
            templates: [
              {
                id: 'website',
                title: 'Websites',
                selector: { type: ['website'] },
                dimensions: [{ id: 'ux', title: 'UX' }],
                phases: [
                  {
                    id: 'p',
                    title: 'P',
                    tasks: [
                      { id: '1', title: 'Fast', dimension: 'ux', points: 1 },
                    ],
                  },
                ],
              },
            ],
          },
        }),
      );
      const site: Entity = {
        ...component('portal', 'growth-team', 'shop', { annotated: false }),
        spec: {
          type: 'website',
          owner: 'growth-team',
          lifecycle: 'production',
          system: 'shop',
        },
      };
      const syncWith = (entities: Entity[]) => {
        const catalog = catalogServiceMock({ entities });
        const auth = mockServices.auth();
        const logger = mockServices.logger.mock();
        const service = new ReadinessService({
          store,
          templates,
          catalog,
          auth,
          logger,
          config: new ConfigReader({}),
          cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
            'readiness',
          ),
        });
        return new CatalogSyncJob({
          catalog,
          auth,
          service,
          templates,
          logger,
        }).run();
      };

      const payments = component('payments', 'payments-team', 'pay');
      const legacy = component('legacy', 'payments-team', 'pay', {
        annotated: false,
      });
      const first = await syncWith([
        payments,
        legacy,
        site,
        system('pay', 'commerce'),
        system('shop', 'commerce'),
      ]);
      expect(first).toEqual({ synced: 2, registered: 2, archived: [] });
      expect(await store.plans.get('component:default/payments')).toMatchObject(
        {
          templateId: 'default',
          owner: 'group:default/payments-team',
          system: 'system:default/pay',
          domain: 'domain:default/commerce',
          lifecycle: 'production',
          tier: '2',
        },
      );
      expect(await store.plans.get('component:default/portal')).toMatchObject({
        templateId: 'website',
      });
      expect(await store.plans.get('component:default/legacy')).toBeUndefined();
      expect(
        (await store.runbooks.list('component:default/payments')).map(
          r => r.type,
        ),
      ).toEqual(['dr']);

      // Owner changes; the task state stays.
      await store.tasks.update({
        entityRef: 'component:default/payments',
        taskId: '1.1',
        expectedVersion: 0,
        actor: 'user:default/a',
        patch: { status: 'done' },
      });
      const moved = {
        ...payments,
        relations: [
          { type: 'ownedBy', targetRef: 'group:default/platform-team' },
          { type: 'partOf', targetRef: 'system:default/pay' },
        ],
      };
      expect(await syncWith([moved, site, system('pay', 'commerce')])).toEqual({
        synced: 2,
        registered: 0,
        archived: [],
      });
      expect(await store.plans.get('component:default/payments')).toMatchObject(
        {
          owner: 'group:default/platform-team',
        },
      );

      // payments leaves the catalog: archived, out of rollups, data kept.
      expect((await syncWith([site])).archived).toEqual([
        'component:default/payments',
      ]);
      expect(
        (await store.plans.get('component:default/payments'))!.archivedAt,
      ).toBeDefined();
      expect(
        (
          await store.readModel.listScores({
            sort: 'entityRef',
            order: 'asc',
            limit: 10,
          })
        ).items.map(i => i.entityRef),
      ).toEqual(['component:default/portal']);

      // An empty catalog answer archives nothing.
      expect((await syncWith([])).archived).toEqual([]);

      // It returns: restored with its task state.
      await syncWith([moved, site]);
      expect(
        (await store.plans.get('component:default/payments'))!.archivedAt,
      ).toBeUndefined();
      expect(
        (await store.tasks.list('component:default/payments'))[0],
      ).toMatchObject({ taskId: '1.1', status: 'done' });
      expect(
        (await store.scores.history('component:default/payments')).map(
          h => h.reason,
        ),
      ).toContain('restored');
    },
  );

  it.each(databases.eachSupportedId())(
    'only marks plans refreshed that the catalog did not change, and still writes what it did, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const templates = TemplateRegistry.fromConfig(new ConfigReader({}));
      const logger = mockServices.logger.mock();
      const service = new ReadinessService({
        store,
        templates,
        catalog: catalogServiceMock(),
        auth: mockServices.auth(),
        logger,
        config: new ConfigReader({}),
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
      });
      const syncWith = (entities: Entity[]) =>
        new CatalogSyncJob({
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
          service,
          templates,
          logger,
        }).run();
      const ref = 'component:default/payments';
      const payments = component('payments', 'payments-team', 'pay');
      // More entities than one page of the sync: they are read and synced page by page.
      const others = Array.from({ length: 520 }, (_, i) =>
        component(`svc-${i}`, 'other-team', 'pay'),
      );
      const catalog = [payments, ...others, system('pay', 'commerce')];
      expect(await syncWith(catalog)).toEqual({
        synced: 521,
        registered: 521,
        archived: [],
      });
      expect(service.takePendingChecks()).toHaveLength(521);
      const first = (await store.plans.get(ref))!;

      await new Promise(r => setTimeout(r, 5));
      expect(await syncWith(catalog)).toEqual({
        synced: 521,
        registered: 0,
        archived: [],
      });
      const second = (await store.plans.get(ref))!;
      expect(second.updatedAt > first.updatedAt).toBe(true);
      expect({ ...second, updatedAt: first.updatedAt }).toEqual(first);
      expect(service.takePendingChecks()).toEqual([]);

      // Links the plan lost are written again; a system's new domain reaches its plans.
      await knex('readiness_runbook_links').where({ entity_ref: ref }).delete();
      await syncWith([payments, ...others, system('pay', 'finance')]);
      expect((await store.runbooks.list(ref)).map(r => r.type)).toEqual(['dr']);
      expect((await store.plans.get(ref))!.domain).toBe(
        'domain:default/finance',
      );
      expect(service.takePendingChecks()).toEqual([]);

      // An entity whose checks read something new queues its checks again.
      await syncWith([
        { ...payments, metadata: { ...payments.metadata, links: [] } },
        ...others,
        system('pay', 'finance'),
      ]);
      expect(service.takePendingChecks()).toEqual([ref]);
      expect(await store.runbooks.list(ref)).toEqual([]);
    },
  );
});
