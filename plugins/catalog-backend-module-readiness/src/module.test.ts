import {
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import path from 'node:path';
import request from 'supertest';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogModuleReadiness } from './module';

jest.setTimeout(90_000);

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until)
      throw new Error('timed out waiting for the catalog');
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('catalog module readiness, in the real catalog backend', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_18'] });

  it.each(databases.eachSupportedId())(
    'shows processing errors on a bad entity and keeps good ones untouched, %p',
    async id => {
      const knex = await databases.init(id);
      const { server } = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleReadiness,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [{ allow: ['Component', 'Location'] }],
                locations: [
                  {
                    type: 'file',
                    target: path.join(
                      __dirname,
                      '__fixtures__',
                      'entities.yaml',
                    ),
                  },
                ],
              },
              readiness: {
                backupPolicies: {
                  'daily-35d': {
                    title: 'Daily',
                    rpoHours: 24,
                    rtoHours: 4,
                    retentionDays: 35,
                    restoreDrillEveryDays: 90,
                  },
                },
              },
            },
          }),
        ],
      });

      const good = await eventually(async () => {
        const res = await request(server).get(
          '/api/catalog/entities/by-name/component/default/good-service',
        );
        return res.status === 200 ? res.body : undefined;
      });
      expect(good.metadata.annotations).toMatchObject({
        'sentry.io/project-slug': 'good-service',
        'readiness/backup-policy': 'daily-35d',
      });

      const errors = await eventually(async () => {
        const row = await knex('refresh_state')
          .where({ entity_ref: 'component:default/bad-service' })
          .first();
        const parsed = row?.errors ? JSON.parse(row.errors) : [];
        return parsed.length ? parsed : undefined;
      });
      const messages = errors.map((e: any) => e.message).join('\n');
      expect(messages).toContain(
        'annotation sentry.io/project-slug "Not A Slug" is not a Sentry project slug',
      );
      expect(messages).toContain(
        'names unknown backup policy "hourly-magic" (known: daily-35d',
      );
      const bad = await request(server).get(
        '/api/catalog/entities/by-name/component/default/bad-service',
      );
      expect(bad.status).toBe(404);
    },
  );
});
