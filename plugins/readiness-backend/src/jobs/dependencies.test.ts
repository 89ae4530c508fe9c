import { Entity } from '@backstage/catalog-model';
import { CatalogSyncJob } from './CatalogSyncJob';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestService } from '../__testUtils__/testService';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const dependsOn = (e: Entity, ...names: string[]): Entity => ({
  ...e,
  relations: [
    ...(e.relations ?? []),
    ...names.map(n => ({
      type: 'dependsOn',
      targetRef: `component:default/${n}`,
    })),
  ],
});

describe('services blocked by dependencies in rollups', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'counts and lists the services that depend on a Not ready one, from the synced relations, %p',
    async id => {
      // gateway → payments → ledger; ledger becomes Ready, payments stays Not ready.
      const entities = [
        dependsOn(component('gateway', 'edge-team', 'edge'), 'payments'),
        dependsOn(component('payments', 'payments-team', 'pay'), 'ledger'),
        component('ledger', 'payments-team', 'pay'),
      ];
      const { store, service, catalog, auth, logger, config } =
        await createTestService({ knex: await databases.init(id), entities });
      await new CatalogSyncJob({
        catalog,
        auth,
        service,
        templates: TemplateRegistry.fromConfig(config),
        logger,
      }).run();
      const ledger = 'component:default/ledger';
      const { template } = await service.getPlanState(ledger);
      for (const task of template.phases.flatMap(p => p.tasks)) {
        const state = (await store.tasks.list(ledger)).find(
          t => t.taskId === task.id,
        );
        await service.updateTask({
          entityRef: ledger,
          taskId: task.id,
          input: { expectedVersion: state?.version ?? 0, status: 'done' },
          actor: 'user:default/a',
        });
        await service.addEvidence({
          entityRef: ledger,
          taskId: task.id,
          actor: 'service:ci',
          producer: 'ci',
          input: {
            kind: 'link',
            url: 'https://ci.example.com',
            summary: `proof ${task.id}`,
            source: 'manual',
          },
        });
      }
      expect((await store.scores.get(ledger))?.status).toBe('ready');

      const byOwner = Object.fromEntries(
        (await store.readModel.rollup('owner', {})).map(g => [
          g.key,
          g.blockedByDependencies,
        ]),
      );
      expect(byOwner).toEqual({
        'group:default/edge-team': 1,
        'group:default/payments-team': 0,
      });
      const blocked = await store.readModel.listScores({
        blockedByDependencies: true,
        sort: 'entityRef',
        order: 'asc',
        limit: 50,
      });
      expect(blocked.items.map(i => i.entityRef)).toEqual([
        'component:default/gateway',
      ]);
      // A dependency the caller cannot see does not count for them.
      expect(
        (
          await store.readModel.rollup('owner', {
            visible: ['component:default/gateway', ledger],
          })
        ).map(g => [g.key, g.blockedByDependencies]),
      ).toEqual([
        ['group:default/edge-team', 0],
        ['group:default/payments-team', 0],
      ]);
    },
  );
});
