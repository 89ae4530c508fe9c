import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ScoreStore } from '../database/ScoreStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { ReadinessService } from './ReadinessService';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('Rescoring.reevaluateAll', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    're-scores every plan once, two pages at a time on disjoint ranges, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      const entities = names.map(n => component(n, 'team', 'sys'));
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        config: new ConfigReader({}),
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
        reevaluatePageSize: 2,
      });
      for (const n of names) {
        await service.getEntityReadiness(
          { kind: 'component', namespace: 'default', name: n },
          mockCredentials.user(),
        );
      }
      await service.registerPending();
      // The fourth plan is archived: no page re-scores it.
      await knex('readiness_plans')
        .where({ entity_ref: 'component:default/d' })
        .update({ archived_at: new Date() });

      let running = 0;
      let most = 0;
      const pages: string[][] = [];
      // Pages load through each transaction's own store.
      const load = ScoreStore.prototype.loadPage;
      jest
        .spyOn(ScoreStore.prototype, 'loadPage')
        .mockImplementation(async function loadPage(this: ScoreStore, options) {
          running += 1;
          most = Math.max(most, running);
          try {
            const rows = await load.call(this, options);
            pages.push(rows.map(r => r.plan.entityRef));
            // Holds the page open a little, as scoring a large one would.
            await new Promise(resolve => setTimeout(resolve, 20));
            return rows;
          } finally {
            running -= 1;
          }
        });

      const tomorrow = new Date(Date.now() + 86_400_000);
      expect(await service.reevaluateAll(tomorrow)).toEqual({
        daily: 6,
        pruned: 0,
      });
      expect(most).toBe(2);
      expect(pages.flat().sort()).toEqual(
        ['a', 'b', 'c', 'e', 'f', 'g'].map(n => `component:default/${n}`),
      );
      expect(pages.every(p => p.length <= 2)).toBe(true);
      const daily = await knex('readiness_score_snapshots')
        .where({ reason: 'daily' })
        .count({ n: '*' });
      expect(Number(daily[0].n)).toBe(6);
    },
  );
});
