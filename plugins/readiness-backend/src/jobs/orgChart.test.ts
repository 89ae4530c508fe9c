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
import { component, group } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf },
  relations: memberOf.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});

/** A component owned by `owner` (a group, or `user:` for a user). */
const service = (name: string, owner: string): Entity => {
  const e = component(name, 'x', 'sys');
  e.spec = { ...e.spec, owner };
  e.relations = [
    ...(e.relations ?? []).filter(r => r.type !== 'ownedBy'),
    { type: 'ownedBy', targetRef: owner },
  ];
  return e;
};

describe('the org chart in rollups', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'rolls each group up over every team beneath it, and moves a team with its services after the next sync, %p',
    async id => {
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(await databases.init(id)),
      });
      // The example shape: four teams under two groups under one root; one service is
      // owned by a user of team-d.
      const chart = (dParent: string) => [
        group('root'),
        group('left', 'root'),
        group('right', 'root'),
        group('team-a', 'left'),
        group('team-b', 'left'),
        group('team-c', 'right'),
        group('team-d', dParent),
        user('dana', ['team-d']),
      ];
      const services = [
        service('a1', 'group:default/team-a'),
        service('a2', 'group:default/team-a'),
        service('b1', 'group:default/team-b'),
        service('c1', 'group:default/team-c'),
        service('c2', 'group:default/team-c'),
        service('c3', 'group:default/team-c'),
        service('d1', 'group:default/team-d'),
        service('d2', 'user:default/dana'),
      ];
      const sync = (entities: Entity[]) => {
        const catalog = catalogServiceMock({ entities });
        const auth = mockServices.auth();
        const logger = mockServices.logger.mock();
        const config = new ConfigReader({});
        const templates = TemplateRegistry.fromConfig(config);
        return new CatalogSyncJob({
          catalog,
          auth,
          templates,
          logger,
          service: new ReadinessService({
            store,
            templates,
            catalog,
            auth,
            logger,
            config,
            cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
              'readiness',
            ),
          }),
        }).run();
      };
      const counts = async (parent?: string) =>
        Object.fromEntries(
          (
            await store.readModel.rollup('group', {
              ...(parent ? { parent } : {}),
            })
          ).map(g => [g.key, g.services]),
        );

      await sync([...chart('right'), ...services]);
      expect(await counts()).toEqual({ 'group:default/root': 8 });
      expect(await counts('group:default/root')).toEqual({
        'group:default/left': 3,
        'group:default/right': 5,
      });
      expect(await counts('group:default/left')).toEqual({
        'group:default/team-a': 2,
        'group:default/team-b': 1,
      });
      expect(await counts('group:default/right')).toEqual({
        'group:default/team-c': 3,
        'group:default/team-d': 2,
      });
      // Every level adds up: a parent's numbers are its children's.
      const [root] = await store.readModel.rollup('group', {});
      const halves = await store.readModel.rollup('group', {
        parent: 'group:default/root',
      });
      expect(halves.reduce((n, g) => n + g.blockers, 0)).toBe(root.blockers);
      expect(halves.reduce((n, g) => n + g.statusCounts.not_ready, 0)).toBe(
        root.statusCounts.not_ready,
      );
      expect(await store.org.path('group:default/team-d')).toEqual([
        { ref: 'group:default/root' },
        { ref: 'group:default/right', parent: 'group:default/root' },
        { ref: 'group:default/team-d', parent: 'group:default/right' },
      ]);

      // A user who may not see `left` in the catalog is not told about it.
      const visible = [
        'group:default/root',
        'group:default/right',
        ...services.map(s => `component:default/${s.metadata.name}`),
      ];
      expect(
        (
          await store.readModel.rollup('group', {
            parent: 'group:default/root',
            visible,
          })
        ).map(g => g.key),
      ).toEqual(['group:default/right']);

      // team-d moves under left: its two services (one a user's) move with it.
      await sync([...chart('left'), ...services]);
      expect(await counts('group:default/root')).toEqual({
        'group:default/left': 5,
        'group:default/right': 3,
      });

      // A parent the catalog does not have, or a cycle, makes a root instead of losing the team.
      await sync([
        ...chart('left').filter(e => e.metadata.name !== 'team-d'),
        group('team-d', 'gone'),
        ...services,
      ]);
      expect(await counts()).toEqual({
        'group:default/root': 6,
        'group:default/team-d': 2,
      });
    },
  );
});
