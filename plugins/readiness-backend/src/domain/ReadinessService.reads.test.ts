import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { ReadinessService } from './ReadinessService';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

/** The plugin's cache as the backend's default (memory) store gives it, fresh per test. */
const memoryCache = () =>
  CacheManager.fromConfig(new ConfigReader({})).forPlugin('readiness');

describe('ReadinessService reads', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'skips the catalog only for users who may read the whole catalog, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const entity = component('payments', 'payments-team', 'pay', {
        tier: '1',
      });
      const catalog = catalogServiceMock({ entities: [entity] });
      const catalogReads = jest.spyOn(catalog, 'getEntityByRef');
      const reader = 'user:default/reader';
      const restricted = 'user:default/restricted';
      const permissions = mockServices.permissions.mock({
        authorizeConditional: async (_requests, { credentials }) => [
          {
            result:
              (credentials.principal as any).userEntityRef === reader
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          },
        ],
      });
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: new ConfigReader({ readiness: { entityCacheSeconds: 0 } }),
        permissions,
        cache: memoryCache(),
      });
      const ref = { kind: 'component', namespace: 'default', name: 'payments' };

      // The first read is a preview (reads never write); the registration job then stores
      // the plan from the catalog, with the entity.
      const preview = await service.getEntityReadiness(
        ref,
        mockCredentials.user(reader),
      );
      expect(preview.pending).toBe(true);
      expect(
        await store.plans.get('component:default/payments'),
      ).toBeUndefined();
      expect(await service.registerPending()).toBe(1);
      expect(await service.registerPending()).toBe(0);
      // (the entity, and its system for the domain)
      const registration = catalogReads.mock.calls.length;
      expect(registration).toBeGreaterThan(0);
      expect(
        (await store.plans.get('component:default/payments'))?.entitySnapshot,
      ).toMatchObject({
        kind: 'Component',
        metadata: {
          name: 'payments',
          annotations: entity.metadata.annotations,
        },
      });

      // Whole-catalog readers are then served from the plan: same answer, no catalog call.
      const first = await service.getEntityReadiness(
        ref,
        mockCredentials.user(reader),
      );
      expect(first.pending).toBeUndefined();
      const again = await service.getEntityReadiness(
        ref,
        mockCredentials.user(reader),
      );
      expect(catalogReads).toHaveBeenCalledTimes(registration);
      expect(again.score.overall).toBe(first.score.overall);
      expect(again.sentry).toEqual(first.sentry);
      expect(again.runbooks).toEqual(first.runbooks);

      // Anyone else goes through the catalog with their own credentials, every time.
      await service.getEntityReadiness(ref, mockCredentials.user(restricted));
      await service.getEntityReadiness(ref, mockCredentials.user(restricted));
      expect(catalogReads).toHaveBeenCalledTimes(registration + 2);
      expect(catalogReads.mock.calls[registration + 1][1]).toEqual({
        credentials: mockCredentials.user(restricted),
      });
      // The permission decision is asked once per user, not once per read.
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'reuses org rollups until a score changes, on any replica sharing the cache, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const rollups = jest.spyOn(store.readModel, 'rollup');
      // Two replicas over one cache store (as with redis): a write on either drops both.
      const cache = memoryCache();
      const replica = () =>
        new ReadinessService({
          store,
          templates: TemplateRegistry.fromConfig(new ConfigReader({})),
          catalog: catalogServiceMock({
            entities: [component('payments', 'payments-team', 'pay')],
          }),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
          config: new ConfigReader({}),
          permissions: mockServices.permissions.mock({
            authorizeConditional: async () => [
              { result: AuthorizeResult.ALLOW },
            ],
          }),
          cache,
        });
      const service = replica();
      const other = replica();
      const ref = { kind: 'component', namespace: 'default', name: 'payments' };
      const user = mockCredentials.user();
      await service.getEntityReadiness(ref, user);
      await service.registerPending();
      const query = { groupBy: 'owner' as const };
      const before = await service.rollup(query, user);
      // A replica hands out the one answer it holds (no copy parsed per read), so the HTTP
      // layer encodes it once; the other replica's answer came from the shared store.
      expect(await service.rollup(query, user)).toBe(before);
      const elsewhere = await other.rollup(query, user);
      expect(elsewhere).toEqual(before);
      expect(await other.rollup(query, user)).toBe(elsewhere);
      expect(rollups).toHaveBeenCalledTimes(1);

      await service.updateTask({
        entityRef: 'component:default/payments',
        taskId: '1.2',
        input: { expectedVersion: 0, status: 'done' },
        actor: 'user:default/alice',
      });
      const after = await other.rollup(query, user);
      expect(rollups).toHaveBeenCalledTimes(2);
      expect(after[0].average).not.toEqual(before[0].average);
      expect(await service.rollup(query, user)).toEqual(after);
      expect(await other.rollup(query, user)).toBe(after);
      expect(rollups).toHaveBeenCalledTimes(2);

      // The catalog sync writes no score, but archiving a plan or a new org chart drops
      // them too (on every replica), as owners and systems may have moved.
      expect(await service.archiveMissing([])).toEqual([
        'component:default/payments',
      ]);
      expect(await other.rollup(query, user)).toEqual([]);
      expect(rollups).toHaveBeenCalledTimes(3);
      await service.replaceOrgChart([], new Map());
      await other.rollup(query, user);
      expect(rollups).toHaveBeenCalledTimes(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'serves no rollup from before its own write while the cache generation is still being replaced, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      // A cache store whose write of the rollup generation hangs until released (a slow redis).
      let hang = false;
      let release = () => {};
      let generationWriteStarted = () => {};
      const started = new Promise<void>(resolve => {
        generationWriteStarted = resolve;
      });
      const slow = (cache: CacheService): CacheService => ({
        get: (key, ...rest) => cache.get(key, ...rest),
        delete: key => cache.delete(key),
        set: async (key, value, options) => {
          if (hang && key.includes('rollup-generation')) {
            generationWriteStarted();
            await new Promise<void>(resolve => {
              release = resolve;
            });
          }
          return cache.set(key, value, options);
        },
        withOptions: options => slow(cache.withOptions(options)),
      });
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog: catalogServiceMock({
          entities: [component('payments', 'payments-team', 'pay')],
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: new ConfigReader({}),
        permissions: mockServices.permissions.mock({
          authorizeConditional: async () => [{ result: AuthorizeResult.ALLOW }],
        }),
        cache: slow(memoryCache()),
      });
      const ref = { kind: 'component', namespace: 'default', name: 'payments' };
      const user = mockCredentials.user();
      await service.getEntityReadiness(ref, user);
      await service.registerPending();
      const query = { groupBy: 'owner' as const };
      const before = await service.rollup(query, user);

      hang = true;
      const write = service.updateTask({
        entityRef: 'component:default/payments',
        taskId: '1.2',
        input: { expectedVersion: 0, status: 'done' },
        actor: 'user:default/alice',
      });
      await started; // committed; the generation write hangs
      const during = await service.rollup(query, user);
      expect(during[0].average).not.toEqual(before[0].average);
      release();
      await write;
    },
  );

  it.each(databases.eachSupportedId())(
    'org-wide lists show a restricted user only the services the catalog lets them see, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const payments = component('payments', 'payments-team', 'pay');
      const ledger = component('ledger', 'payments-team', 'pay');
      const catalog = catalogServiceMock({ entities: [payments, ledger] });
      const reader = mockCredentials.user('user:default/reader');
      const restricted = mockCredentials.user('user:default/restricted');
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: new ConfigReader({}),
        permissions: mockServices.permissions.mock({
          authorizeConditional: async (_requests, { credentials }) => [
            {
              result:
                (credentials.principal as any).userEntityRef ===
                'user:default/reader'
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.CONDITIONAL,
            } as any,
          ],
        }),
        cache: memoryCache(),
      });
      for (const name of ['payments', 'ledger']) {
        await service.getEntityReadiness(
          { kind: 'component', namespace: 'default', name },
          reader,
        );
      }
      await service.registerPending();
      // The catalog answers the restricted user's own query with what it may see.
      const visibleTo = jest
        .spyOn(catalog, 'getEntities')
        .mockResolvedValue({ items: [payments] });

      const all = await service.listServices(
        { sort: 'entityRef', order: 'asc', limit: 50 },
        reader,
      );
      expect(all.items.map(i => i.entityRef)).toEqual([
        'component:default/ledger',
        'component:default/payments',
      ]);
      expect(visibleTo).not.toHaveBeenCalled();

      const mine = await service.listServices(
        { sort: 'entityRef', order: 'asc', limit: 50 },
        restricted,
      );
      expect(mine.total).toBe(1);
      expect(mine.items.map(i => i.entityRef)).toEqual([
        'component:default/payments',
      ]);
      expect(visibleTo).toHaveBeenCalledWith(expect.anything(), {
        credentials: restricted,
      });
      const groups = await service.rollup({ groupBy: 'owner' }, restricted);
      expect(groups.reduce((n, g) => n + g.services, 0)).toBe(1);
      const wholeOrg = await service.rollup({ groupBy: 'owner' }, reader);
      expect(wholeOrg.reduce((n, g) => n + g.services, 0)).toBe(2);
      const trend = await service.trend({ days: 7 }, restricted);
      expect(trend.every(d => d.services <= 1)).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'flags a service that depends on a not-ready component, and fails the gate on it when asked, %p',
    async id => {
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(await databases.init(id)),
      });
      const payments = component('payments', 'payments-team', 'pay');
      const ledger = component('ledger', 'payments-team', 'pay');
      payments.relations = [
        ...(payments.relations ?? []),
        { type: 'dependsOn', targetRef: 'component:default/ledger' },
        { type: 'dependsOn', targetRef: 'resource:default/unplanned-db' },
      ];
      const catalog = catalogServiceMock({ entities: [payments, ledger] });
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: new ConfigReader({}),
        cache: memoryCache(),
      });
      await service.registerEntity(payments);
      await service.registerEntity(ledger);
      const ref = { kind: 'component', namespace: 'default', name: 'payments' };
      const user = mockCredentials.user();
      const read = await service.getEntityReadiness(ref, user);
      // Only dependencies with a plan are judged; the unplanned resource is not.
      expect(read.dependencies).toEqual([
        {
          entityRef: 'component:default/ledger',
          overall: 0,
          status: 'not_ready',
        },
      ]);
      const gate = (requireDependencies: boolean) =>
        service.gate(
          ref,
          {
            minScore: 0,
            allowAtRisk: true,
            allowExpired: true,
            requireDependencies,
          },
          user,
        );
      expect((await gate(false)).reasons).not.toContain(
        'depends on not-ready component:default/ledger (0)',
      );
      expect((await gate(false)).notReadyDependencies).toEqual([
        'component:default/ledger',
      ]);
      expect((await gate(true)).reasons).toContain(
        'depends on not-ready component:default/ledger (0)',
      );
    },
  );
});
