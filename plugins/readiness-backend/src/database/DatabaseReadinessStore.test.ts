import { scorePlan } from '@prodready/plugin-readiness-common';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';
import { defaultTemplate } from '../templates/defaultTemplate';

jest.setTimeout(60_000);

describe('DatabaseReadinessStore', () => {
  const databases = createTestDatabases();
  const ref = 'component:default/payments';

  it.each(databases.eachSupportedId())(
    'binds every store to the transaction of a unit of work, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const failed = store.withPlanLock(ref, async tx => {
        await tx.tasks.update({
          entityRef: ref,
          taskId: '1.1',
          expectedVersion: 0,
          actor: 'user:default/a',
          patch: { status: 'done' },
        });
        await tx.scores.save(ref, scorePlan(defaultTemplate, {}), 'test');
        await tx.runbooks.replaceCatalog(ref, [
          { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
        ]);
        throw new Error('boom');
      });
      await expect(failed).rejects.toThrow('boom');
      expect(await store.tasks.list(ref)).toEqual([]);
      expect(await store.scores.get(ref)).toBeUndefined();
      expect(await store.runbooks.list(ref)).toEqual([]);
      expect(await store.changeLog.list(ref)).toEqual([]);

      const saved = await store.inTransaction(async tx => {
        await tx.scores.save(ref, scorePlan(defaultTemplate, {}), 'test');
        return tx.scores.get(ref);
      });
      expect(await store.scores.get(ref)).toEqual(saved);
    },
  );
});
