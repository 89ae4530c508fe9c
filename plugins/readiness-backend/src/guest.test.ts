import * as Sentry from '@sentry/node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { readinessPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/testDatabase';
import {
  registerPlans,
  startReadinessBackend,
} from './__testUtils__/testBackend';
import { component, people } from './__testUtils__/fixtures';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';

jest.setTimeout(120_000);

/** The plugin in someone else's backend: it takes nothing process-wide it was not given. */
describe('the readiness plugin as a guest in an adopter backend', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'never initialises Sentry itself, whatever its config says, %p',
    async id => {
      await startReadinessBackend({
        knex: await databases.init(id),
        entities: [component('payments', 'payments-team', 'pay')],
        config: {
          readiness: {
            sentry: {
              // What older versions read to call Sentry.init themselves.
              dsn: 'http://key@127.0.0.1:9/1',
              environment: 'test',
            },
          },
        },
      });
      expect(Sentry.getClient()).toBeUndefined();
    },
  );

  it('leaves the Sentry SDK out of the library check-module authors depend on', () => {
    const nodePackage = JSON.parse(
      fs.readFileSync(
        resolvePackagePath('@prodready/plugin-readiness-node', 'package.json'),
        'utf8',
      ),
    );
    expect(Object.keys(nodePackage.dependencies)).not.toContain('@sentry/node');
    expect(Object.keys(nodePackage.peerDependencies ?? {})).not.toContain(
      '@sentry/node',
    );
  });

  it.each(['better-sqlite3', 'sqlite3', 'mysql2'])(
    'stops at start-up with one clear message on a %s database',
    async client => {
      // Only the client name is read before the plugin refuses: no driver is loaded.
      const knex = {
        client: { config: { client } },
      } as unknown as Knex;
      await expect(
        startTestBackend({
          features: [
            readinessPlugin,
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory({ entities: [] }),
          ],
        }),
      ).rejects.toThrow(
        new RegExp(
          `needs PostgreSQL.*'${client}'.*backend\\.database\\.client: pg`,
          's',
        ),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'sends notifications unless readiness.notifications.enabled is false, %p',
    async id => {
      const sent = async (enabled?: boolean) => {
        const send = jest.fn(async () => undefined);
        const server = await startReadinessBackend({
          knex: await databases.init(id),
          entities: [component('payments', 'payments-team', 'pay')],
          config: {
            readiness: {
              review: { notify: ['group:default/sre-team'] },
              ...(enabled === undefined ? {} : { notifications: { enabled } }),
            },
          },
          features: [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({ send }),
            }),
          ],
        });
        await registerPlans(server, ['payments']);
        // A link awaiting review tells the reviewers.
        const res = await request(server)
          .post(
            '/api/readiness/entities/component/default/payments/tasks/1.2/evidence',
          )
          .set({ Authorization: mockCredentials.user.header(people.owner) })
          .send({
            kind: 'link',
            url: 'https://uptime.example.com/payments',
            summary: 'Uptime check',
          });
        expect(res.status).toBe(201);
        return send.mock.calls.length;
      };
      expect(await sent()).toBeGreaterThan(0);
      expect(await sent(false)).toBe(0);
    },
  );
});
