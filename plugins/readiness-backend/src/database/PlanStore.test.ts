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
});
