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
});
