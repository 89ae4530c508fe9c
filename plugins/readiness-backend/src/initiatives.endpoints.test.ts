import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  registerPlans,
  startReadinessBackend,
} from './__testUtils__/testBackend';
import { createTestDatabases } from './__testUtils__/testDatabase';
import { component, people } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const entities = [
  component('payments', 'payments-team', 'pay', { tier: '1' }),
  component('search', 'growth-team', 'shop', { tier: '1' }),
];
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const drills = {
  id: 'tier1-drills',
  title: 'Tier-1 restore drills',
  owner: 'group:default/platform-team',
  selection: { tiers: ['1'] },
  goal: { tasks: ['3.2'], noOpenP0: true },
  startsAt: '2026-01-01',
  deadline: '2099-03-31',
};

describe('initiatives API', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'lets admins define initiatives, everyone follow them, and names the bad field, %p',
    async id => {
      const server = await startReadinessBackend({
        knex: await databases.init(id),
        entities,
        config: {
          readiness: {
            initiatives: [
              {
                id: 'from-config',
                title: 'Defined as code',
                owner: 'group:default/platform-team',
                goal: { minStage: 1 },
                startsAt: '2026-01-01',
                deadline: '2099-01-01',
              },
            ],
          },
        },
      });
      await registerPlans(server, ['payments', 'search']);

      // A team cannot define (or redefine) a campaign; an admin can.
      const denied = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.owner))
        .send(drills);
      expect(denied.status).toBe(403);
      const bad = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.admin))
        .send({ ...drills, deadline: '2025-01-01' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'Invalid initiative in the request: deadline: must not be before startsAt',
      );
      const typo = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.admin))
        .send({ ...drills, goal: { tasks: ['3.2', '9.9'] } });
      expect(typo.status).toBe(400);
      expect(typo.body.error.message).toBe(
        'Invalid initiative in the request: goal.tasks: no template has task 9.9',
      );
      const created = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.admin))
        .send(drills);
      expect(created.status).toBe(201);
      expect(
        (
          await request(server)
            .post('/api/readiness/initiatives')
            .set(as(people.admin))
            .send(drills)
        ).status,
      ).toBe(409);

      const list = await request(server)
        .get('/api/readiness/initiatives')
        .set(as(people.owner));
      expect(list.status).toBe(200);
      expect(
        list.body.items.map((i: any) => [i.id, i.source, i.progress]),
      ).toEqual([
        ['from-config', 'config', { services: 2, met: 0 }],
        ['tier1-drills', 'api', { services: 2, met: 0 }],
      ]);

      const detail = await request(server)
        .get('/api/readiness/initiatives/tier1-drills')
        .set(as(people.owner));
      expect(detail.body.services[0]).toEqual({
        entityRef: 'component:default/payments',
        owner: 'group:default/payments-team',
        met: false,
        lacking: expect.arrayContaining(['task 3.2 not proven']),
      });
      const mine = await request(server)
        .get('/api/readiness/initiatives')
        .query({ entityRef: 'component:default/payments' })
        .set(as(people.owner));
      expect(mine.body.items.map((i: any) => i.id)).toEqual([
        'from-config',
        'tier1-drills',
      ]);

      const csv = await request(server)
        .get('/api/readiness/initiatives/tier1-drills/export?format=csv')
        .set(as(people.owner));
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe(
        'attachment; filename="tier1-drills.csv"',
      );
      expect(csv.text.split('\r\n')).toHaveLength(4);

      // Config-defined ones are read-only here; unknown ids are 404; bad ids and queries 400.
      const put = await request(server)
        .put('/api/readiness/initiatives/from-config')
        .set(as(people.admin))
        .send({ ...drills, id: 'from-config' });
      expect(put.status).toBe(409);
      expect(
        (
          await request(server)
            .get('/api/readiness/initiatives/nope')
            .set(as(people.owner))
        ).status,
      ).toBe(404);
      const badId = await request(server)
        .get('/api/readiness/initiatives/Bad%20Id')
        .set(as(people.owner));
      expect(badId.status).toBe(400);
      expect(badId.body.error.message).toContain(
        'id: must be an initiative id',
      );
      const badRef = await request(server)
        .get('/api/readiness/initiatives')
        .query({ entityRef: 'component:default/pay\u0000ments' })
        .set(as(people.owner));
      expect(badRef.status).toBe(400);
      expect(badRef.body.error.message).toContain(
        'entityRef: must be a full entity ref',
      );
      const badFormat = await request(server)
        .get('/api/readiness/initiatives/tier1-drills/export?format=pdf')
        .set(as(people.owner));
      expect(badFormat.status).toBe(400);
      expect(badFormat.body.error.message).toContain('format');

      const updated = await request(server)
        .put('/api/readiness/initiatives/tier1-drills')
        .set(as(people.admin))
        .send({ ...drills, title: 'Tier-1 drills, renamed' });
      expect(updated.status).toBe(200);
      expect(
        (
          await request(server)
            .delete('/api/readiness/initiatives/tier1-drills')
            .set(as(people.owner))
        ).status,
      ).toBe(403);
      expect(
        (
          await request(server)
            .delete('/api/readiness/initiatives/tier1-drills')
            .set(as(people.admin))
        ).status,
      ).toBe(204);
    },
  );

  it.each(databases.eachSupportedId())(
    'checks credentials, opens the audit event and checks admin before the body, %p',
    async id => {
      const events: Array<{
        eventId: string;
        outcome?: string;
        error?: string;
      }> = [];
      const auditor = mockServices.auditor.mock({
        createEvent: async ({ eventId }) => {
          const event: (typeof events)[number] = { eventId };
          events.push(event);
          return {
            success: async () => {
              event.outcome = 'success';
            },
            fail: async ({ error }) => {
              event.outcome = 'fail';
              event.error = error.message;
            },
          };
        },
      });
      const server = await startReadinessBackend({
        knex: await databases.init(id),
        entities,
        features: [auditor.factory],
      });

      // A non-admin learns nothing about the body: 403 first, and the refusal is audited.
      const denied = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.owner))
        .send({ ...drills, id: 'Not An Id', bogus: 1 });
      expect(denied.status).toBe(403);
      expect(events).toEqual([
        {
          eventId: 'initiative-create',
          outcome: 'fail',
          error: expect.stringContaining('administer readiness'),
        },
      ]);
      const deniedPut = await request(server)
        .put('/api/readiness/initiatives/tier1-drills')
        .set(as(people.owner))
        .send({ title: 42 });
      expect(deniedPut.status).toBe(403);

      // An admin's bad body is a 400 naming the field, and a failed audit event.
      events.length = 0;
      const bad = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.admin))
        .send({ ...drills, id: 'Not An Id' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /^Invalid initiative in the request: id: /,
      );
      expect(events).toEqual([
        {
          eventId: 'initiative-create',
          outcome: 'fail',
          error: bad.body.error.message,
        },
      ]);

      // An unknown field is named (the body's schema is a $ref in the spec).
      const unknown = await request(server)
        .post('/api/readiness/initiatives')
        .set(as(people.admin))
        .send({ ...drills, bogus: 1 });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('bogus');

      events.length = 0;
      const badPut = await request(server)
        .put('/api/readiness/initiatives/tier1-drills')
        .set(as(people.admin))
        .send({ ...drills, goal: { minScore: 'high' } });
      expect(badPut.status).toBe(400);
      expect(badPut.body.error.message).toContain('goal.minScore');
      expect(events).toEqual([
        {
          eventId: 'initiative-update',
          outcome: 'fail',
          error: badPut.body.error.message,
        },
      ]);
    },
  );
});
