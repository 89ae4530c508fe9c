import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { readinessPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/testDatabase';
import { backupPolicies } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const service = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations,
    links: [
      {
        url: `https://runbooks.example.com/${name}/dr`,
        title: 'Disaster recovery',
        type: 'runbook-dr',
      },
    ],
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments-team',
    lifecycle: 'production',
  },
});

const entities = [
  service('payments', {
    'sentry.io/project-slug': 'payments-api',
    'readiness/backup-policy': 'daily-35d',
  }),
  service('legacy', {}),
];

describe('readiness plugin', () => {
  const databases = createTestDatabases();

  async function start(
    databaseId: Parameters<typeof databases.init>[0],
    extra: any[] = [],
  ) {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        readinessPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities }),
        ...extra,
      ],
    });
    return server;
  }

  it.each(databases.eachSupportedId())(
    'serves a computed plan and score for an annotated entity, %p',
    async id => {
      const server = await start(id);
      const res = await request(server).get(
        '/api/readiness/entities/component/default/payments',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/payments',
        plan: { templateId: 'default', templateVersion: 3 },
        tasks: [],
        runbooks: [
          {
            type: 'dr',
            title: 'Disaster recovery',
            url: 'https://runbooks.example.com/payments/dr',
            source: 'catalog',
          },
        ],
        score: { overall: 0, status: 'not_ready' },
      });
      expect(res.body.score.blockers.map((b: any) => b.taskId)).toEqual([
        '1.1',
        '2.1',
        '2.2',
        '3.6',
        '5.1',
      ]);
      expect(res.body.template.phases.map((p: any) => p.title)).toEqual([
        'Monitoring & visibility',
        'Security hardening',
        'Operational resilience',
        'Compliance & data',
        'Capacity & change management',
      ]);
      expect(res.body.whatIf.length).toBeGreaterThan(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'returns the Sentry project link and backup policy with the last drill, never the token, %p',
    async id => {
      const server = await start(id, [
        mockServices.rootConfig.factory({
          data: {
            readiness: {
              sentry: {
                baseUrl: 'https://sentry.example.com/',
                organization: 'acme',
                token: 'sntrys_do_not_leak',
              },
              ci: {
                principals: [
                  {
                    subject: 'backup-runner',
                    entities: ['component:default/payments'],
                    tasks: ['3.2'],
                  },
                ],
              },
              backupPolicies,
            },
          },
        }),
      ]);
      const base = '/api/readiness/entities/component/default/payments';
      // Reads never register a plan; a first write does.
      await request(server).post(`${base}/upgrade`).send({}).expect(200);
      await request(server)
        .post(`${base}/tasks/3.2/evidence`)
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:backup-runner'),
            targetPluginId: 'readiness',
          }),
        )
        .send({
          kind: 'link',
          url: 'https://ci.example.com/drill/1',
          summary: 'restore drill passed',
        })
        .expect(201);
      const res = await request(server).get(base);
      expect(res.body.sentry).toEqual({
        project: 'payments-api',
        url: 'https://sentry.example.com/organizations/acme/projects/payments-api/',
      });
      expect(res.body.backupPolicy).toEqual({
        id: 'daily-35d',
        title: 'Daily',
        rpoHours: 24,
        rtoHours: 4,
        retentionDays: 35,
        restoreDrillEveryDays: 90,
        lastDrillAt: res.body.tasks.find((t: any) => t.taskId === '3.2')
          .evidence[0].recordedAt,
      });
      expect(JSON.stringify(res.body)).not.toContain('sntrys_do_not_leak');
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 404 with a message for unknown or unregistered entities, %p',
    async id => {
      const server = await start(id);
      const unknown = await request(server).get(
        '/api/readiness/entities/component/default/nope',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({
        name: 'NotFoundError',
        message: 'Entity component:default/nope was not found in the catalog',
      });

      const legacy = await request(server).get(
        '/api/readiness/entities/component/default/legacy',
      );
      expect(legacy.status).toBe(404);
      expect(legacy.body.error.message).toContain('sentry.io/project-slug');
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a malformed ref with 400 naming the part, %p',
    async id => {
      const server = await start(id);
      const res = await request(server).get(
        '/api/readiness/entities/component/default/bad%20name!',
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('invalid name'),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects requests without credentials with 401, %p',
    async id => {
      const server = await start(id);
      const res = await request(server)
        .get('/api/readiness/entities/component/default/payments')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    },
  );

  it.each(databases.eachSupportedId())(
    'moves the score when a task is done with evidence, and keeps history, %p',
    async id => {
      const server = await start(id);
      const base = '/api/readiness/entities/component/default/payments';
      // Reads never register a plan; a first write does.
      await request(server).post(`${base}/upgrade`).send({}).expect(200);

      const done = await request(server)
        .patch(`${base}/tasks/1.2`)
        .send({ expectedVersion: 0, status: 'done' });
      expect(done.status).toBe(200);
      expect(done.body.task).toMatchObject({
        taskId: '1.2',
        status: 'done',
        version: 1,
        updatedBy: 'user:default/mock',
      });
      const attested = done.body.score.dimensions.find(
        (d: any) => d.id === 'monitoring',
      );
      expect(attested.earned).toBe(5); // 10 points, half on a bare claim

      const ev = await request(server).post(`${base}/tasks/1.2/evidence`).send({
        kind: 'link',
        url: 'https://uptime.example.com/payments',
        summary: 'Monitor live',
      });
      expect(ev.status).toBe(201);
      // A person's own link is still their word until a second person reviews it.
      expect(ev.body.evidence).toMatchObject({
        trust: 'claimed',
        review: { state: 'pending' },
      });
      expect(
        ev.body.score.dimensions.find((d: any) => d.id === 'monitoring').earned,
      ).toBe(5);

      const read = await request(server).get(base);
      expect(read.body.score.overall).toBe(ev.body.score.overall);
      expect(read.body.score.overall).toBeGreaterThan(0);

      const history = await request(server).get(`${base}/history`);
      // An unreviewed link does not move the score, so it writes no snapshot.
      expect(history.body.items.map((h: any) => h.reason)).toEqual([
        'registered',
        'task.update on 1.2',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a stale version with 409 and the current state, %p',
    async id => {
      const server = await start(id);
      const base = '/api/readiness/entities/component/default/payments';
      // Reads never register a plan; a first write does.
      await request(server).post(`${base}/upgrade`).send({}).expect(200);
      await request(server)
        .patch(`${base}/tasks/2.3`)
        .send({ expectedVersion: 0, status: 'in_progress', notes: 'vault' })
        .expect(200);
      const stale = await request(server)
        .patch(`${base}/tasks/2.3`)
        .send({ expectedVersion: 0, status: 'done' });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        error: { name: 'ConflictError' },
        current: {
          taskId: '2.3',
          status: 'in_progress',
          notes: 'vault',
          version: 1,
        },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad bodies with 400 naming the field, %p',
    async id => {
      const server = await start(id);
      const base = '/api/readiness/entities/component/default/payments';
      // Reads never register a plan; a first write does.
      await request(server).post(`${base}/upgrade`).send({}).expect(200);
      const badStatus = await request(server)
        .patch(`${base}/tasks/1.1`)
        .send({ expectedVersion: 0, status: 'finished' });
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.error.message).toContain('status');
      const extra = await request(server)
        .patch(`${base}/tasks/1.1`)
        .send({ expectedVersion: 0, score: 100 });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toContain('score');
      const noUrl = await request(server)
        .post(`${base}/tasks/1.1/evidence`)
        .send({ kind: 'link', summary: 'x' });
      expect(noUrl.status).toBe(400);
      expect(noUrl.body.error.message).toContain('url');
      const unknownTask = await request(server)
        .patch(`${base}/tasks/9.9`)
        .send({ expectedVersion: 0, status: 'done' });
      expect(unknownTask.status).toBe(404);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses task updates the permission policy denies, %p',
    async id => {
      const server = await start(id, [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ]);
      const base = '/api/readiness/entities/component/default/payments';
      await request(server).get(base).expect(200);
      const res = await request(server)
        .patch(`${base}/tasks/1.1`)
        .send({ expectedVersion: 0, status: 'done' });
      expect(res.status).toBe(403);
      const read = await request(server).get(base);
      expect(read.body.tasks).toEqual([]);
    },
  );
});
