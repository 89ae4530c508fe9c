import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { ReadinessNotifier } from './ReadinessNotifier';
import { EvidenceExpiryJob } from '../jobs/EvidenceExpiryJob';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('ReadinessNotifier', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'notifies owners once per event, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const sent: NotificationSendOptions[] = [];
      let failing = false;
      const notifications = {
        async send(n: NotificationSendOptions) {
          if (failing) throw new Error('notifications backend down');
          sent.push(n);
        },
      };
      const logger = mockServices.logger.mock();
      const notifier = new ReadinessNotifier({ notifications, store, logger });
      const payments = component('payments', 'payments-team', 'pay');
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        logger,
        config: new ConfigReader({}),
        notifier,
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';

      // Prove every task: Ready at 100.
      const template = (await service.getPlanState(ref)).template;
      for (const task of template.phases.flatMap(p => p.tasks)) {
        await service.updateTask({
          entityRef: ref,
          taskId: task.id,
          input: { expectedVersion: 0, status: 'done' },
          actor: 'user:default/a',
        });
        await service.addEvidence({
          entityRef: ref,
          taskId: task.id,
          actor: 'service:ci',
          producer: 'ci',
          input: {
            kind: 'link',
            url: 'https://ci.example.com',
            summary: `proof ${task.id}`,
            source: 'manual',
          },
        });
      }
      expect(sent).toEqual([]);

      // A P0 re-opened: Ready → Not ready, one notification to the owning group.
      const state = (await store.tasks.list(ref)).find(
        t => t.taskId === '5.1',
      )!;
      await service.updateTask({
        entityRef: ref,
        taskId: '5.1',
        input: { expectedVersion: state.version, status: 'blocked' },
        actor: 'user:default/a',
      });
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        recipients: {
          type: 'entity',
          entityRef: 'group:default/payments-team',
        },
        payload: {
          title: 'component:default/payments is now Not ready (was Ready)',
          severity: 'high',
          link: '/catalog/default/component/payments',
          topic: 'production-readiness',
        },
      });
      // Re-scoring without a change announces nothing.
      await service.recompute(ref, 'again');
      expect(sent).toHaveLength(1);

      // Evidence: 2.1 and 5.1 have maxAgeDays (30, 14). In 20 days 5.1's proof has expired and
      // 2.1's expires within 14 days; each event is sent once, even when run twice.
      // The expiry job reads them through the service and has the notifier send them.
      const expiry = new EvidenceExpiryJob({
        service,
        notifier,
        auth: mockServices.auth(),
        logger,
      });
      const in20days = new Date(Date.now() + 20 * 86_400_000);
      failing = true;
      expect(await expiry.run(in20days)).toBe(0);
      failing = false;
      const first = await expiry.run(in20days);
      expect(await expiry.run(in20days)).toBe(0);
      const titles = sent.slice(1).map(n => n.payload.title);
      expect(first).toBe(titles.length);
      expect(titles).toEqual(
        expect.arrayContaining([
          'Evidence for task 5.1 of component:default/payments expired',
          expect.stringMatching(
            /^Evidence for task 2.1 of component:default\/payments expires \d{4}-\d{2}-\d{2}$/,
          ),
        ]),
      );
      expect(new Set(titles).size).toBe(titles.length);
    },
  );
});
