import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import authPlugin from '@backstage/plugin-auth-backend';
import readinessPlugin from '@prodready/plugin-readiness-backend';
import path from 'node:path';
import request from 'supertest';
import { readinessDemoPermissionPolicy } from './permissionPolicy';

jest.setTimeout(180_000);

/**
 * A sign-in provider for the test only: it signs in whoever the `x-test-user` header names,
 * through the catalog, so tokens and ownership claims come from the real auth backend.
 */
const testSignInProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'test-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'test',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => undefined,
              async authenticate({ req }) {
                return { result: { user: String(req.header('x-test-user')) } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.user }),
          }),
        });
      },
    });
  },
});

const CI_TOKEN = 'ci-token-with-readiness-access-0123456789';
const ROGUE_TOKEN = 'ci-token-readiness-but-unbound-0123456789';
const OTHER_TOKEN = 'ci-token-for-the-catalog-only-0123456789';

async function eventually<T>(fn: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 90_000;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('permission matrix through the real permission backend and the demo policy', () => {
  it('decides every write endpoint for every kind of caller', async () => {
    const connection =
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
    if (!connection) {
      throw new Error(
        'Needs PostgreSQL: run through scripts/with-postgres.mjs (the README test command)',
      );
    }
    const { server } = await startTestBackend({
      features: [
        authServiceFactory,
        httpAuthServiceFactory,
        userInfoServiceFactory,
        permissionsServiceFactory,
        permissionsRegistryServiceFactory,
        mockServices.database.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: {
                client: 'pg',
                connection,
                prefix: `pmx${Date.now()}_`,
              },
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token: CI_TOKEN, subject: 'ci-pipeline' },
                    accessRestrictions: [{ plugin: 'readiness' }],
                  },
                  {
                    type: 'static',
                    options: { token: ROGUE_TOKEN, subject: 'ci-rogue' },
                    accessRestrictions: [{ plugin: 'readiness' }],
                  },
                  {
                    type: 'static',
                    options: { token: OTHER_TOKEN, subject: 'catalog-reader' },
                    accessRestrictions: [{ plugin: 'catalog' }],
                  },
                ],
              },
            },
            readiness: {
              ci: {
                principals: [
                  {
                    subject: 'ci-pipeline',
                    entities: ['component:default/payments-api'],
                    tasks: ['1.2'],
                  },
                ],
              },
            },
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            auth: { providers: { test: {} } },
            catalog: {
              rules: [{ allow: ['Component', 'User', 'Group', 'Location'] }],
              locations: [
                {
                  type: 'file',
                  target: path.join(
                    __dirname,
                    '__fixtures__',
                    'permission-matrix.yaml',
                  ),
                },
              ],
            },
          },
        }),
        authPlugin,
        testSignInProvider,
        catalogPlugin,
        permissionPlugin,
        readinessDemoPermissionPolicy,
        readinessPlugin,
      ],
    });

    async function signIn(user: string) {
      const res = await eventually(async () => {
        const r = await request(server)
          .get('/api/auth/test/refresh')
          .set('x-test-user', user);
        return r.status === 200 ? r : undefined;
      });
      return { Authorization: `Bearer ${res.body.backstageIdentity.token}` };
    }
    const alice = await signIn('user:default/alice');
    const bob = await signIn('user:default/bob');
    const root = await signIn('user:default/root');
    const carol = await signIn('user:default/carol');
    const dave = await signIn('user:default/dave');

    const base = '/api/readiness/entities/component/default/payments-api';
    await eventually(async () => {
      const r = await request(server).get(base).set(alice);
      return r.status === 200 ? r : undefined;
    });

    const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const exemption = { reason: 'accepted', expiresAt: future };
    const versionOf = async (taskId: string): Promise<number> => {
      const plan = await request(server).get(base).set(alice);
      return (
        plan.body.tasks.find((t: any) => t.taskId === taskId)?.version ?? 0
      );
    };
    // Writes that act on existing things get them set up first (the owner asks, the admin
    // grants), so every cell tests the permission and nothing else.
    // One fresh task per cell that needs a request: every task but those the other cells use.
    const spare = [1, 2, 3, 4, 5]
      .flatMap(p => [1, 2, 3, 4, 5, 6].map(t => `${p}.${t}`))
      .filter(t => !['1.2', '1.4', '3.4'].includes(t))
      .filter(t => !['2.6', '3.6', '4.5', '4.6', '5.6'].includes(t));
    const requested = async () => {
      const taskId = spare.shift()!;
      await request(server)
        .post(`${base}/tasks/${taskId}/exemption-request`)
        .set(alice)
        .send({ expectedVersion: await versionOf(taskId), ...exemption })
        .expect(200);
      return taskId;
    };
    const exempt = async () => {
      const taskId = await requested();
      await request(server)
        .put(`${base}/tasks/${taskId}/exemption`)
        .set(root)
        .send({ expectedVersion: await versionOf(taskId), ...exemption })
        .expect(200);
      return taskId;
    };
    const newRunbook = async () =>
      (
        await request(server)
          .post(`${base}/runbooks`)
          .set(root)
          .send({
            type: 'rollback',
            title: 'Rollback',
            url: 'https://rb.example.com/rollback',
          })
          .expect(201)
      ).body.id as string;

    type Send = (h: Record<string, string>) => Promise<request.Response>;
    const writes: Record<string, Send> = {
      'PATCH task': async h =>
        request(server)
          .patch(`${base}/tasks/1.2`)
          .set(h)
          .send({ expectedVersion: await versionOf('1.2'), notes: 'x' }),
      'POST evidence': async h =>
        request(server).post(`${base}/tasks/1.2/evidence`).set(h).send({
          kind: 'link',
          url: 'https://ci.example.com/1',
          summary: 'ok',
        }),
      'POST review': async h => {
        const posted = await request(server)
          .post(`${base}/tasks/1.4/evidence`)
          .set(alice)
          .send({ kind: 'link', url: 'https://logs.example.com', summary: 'x' })
          .expect(201);
        return request(server)
          .post(`${base}/tasks/1.4/evidence/${posted.body.evidence.id}/review`)
          .set(h)
          .send({ decision: 'approve' });
      },
      'PUT exemption': async h => {
        const taskId = await requested();
        return request(server)
          .put(`${base}/tasks/${taskId}/exemption`)
          .set(h)
          .send({ expectedVersion: await versionOf(taskId), ...exemption });
      },
      'POST exemption-request': async h =>
        request(server)
          .post(`${base}/tasks/3.4/exemption-request`)
          .set(h)
          .send({ expectedVersion: await versionOf('3.4'), ...exemption }),
      'DELETE exemption': async h => {
        const taskId = await exempt();
        return request(server)
          .delete(
            `${base}/tasks/${taskId}/exemption?expectedVersion=${await versionOf(
              taskId,
            )}`,
          )
          .set(h);
      },
      'POST runbook': async h =>
        request(server).post(`${base}/runbooks`).set(h).send({
          type: 'deploy',
          title: 'Deploy',
          url: 'https://rb.example.com/deploy',
        }),
      'PATCH runbook': async h =>
        request(server)
          .patch(`${base}/runbooks/${await newRunbook()}`)
          .set(h)
          .send({ title: 'Rollback v2' }),
      'DELETE runbook': async h =>
        request(server)
          .delete(`${base}/runbooks/${await newRunbook()}`)
          .set(h),
      'POST upgrade': async h =>
        request(server).post(`${base}/upgrade`).set(h).send({}),
      'POST import': async h =>
        request(server)
          .post(`${base}/import?apply=true`)
          .set(h)
          .send({ markdown: '- [x] 1.1 Error tracking in Sentry' }),
    };
    const callers: Record<string, Record<string, string>> = {
      anonymous: {},
      'service, no access': { Authorization: `Bearer ${OTHER_TOKEN}` },
      'CI, unbound': { Authorization: `Bearer ${ROGUE_TOKEN}` },
      'CI, bound to 1.2': { Authorization: `Bearer ${CI_TOKEN}` },
      'other team': bob,
      owner: alice,
      'reviewer in owning team': dave,
      reviewer: carol,
      admin: root,
    };

    const matrix: Record<string, Record<string, number>> = {};
    for (const [caller, headers] of Object.entries(callers)) {
      for (const [name, send] of Object.entries(writes)) {
        const res = await send(headers);
        (matrix[name] ??= {})[caller] = res.status;
      }
    }

    // Owners edit their plan (and may drop an exemption or ask for one); a second person
    // outside the owning group (SRE, admin) reviews and grants; a CI token records evidence
    // only on the entity and task it is bound to.
    const cells = (ok: number, overrides: Record<string, number> = {}) => ({
      anonymous: 401,
      'service, no access': 403,
      'CI, unbound': 403,
      'CI, bound to 1.2': 403,
      'other team': 403,
      owner: ok,
      'reviewer in owning team': ok,
      reviewer: 403,
      admin: ok,
      ...overrides,
    });
    const secondPerson = cells(200, {
      owner: 403,
      'reviewer in owning team': 403,
      reviewer: 200,
    });
    expect(matrix).toEqual({
      'PATCH task': cells(200),
      'POST evidence': cells(201, { 'CI, bound to 1.2': 201 }),
      'POST review': secondPerson,
      'PUT exemption': secondPerson,
      'POST exemption-request': cells(200),
      'DELETE exemption': cells(200),
      'POST runbook': cells(201),
      'PATCH runbook': cells(200),
      'DELETE runbook': cells(204),
      'POST upgrade': cells(200),
      'POST import': cells(200),
    });

    // The bound CI token's evidence is verified; org-wide lists are closed to it.
    const plan = await request(server).get(base).set(alice);
    const ciEvidence = plan.body.tasks
      .find((t: any) => t.taskId === '1.2')
      .evidence.filter((e: any) => e.recordedBy === 'service:ci-pipeline');
    expect(ciEvidence).toEqual([
      expect.objectContaining({ trust: 'verified', source: 'ci' }),
    ]);
    await request(server)
      .get('/api/readiness/services')
      .set({ Authorization: `Bearer ${CI_TOKEN}` })
      .expect(403);

    // Denied calls wrote nothing: the change log (its latest 50 entries) holds only writes of
    // the owner, the second persons, the admin and the bound CI (checked on the plan above).
    const changes = await request(server).get(`${base}/changes`).set(alice);
    const actors = new Set<string>(changes.body.items.map((c: any) => c.actor));
    const allowed = [
      'service:ci-pipeline',
      'user:default/alice',
      'user:default/carol',
      'user:default/dave',
      'user:default/root',
    ];
    expect([...actors].filter(a => !allowed.includes(a))).toEqual([]);
    expect(actors.has('user:default/carol')).toBe(true);
  });
});
