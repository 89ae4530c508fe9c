import { component } from '../__testUtils__/fixtures';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';
import { defaultTemplate } from '../templates/defaultTemplate';

jest.setTimeout(60_000);

describe('PlanStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keys plans by the lower-cased ref and keeps the pinned template, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const plan = await store.plans.upsert({
        entityRef: 'component:default/payments',
        templateId: 'other',
        templateVersion: 7,
        templateSnapshot: defaultTemplate,
        owner: 'group:default/new-owner',
      });
      expect(plan).toMatchObject({
        entityRef: 'component:default/payments',
        templateId: 'default',
        templateVersion: 1,
        owner: 'group:default/new-owner',
      });
      expect(await store.plans.get('COMPONENT:default/payments')).toEqual(plan);
      expect(
        await store.plans.get('component:default/unknown'),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'restores an archived plan on upsert and keeps its created time, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const before = await store.plans.get('component:default/payments');
      expect(await store.plans.archiveMissing([])).toEqual([
        'component:default/payments',
      ]);
      const restored = await store.plans.upsert({
        entityRef: 'component:default/payments',
        templateId: 'default',
        templateVersion: 1,
        templateSnapshot: defaultTemplate,
        owner: 'group:default/payments-team',
        entitySnapshot: component('payments', 'payments-team', 'pay'),
      });
      expect(restored.archivedAt).toBeUndefined();
      expect(restored.createdAt).toBe(before!.createdAt);
      expect(restored.templateSnapshot).toEqual(defaultTemplate);
      expect(restored.entitySnapshot?.metadata.name).toBe('payments');
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the sync state of many plans at once and marks them refreshed, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const entity = component('payments', 'payments-team', 'pay');
      await store.plans.upsert({
        entityRef: 'component:default/payments',
        templateId: 'default',
        templateVersion: 1,
        templateSnapshot: defaultTemplate,
        owner: 'group:default/payments-team',
        system: 'system:default/pay',
        tier: '2',
        entitySnapshot: entity,
      });
      await store.runbooks.replaceCatalog('component:default/payments', [
        { type: 'dr', title: 'DR', url: 'https://runbooks.example.com/dr' },
      ]);
      await store.runbooks.add(
        'component:default/payments',
        { type: 'other', title: 'Wiki', url: 'https://wiki.example.com' },
        'user:default/someone',
      );
      const states = await store.plans.syncStates([
        'Component:default/Payments',
        'component:default/unknown',
      ]);
      expect([...states.keys()]).toEqual(['component:default/payments']);
      expect(states.get('component:default/payments')).toEqual({
        entityRef: 'component:default/payments',
        owner: 'group:default/payments-team',
        system: 'system:default/pay',
        tier: '2',
        archived: false,
        entitySnapshot: expect.objectContaining({
          kind: 'Component',
          relations: entity.relations,
        }),
        // Only the catalog's links: API-added ones are not the sync's to compare.
        catalogLinks: ['dr https://runbooks.example.com/dr'],
      });

      const { updatedAt } = (await store.plans.get(
        'component:default/payments',
      ))!;
      await new Promise(r => setTimeout(r, 5));
      await store.plans.touch(['component:default/payments']);
      const touched = await store.plans.get('component:default/payments');
      expect(touched!.updatedAt > updatedAt).toBe(true);

      await store.plans.archiveMissing([]);
      const archived = await store.plans.syncStates([
        'component:default/payments',
      ]);
      expect(archived.get('component:default/payments')?.archived).toBe(true);
    },
  );
});
