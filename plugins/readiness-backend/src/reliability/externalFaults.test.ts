import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { CheckRunner } from '../checks/CheckRunner';
import { sentryChecks } from '../checks/sentryChecks';
import { SentryClient } from '../sentry/SentryClient';
import { json, sentryServer } from '../__testUtils__/sentryServer';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const TOKEN = 'sntrys_never_log_me';

describe('Sentry failing for a whole check cycle', () => {
  const databases = createTestDatabases();
  const srv = sentryServer();
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await srv.start();
  });
  afterAll(() => srv.stop());

  it.each(databases.eachSupportedId())(
    'no crash, no score jump, evidence left to age, recovery on the next cycle, no token in logs, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const payments = component('payments', 'payments-team', 'pay');
      const catalog = catalogServiceMock({ entities: [payments] });
      const logger = mockServices.logger.mock();
      const config = new ConfigReader({});
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(config),
        catalog,
        auth: mockServices.auth(),
        logger,
        config,
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      const client = new SentryClient({
        baseUrl,
        organization: 'acme',
        token: TOKEN,
        timeoutMs: 150,
        maxRetries: 1,
        cacheTtlMs: 0,
        sleep: async () => {},
      });
      const runner = new CheckRunner(
        { catalog, auth: mockServices.auth(), config, service, logger },
        sentryChecks(client, config),
      );

      let mode: 'ok' | '500' | '429' | 'slow' | 'down' = 'ok';
      srv.on((req, res) => {
        if (mode === '500') return json(res, 500, { detail: 'boom' });
        if (mode === '429')
          return res.writeHead(429, { 'Retry-After': '3600' }).end();
        if (mode === 'slow')
          return void setTimeout(() => json(res, 200, []), 1_000).unref();
        if (mode === 'down') return req.socket.destroy();
        if (req.url!.endsWith('/payments/'))
          return json(res, 200, { id: '1', slug: 'payments' });
        if (req.url!.includes('/stats/')) return json(res, 200, [[1, 12]]);
        return json(res, 200, []);
      });

      const t0 = new Date();
      expect(await runner.run(t0)).toMatchObject({
        passed: 2,
        unknown: 0,
        errors: 0,
      });
      const healthy = await service.recompute(ref, 'test');
      const proof = async () =>
        (await store.tasks.list(ref))
          .find(t => t.taskId === '1.1')!
          .evidence.find(e => e.source === 'sentry')!;
      const first = await proof();

      for (const failure of ['500', '429', 'slow', 'down'] as const) {
        mode = failure;
        const counts = await runner.run(new Date(t0.getTime() + 3_600_000));
        expect(counts).toMatchObject({
          passed: 0,
          failed: 0,
          unknown: 2,
          errors: 0,
        });
        const score = await service.recompute(ref, `after ${failure}`);
        expect(score.overall).toBe(healthy.overall);
        // Stale: the last good evidence stays, not refreshed, and will expire on its own.
        expect(await proof()).toEqual(first);
      }

      mode = 'ok';
      expect(
        await runner.run(new Date(t0.getTime() + 7_200_000)),
      ).toMatchObject({ passed: 2, unknown: 0 });
      const refreshed = await proof();
      expect(Date.parse(refreshed.recordedAt)).toBeGreaterThan(
        Date.parse(first.recordedAt),
      );

      const logged = JSON.stringify([
        ...logger.debug.mock.calls,
        ...logger.info.mock.calls,
        ...logger.warn.mock.calls,
        ...logger.error.mock.calls,
      ]);
      expect(logged).toContain('Sentry unavailable');
      expect(logged).not.toContain(TOKEN);
    },
  );
});
