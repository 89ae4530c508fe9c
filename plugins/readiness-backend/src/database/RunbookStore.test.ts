import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';

jest.setTimeout(60_000);

describe('RunbookStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'replaces catalog runbooks and keeps API-added ones, %p',
    async id => {
      const { knex, store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const ref = 'component:default/payments';
      await store.runbooks.replaceCatalog(ref, [
        { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
        {
          type: 'incident',
          title: 'Incident',
          url: 'https://rb.example.com/incident',
        },
      ]);
      await knex('readiness_runbook_links').insert({
        id: '00000000-0000-4000-8000-000000000001',
        entity_ref: ref,
        type: 'deploy',
        title: 'Deploy',
        url: 'https://rb.example.com/deploy',
        source: 'api',
      });
      await store.runbooks.replaceCatalog(ref, [
        { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
      ]);
      const links = await store.runbooks.list(ref);
      expect(links.map(l => [l.type, l.source])).toEqual([
        ['deploy', 'api'],
        ['dr', 'catalog'],
      ]);
    },
  );
});
