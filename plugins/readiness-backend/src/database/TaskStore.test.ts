import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';

jest.setTimeout(60_000);

describe('TaskStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'updates tasks with optimistic concurrency, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const ref = 'component:default/payments';
      const first = await store.tasks.update({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 0,
        actor: 'user:default/a',
        patch: { status: 'in_progress', checklist: { sdk: true } },
      });
      expect(first).toMatchObject({
        ok: true,
        state: {
          status: 'in_progress',
          version: 1,
          checklist: { sdk: true },
          updatedBy: 'user:default/a',
        },
      });

      const second = await store.tasks.update({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 1,
        actor: 'user:default/b',
        patch: { checklist: { pii: true }, notes: 'half way' },
      });
      expect(second).toMatchObject({
        ok: true,
        state: {
          status: 'in_progress',
          version: 2,
          checklist: { sdk: true, pii: true },
          notes: 'half way',
        },
      });

      const stale = await store.tasks.update({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 1,
        actor: 'user:default/c',
        patch: { status: 'done' },
      });
      expect(stale).toMatchObject({
        ok: false,
        current: {
          status: 'in_progress',
          version: 2,
          updatedBy: 'user:default/b',
        },
      });

      const log = await store.changeLog.list(ref);
      expect(log.map(l => [l.actor, l.action])).toEqual([
        ['user:default/b', 'task.update'],
        ['user:default/a', 'task.update'],
      ]);
      expect(log[0].before).toMatchObject({ version: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of two concurrent first writes win, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const write = (actor: string) =>
        store.tasks.update({
          entityRef: 'component:default/payments',
          taskId: '2.1',
          expectedVersion: 0,
          actor,
          patch: { status: 'done' },
        });
      const results = await Promise.all([
        write('user:default/a'),
        write('user:default/b'),
      ]);
      expect(results.filter(r => r.ok)).toHaveLength(1);
      expect(results.filter(r => !r.ok)).toHaveLength(1);
    },
  );
});
