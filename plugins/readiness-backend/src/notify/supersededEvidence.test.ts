import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestService } from '../__testUtils__/testService';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('expiring evidence', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'lists only the last proof of a task: fresher evidence supersedes older, %p',
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const { service, store } = await createTestService({
        knex: await databases.init(id),
        entities: [payments],
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      // 5.1 expires 14 days after each proof; a CI job proves it on every build.
      for (const build of [1, 2, 3]) {
        await service.addEvidence({
          entityRef: ref,
          taskId: '5.1',
          actor: 'service:ci',
          producer: 'ci',
          input: {
            kind: 'link',
            url: `https://ci.example.com/builds/${build}`,
            summary: `build ${build}`,
            source: 'manual',
          },
        });
      }
      const in20days = new Date(Date.now() + 20 * 86_400_000);
      expect(
        (await store.readModel.listExpiringEvidence(in20days)).map(e => [
          e.taskId,
          e.summary,
        ]),
      ).toEqual([['5.1', 'build 3']]);
    },
  );

  it.each(databases.eachSupportedId())(
    "reads one group's services in the database, at most a limit, %p",
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const search = component('search', 'growth-team', 'find');
      const { service, store } = await createTestService({
        knex: await databases.init(id),
        entities: [payments, search],
      });
      // The other team's proofs come first: they expire sooner.
      for (const entity of [search, payments]) {
        await service.registerEntity(entity);
        for (const taskId of ['5.1', '1.6']) {
          await service.addEvidence({
            entityRef: `component:default/${entity.metadata.name}`,
            taskId,
            actor: 'service:ci',
            producer: 'ci',
            input: {
              kind: 'link',
              url: `https://ci.example.com/${entity.metadata.name}/${taskId}`,
              summary: `${entity.metadata.name} ${taskId}`,
              source: 'manual',
            },
          });
        }
      }
      const until = new Date(Date.now() + 400 * 86_400_000);
      const all = await store.readModel.listExpiringEvidence(until);
      expect(new Set(all.map(e => e.owner))).toEqual(
        new Set(['group:default/payments-team', 'group:default/growth-team']),
      );
      // An MCP answer for one group must not read the whole catalog's window.
      const mine = await store.readModel.listExpiringEvidence(
        until,
        undefined,
        {
          owners: ['Group:default/Payments-Team'],
          limit: 1,
        },
      );
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ owner: 'group:default/payments-team' });
      expect(mine[0]).toEqual(
        all.find(e => e.owner === 'group:default/payments-team'),
      );
    },
  );
});
