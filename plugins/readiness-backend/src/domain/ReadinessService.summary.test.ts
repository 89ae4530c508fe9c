import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityReadinessSummary,
  ReadinessCard,
  summarizeEntityReadiness,
} from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { ReadinessService } from './ReadinessService';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const ref = { kind: 'component', namespace: 'default', name: 'payments' };
const paymentsRef = 'component:default/payments';
const reader = mockCredentials.user('user:default/reader');
const restricted = mockCredentials.user('user:default/restricted');

/** The summary without the instant it was scored at, which differs between the paths. */
const unstamped = (s: EntityReadinessSummary) => ({
  ...s,
  score: { ...s.score, evaluatedAt: 'x' },
});

async function setUp(knex: Knex) {
  const store = await DatabaseReadinessStore.create({
    database: databaseServiceFor(knex),
  });
  const payments = component('payments', 'payments-team', 'pay');
  payments.metadata.annotations!['readiness/backup-policy'] = 'standard';
  payments.relations = [
    { type: 'dependsOn', targetRef: 'component:default/ledger' },
  ];
  const ledger = component('ledger', 'payments-team', 'pay');
  const catalog = catalogServiceMock({ entities: [payments, ledger] });
  const service = new ReadinessService({
    store,
    templates: TemplateRegistry.fromConfig(new ConfigReader({})),
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    config: new ConfigReader({
      readiness: {
        entityCacheSeconds: 0,
        sentry: { organization: 'acme' },
        backupPolicies: {
          standard: {
            title: 'Standard',
            rpoHours: 1,
            rtoHours: 4,
            retentionDays: 30,
            restoreDrillEveryDays: 90,
          },
        },
      },
    }),
    // Only the reader may read the whole catalog; the restricted user reads through it.
    permissions: mockServices.permissions.mock({
      authorizeConditional: async (_requests, { credentials }) => [
        {
          result:
            credentials === reader
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        },
      ],
    }),
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('readiness'),
  });
  await service.registerEntity(ledger);
  await service.registerEntity(payments);
  // Something for each part of the card: a restore drill, a check run on a blocker.
  await service.addEvidence({
    entityRef: paymentsRef,
    taskId: '3.2',
    input: {
      kind: 'link',
      url: 'https://drills.example.com/1',
      summary: 'Restore drill',
      source: 'manual',
    },
    actor: 'user:default/alice',
    producer: 'person',
  });
  await service.recordCheckRuns(
    paymentsRef,
    [
      {
        taskId: '1.1',
        checkId: 'catalog-owner',
        checkTitle: 'Owner',
        outcome: 'failed',
        summary: 'no owner',
        ranAt: new Date().toISOString(),
      },
    ],
    [],
  );
  const storedCard = async (): Promise<ReadinessCard> =>
    (await knex('readiness_scores').where({ entity_ref: paymentsRef }).first())
      .card;
  const setCard = (card: ReadinessCard | null) =>
    knex('readiness_scores')
      .where({ entity_ref: paymentsRef })
      .update({ card: card && JSON.stringify(card) });
  return { store, catalog, service, storedCard, setCard };
}

describe('ReadinessService card summary', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'reads the card stored with the score, without scoring, and says what the full read says, %p',
    async id => {
      const { store, service, storedCard } = await setUp(
        await databases.init(id),
      );
      const live = summarizeEntityReadiness(
        await service.getEntityReadiness(ref, reader),
      );
      const scoring = [
        jest.spyOn(store.plans, 'getView'),
        jest.spyOn(store.tasks, 'list'),
      ];

      const scoresOf = jest.spyOn(store.readModel, 'scoresOf');
      const summary = await service.getEntitySummary(ref, reader);

      for (const spy of scoring) expect(spy).not.toHaveBeenCalled();
      // One round trip: the dependencies' scores come with the card.
      expect(scoresOf).not.toHaveBeenCalled();
      expect(unstamped(summary)).toEqual(unstamped(live));
      // The parts that come from the card, the catalog, config and other plans are all there.
      expect(summary.score.evaluatedAt).toBe(
        (await storedCard()).score.evaluatedAt,
      );
      expect(summary.blockerProofs).toContainEqual(
        expect.objectContaining({
          taskId: '1.1',
          run: expect.objectContaining({ outcome: 'failed' }),
        }),
      );
      expect(summary.backupPolicy?.lastDrillAt).toBeDefined();
      expect(summary.sentry?.url).toContain('/organizations/acme/');
      expect(summary.notReadyDependencies.map(d => d.entityRef)).toEqual([
        'component:default/ledger',
      ]);
      expect(summary.runbooks).toHaveLength(1);

      // A restricted user is checked by the catalog with their own credentials first.
      const restrictedSummary = await service.getEntitySummary(ref, restricted);
      for (const spy of scoring) expect(spy).not.toHaveBeenCalled();
      expect(unstamped(restrictedSummary)).toEqual(unstamped(live));
    },
  );

  it.each(databases.eachSupportedId())(
    'computes the summary afresh once an expiry has passed since scoring, for another card format, or with no stored card, %p',
    async id => {
      const { service, storedCard, setCard } = await setUp(
        await databases.init(id),
      );
      const card = await storedCard();
      const marked: ReadinessCard = {
        ...card,
        next: [{ taskId: '9.9', title: 'from the stored card', gain: 1 }],
      };
      const next = async () =>
        (await service.getEntitySummary(ref, reader)).next.map(n => n.title);

      await setCard(marked);
      expect(await next()).toEqual(['from the stored card']);

      // The drill evidence expires in 90 days; pretend that instant has come.
      expect(card.validUntil).toBeDefined();
      await setCard({
        ...marked,
        validUntil: new Date(Date.now() - 1000).toISOString(),
      });
      expect(await next()).not.toContain('from the stored card');
      expect(await next()).toEqual(card.next.map(n => n.title));

      // A card of another format is stale too.
      await setCard({ ...marked, format: card.format + 1 });
      expect(await next()).toEqual(card.next.map(n => n.title));

      await setCard(null);
      expect(await next()).toEqual(card.next.map(n => n.title));
    },
  );
});
