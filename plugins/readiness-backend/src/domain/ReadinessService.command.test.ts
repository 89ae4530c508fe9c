import { scorePlan } from '@prodready/plugin-readiness-common';
import { ScoreStore } from '../database/ScoreStore';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestService } from '../__testUtils__/testService';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('ReadinessService.command (the one write path)', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'serialises writes to a plan so a slow re-score never stores a stale score, %p',
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const { store, service } = await createTestService({
        knex: await databases.init(id),
        entities: [payments],
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';

      // The first writer's score save is slow; a second writer commits meanwhile.
      const save = ScoreStore.prototype.save;
      let calls = 0;
      const spy = jest
        .spyOn(ScoreStore.prototype, 'save')
        .mockImplementation(async function slow(this: any, ...args: any[]) {
          if (calls++ === 0) await new Promise(r => setTimeout(r, 500));
          return save.apply(this, args as any);
        });
      const update = (taskId: string) =>
        service.updateTask({
          entityRef: ref,
          taskId,
          input: { expectedVersion: 0, status: 'done' },
          actor: 'user:default/alice',
        });
      const first = update('1.2');
      await new Promise(r => setTimeout(r, 100));
      await Promise.all([first, update('1.3')]);
      spy.mockRestore();

      const { template, tasks } = await service.getPlanState(ref);
      const fresh = scorePlan(
        template,
        Object.fromEntries(tasks.map(t => [t.taskId, t])),
      );
      expect((await store.scores.get(ref))?.overall).toBe(fresh.overall);
      expect(tasks.filter(t => t.status === 'done')).toHaveLength(2);
    },
  );
});
