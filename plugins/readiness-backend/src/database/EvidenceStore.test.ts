import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';

jest.setTimeout(60_000);

describe('EvidenceStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stores evidence, also for tasks nobody touched yet, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const ref = 'component:default/payments';
      const e = await store.evidence.add({
        entityRef: ref,
        taskId: '5.1',
        evidence: {
          kind: 'link',
          url: 'https://ci.example.com/1',
          summary: 'green build',
          source: 'ci',
          recordedAt: '2026-01-01T00:00:00.000Z',
          recordedBy: 'service:ci',
          trust: 'verified',
          expiresAt: '2026-01-15T00:00:00.000Z',
        },
      });
      const states = await store.tasks.list(ref);
      expect(states).toEqual([
        {
          taskId: '5.1',
          status: 'todo',
          checklist: {},
          version: 0,
          evidence: [{ ...e, id: expect.any(String) }],
        },
      ]);
    },
  );
});
