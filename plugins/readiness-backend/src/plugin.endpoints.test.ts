import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import {
  registerPlans,
  startReadinessBackend,
} from './__testUtils__/testBackend';
import { createTestDatabases } from './__testUtils__/testDatabase';
import { component, people, system } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const entities = [
  component('payments', 'payments-team', 'pay'),
  component('ledger', 'payments-team', 'pay', { tier: '1' }),
  component('checkout', 'growth-team', 'shop', { lifecycle: 'experimental' }),
  component('search', 'growth-team', 'shop'),
  system('pay', 'commerce'),
  system('shop', 'commerce'),
];

const base = '/api/readiness/entities/component/default/payments';
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('readiness API', () => {
  const databases = createTestDatabases();

  async function start(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const server = await startReadinessBackend({
      knex,
      entities,
      config: {
        readiness: {
          ci: {
            principals: [
              {
                subject: 'external:ci-payments',
                entities: ['component:default/payments'],
                tasks: ['1.2'],
              },
            ],
          },
        },
      },
    });
    // Reads never register a plan: store all four as a first write would.
    await registerPlans(server, ['payments', 'ledger', 'checkout', 'search']);
    return server;
  }

  describe.each(databases.eachSupportedId())('%p', id => {
    it('enforces the permission matrix on every write', async () => {
      const server = await start(id);
      const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const versionOf = async (taskId: string): Promise<number> =>
        (await request(server).get(base).set(as(people.owner))).body.tasks.find(
          (t: any) => t.taskId === taskId,
        )?.version ?? 0;
      // Writes that act on something (a request to grant, evidence to review) get it set
      // up by the owner first, on a task of their own, so each cell tests permissions only.
      const spare = ['2.3', '2.4', '2.5', '4.1', '4.2', '4.3', '4.4', '1.3'];
      type Send = (h: Record<string, string>) => Promise<request.Response>;
      const writes: Record<string, Send> = {
        'task update': async h =>
          request(server)
            .patch(`${base}/tasks/1.2`)
            .set(h)
            .send({ expectedVersion: await versionOf('1.2'), notes: 'x' }),
        evidence: async h =>
          request(server).post(`${base}/tasks/1.2/evidence`).set(h).send({
            kind: 'link',
            url: 'https://ci.example.com/1',
            summary: 'ok',
          }),
        review: async h => {
          const posted = await request(server)
            .post(`${base}/tasks/1.4/evidence`)
            .set(as(people.owner))
            .send({
              kind: 'link',
              url: 'https://logs.example.com',
              summary: 'logs',
            })
            .expect(201);
          return request(server)
            .post(
              `${base}/tasks/1.4/evidence/${posted.body.evidence.id}/review`,
            )
            .set(h)
            .send({ decision: 'approve' });
        },
        exemption: async h => {
          const taskId = spare.shift()!;
          await request(server)
            .post(`${base}/tasks/${taskId}/exemption-request`)
            .set(as(people.owner))
            .send({
              expectedVersion: await versionOf(taskId),
              reason: 'accepted risk',
              expiresAt: future,
            })
            .expect(200);
          return request(server)
            .put(`${base}/tasks/${taskId}/exemption`)
            .set(h)
            .send({
              expectedVersion: await versionOf(taskId),
              reason: 'accepted',
              expiresAt: future,
            });
        },
        runbook: async h =>
          request(server).post(`${base}/runbooks`).set(h).send({
            type: 'deploy',
            title: 'Deploy',
            url: 'https://rb.example.com/deploy',
          }),
        upgrade: async h =>
          request(server).post(`${base}/upgrade`).set(h).send({}),
        import: async h =>
          request(server)
            .post(`${base}/import?apply=true`)
            .set(h)
            .send({ markdown: '- [x] 1.1 Error tracking in Sentry' }),
      };
      const service = (subject: string) => ({
        Authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.service(subject),
          targetPluginId: 'readiness',
        }),
      });
      const actors: Record<string, Record<string, string>> = {
        anonymous: { Authorization: mockCredentials.none.header() },
        'unbound service': service('external:somebody'),
        'bound CI': service('external:ci-payments'),
        'other team': as(people.otherTeam),
        owner: as(people.owner),
        'reviewer in owning team': as(people.teammate),
        reviewer: as(people.reviewer),
        admin: as(people.admin),
      };
      const matrix: Record<string, Record<string, number>> = {};
      for (const [actor, headers] of Object.entries(actors)) {
        for (const [name, send] of Object.entries(writes)) {
          (matrix[name] ??= {})[actor] = (await send(headers)).status;
        }
      }
      const cells = (
        ok: number,
        overrides: Record<string, number> = {},
      ): Record<string, number> => ({
        anonymous: 401,
        'unbound service': 403,
        'bound CI': 403,
        'other team': 403,
        owner: ok,
        'reviewer in owning team': ok,
        reviewer: 403,
        admin: ok,
        ...overrides,
      });
      // Owners (a teammate holding reviewer rights is an owner too) edit their plan; a second
      // person outside the owning group reviews and grants; CI proves only its bound task.
      const secondPerson = cells(200, {
        owner: 403,
        'reviewer in owning team': 403,
        reviewer: 200,
      });
      expect(matrix).toEqual({
        'task update': cells(200),
        evidence: cells(201, { 'bound CI': 201 }),
        review: secondPerson,
        exemption: secondPerson,
        runbook: cells(201),
        upgrade: cells(200),
        import: cells(200),
      });
      const changes = await request(server)
        .get(`${base}/changes`)
        .set(as(people.owner));
      const actions: string[] = changes.body.items.map((c: any) => c.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'task.update',
          'evidence.add',
          'evidence.approve',
          'exemption.add',
          'runbook.add',
        ]),
      );
      const byActor = (a: string) =>
        changes.body.items.filter((c: any) => c.actor === a);
      expect(byActor('service:external:ci-payments')).not.toHaveLength(0);
      expect(byActor('service:external:somebody')).toHaveLength(0);
      expect(byActor(people.otherTeam)).toHaveLength(0);
    });

    it('grants, counts and revokes exemptions', async () => {
      const server = await start(id);
      const future = new Date(Date.now() + 10 * 86_400_000).toISOString();
      const before = await request(server).get(base).set(as(people.owner));
      for (const taskId of ['1.1', '1.2']) {
        await request(server)
          .post(`${base}/tasks/${taskId}/exemption-request`)
          .set(as(people.owner))
          .send({
            expectedVersion: 0,
            reason: 'Legacy SDK, replaced next quarter',
            expiresAt: future,
          })
          .expect(200);
      }
      const granted = await request(server)
        .put(`${base}/tasks/1.1/exemption`)
        .set(as(people.admin))
        .send({
          expectedVersion: 1,
          reason: 'Agreed until the SDK is replaced',
          expiresAt: future,
        });
      expect(granted.status).toBe(200);
      expect(granted.body.task.exemption).toMatchObject({
        approvedBy: people.admin,
        requestedBy: people.owner,
        reason: 'Legacy SDK, replaced next quarter',
        comment: 'Agreed until the SDK is replaced',
      });
      expect(
        granted.body.score.blockers.map((b: any) => b.taskId),
      ).not.toContain('1.1');
      expect(granted.body.score.uncapped).toBeGreaterThan(
        before.body.score.uncapped,
      );

      const tooLong = await request(server)
        .put(`${base}/tasks/1.2/exemption`)
        .set(as(people.admin))
        .send({
          expectedVersion: 1,
          reason: 'forever',
          expiresAt: '2099-01-01T00:00:00Z',
        });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toContain('expiresAt');

      const revoked = await request(server)
        .delete(`${base}/tasks/1.1/exemption?expectedVersion=2`)
        .set(as(people.owner));
      expect(revoked.status).toBe(200);
      expect(revoked.body.task.exemption).toBeUndefined();
      expect(revoked.body.score.blockers.map((b: any) => b.taskId)).toContain(
        '1.1',
      );
      const noVersion = await request(server)
        .delete(`${base}/tasks/1.1/exemption`)
        .set(as(people.owner));
      expect(noVersion.status).toBe(400);
      expect(noVersion.body.error.message).toContain('expectedVersion');
    });

    it('lets an owner request an exemption that counts only once an approver grants it', async () => {
      const server = await start(id);
      const future = new Date(Date.now() + 20 * 86_400_000).toISOString();
      const requested = await request(server)
        .post(`${base}/tasks/1.1/exemption-request`)
        .set(as(people.owner))
        .send({
          expectedVersion: 0,
          reason: 'SDK migration next sprint',
          expiresAt: future,
        });
      expect(requested.status).toBe(200);
      expect(requested.body.task.exemptionRequest).toMatchObject({
        reason: 'SDK migration next sprint',
        requestedBy: people.owner,
      });
      expect(requested.body.task.exemption).toBeUndefined();
      expect(requested.body.score.blockers.map((b: any) => b.taskId)).toContain(
        '1.1',
      );
      const other = await request(server)
        .post(`${base}/tasks/1.1/exemption-request`)
        .set(as(people.otherTeam))
        .send({ expectedVersion: 1, reason: 'not mine', expiresAt: future });
      expect(other.status).toBe(403);

      const granted = await request(server)
        .put(`${base}/tasks/1.1/exemption`)
        .set(as(people.admin))
        .send({
          expectedVersion: 1,
          reason: requested.body.task.exemptionRequest.reason,
          expiresAt: future,
        });
      expect(granted.status).toBe(200);
      expect(granted.body.task.exemptionRequest).toBeUndefined();
      expect(granted.body.task.exemption).toMatchObject({
        approvedBy: people.admin,
      });
      expect(
        granted.body.score.blockers.map((b: any) => b.taskId),
      ).not.toContain('1.1');
    });

    it('manages runbook links, keeping catalog ones read-only', async () => {
      const server = await start(id);
      const added = await request(server)
        .post(`${base}/runbooks`)
        .set(as(people.owner))
        .send({
          type: 'rollback',
          title: 'Rollback',
          url: 'https://rb.example.com/rollback',
        });
      expect(added.status).toBe(201);
      const reviewed = await request(server)
        .patch(`${base}/runbooks/${added.body.id}`)
        .set(as(people.owner))
        .send({ lastReviewedAt: '2026-11-01T00:00:00Z', title: 'Rollback v2' });
      expect(reviewed.body).toMatchObject({
        title: 'Rollback v2',
        lastReviewedAt: '2026-11-01T00:00:00.000Z',
        source: 'api',
      });

      const plan = await request(server).get(base).set(as(people.owner));
      const catalogLink = plan.body.runbooks.find(
        (r: any) => r.source === 'catalog',
      );
      const editCatalog = await request(server)
        .patch(`${base}/runbooks/${catalogLink.id}`)
        .set(as(people.owner))
        .send({ url: 'https://evil.example.com' });
      expect(editCatalog.status).toBe(400);
      const reviewCatalog = await request(server)
        .patch(`${base}/runbooks/${catalogLink.id}`)
        .set(as(people.owner))
        .send({ lastReviewedAt: '2026-11-02T00:00:00Z' });
      expect(reviewCatalog.status).toBe(200);
      const withAge = await request(server).get(base).set(as(people.owner));
      expect(
        withAge.body.runbooks.find((r: any) => r.id === catalogLink.id)
          .reviewAgeDays,
      ).toBe(
        Math.floor(
          (Date.now() - Date.parse('2026-11-02T00:00:00Z')) / 86_400_000,
        ),
      );
      expect(
        (
          await request(server)
            .delete(`${base}/runbooks/${catalogLink.id}`)
            .set(as(people.owner))
        ).status,
      ).toBe(400);
      expect(
        (
          await request(server)
            .delete(`${base}/runbooks/${added.body.id}`)
            .set(as(people.owner))
        ).status,
      ).toBe(204);
      expect(
        (
          await request(server)
            .delete(`${base}/runbooks/${added.body.id}`)
            .set(as(people.owner))
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .delete(`${base}/runbooks/not-a-uuid`)
            .set(as(people.owner))
        ).status,
      ).toBe(400);
      const badUrl = await request(server)
        .post(`${base}/runbooks`)
        .set(as(people.owner))
        .send({ type: 'dr', title: 'x', url: 'nope' });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.error.message).toContain('url');
    });

    it('rolls scores up by owner, system and domain from stored rows, with filters', async () => {
      const server = await start(id);
      // Prove ledger's P0s except one; give search an attested claim.
      for (const task of ['1.1', '2.1', '2.2', '3.6']) {
        await request(server)
          .patch(
            `/api/readiness/entities/component/default/ledger/tasks/${task}`,
          )
          .set(as(people.owner))
          .send({ expectedVersion: 0, status: 'done' })
          .expect(200);
        await request(server)
          .post(
            `/api/readiness/entities/component/default/ledger/tasks/${task}/evidence`,
          )
          .set(as(people.owner))
          .send({
            kind: 'link',
            url: 'https://ci.example.com/x',
            summary: 'ok',
          })
          .expect(201)
          // A second person's review makes the link count as proof.
          .then(posted =>
            request(server)
              .post(
                `/api/readiness/entities/component/default/ledger/tasks/${task}/evidence/${posted.body.evidence.id}/review`,
              )
              .set(as(people.reviewer))
              .send({ decision: 'approve' })
              .expect(200),
          );
      }
      const byOwner = await request(server)
        .get('/api/readiness/scores?groupBy=owner')
        .set(as(people.otherTeam));
      expect(byOwner.status).toBe(200);
      expect(
        byOwner.body.items.map((g: any) => [
          g.key,
          g.services,
          g.statusCounts.not_ready,
        ]),
      ).toEqual([
        ['group:default/growth-team', 2, 2],
        ['group:default/payments-team', 2, 2],
      ]);
      const payments = byOwner.body.items[1];
      expect(payments.blockers).toBe(5 + 1);
      expect(
        payments.distribution.reduce((a: number, b: number) => a + b, 0),
      ).toBe(2);
      expect(payments.max).toBeGreaterThan(0);

      const byDomain = await request(server)
        .get('/api/readiness/scores?groupBy=domain')
        .set(as(people.owner));
      expect(byDomain.body.items.map((g: any) => [g.key, g.services])).toEqual([
        ['domain:default/commerce', 4],
      ]);
      const bySystem = await request(server)
        .get('/api/readiness/scores?groupBy=system&lifecycle=production')
        .set(as(people.owner));
      expect(bySystem.body.items.map((g: any) => [g.key, g.services])).toEqual([
        ['system:default/pay', 2],
        ['system:default/shop', 1],
      ]);
      const bad = await request(server)
        .get('/api/readiness/scores?groupBy=planet')
        .set(as(people.owner));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('groupBy');
    });

    it('lists org blockers, the daily trend and expiring evidence', async () => {
      const server = await start(id);
      const blockers = await request(server)
        .get('/api/readiness/blockers?owner=group:default/payments-team')
        .set(as(people.owner));
      expect(blockers.status).toBe(200);
      expect(blockers.body.items).toHaveLength(10); // 5 P0s × 2 payments-team services
      expect(blockers.body.items[0]).toMatchObject({
        entityRef: 'component:default/ledger',
        owner: 'group:default/payments-team',
        taskId: '1.1',
        kind: 'open',
      });

      await request(server)
        .patch(`${base}/tasks/5.1`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, status: 'done' })
        .expect(200);
      await request(server)
        .post(`${base}/tasks/5.1/evidence`)
        .set(as(people.owner))
        .send({
          kind: 'link',
          url: 'https://ci.example.com/1',
          summary: 'green',
        })
        .expect(201);
      const trend = await request(server)
        .get('/api/readiness/trend?days=7')
        .set(as(people.owner));
      expect(trend.body.items).toHaveLength(1);
      expect(trend.body.items[0]).toMatchObject({
        day: new Date().toISOString().slice(0, 10),
        services: 4,
        ready: 0,
      });
      expect(trend.body.items[0].average).toBeGreaterThan(0);

      const expiring = await request(server)
        .get('/api/readiness/evidence/expiring?days=30')
        .set(as(people.owner));
      expect(expiring.body.items).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/payments',
          taskId: '5.1',
          summary: 'green',
        }),
      ]);
      const none = await request(server)
        .get('/api/readiness/evidence/expiring?days=7')
        .set(as(people.owner));
      expect(none.body.items).toEqual([]);
      const bad = await request(server)
        .get('/api/readiness/trend?days=0')
        .set(as(people.owner));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('days');
    });

    it('pages through services with a cursor, sorted and filtered', async () => {
      const server = await start(id);
      await request(server)
        .patch(`${base}/tasks/1.2/`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, status: 'done' });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await request(server)
          .get(
            `/api/readiness/services?sort=overall&order=desc&limit=3${
              cursor ? `&cursor=${cursor}` : ''
            }`,
          )
          .set(as(people.owner));
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(4);
        seen.push(...res.body.items.map((i: any) => i.entityRef));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(2);
      expect(seen[0]).toBe('component:default/payments');
      expect(new Set(seen).size).toBe(4);

      const filtered = await request(server)
        .get('/api/readiness/services?owner=group:default/growth-team&tier=2')
        .set(as(people.owner));
      expect(filtered.body.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/checkout',
        'component:default/search',
      ]);
      const badCursor = await request(server)
        .get('/api/readiness/services?cursor=garbage')
        .set(as(people.owner));
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.message).toContain('cursor');
      const badLimit = await request(server)
        .get('/api/readiness/services?limit=5000')
        .set(as(people.owner));
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain('limit');
    });

    it('answers the CI gate for services and users, with 412 and reasons on failure', async () => {
      const server = await start(id);
      const fail = await request(server)
        .get(`${base}/gate?minScore=80`)
        .set({
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ci-payments'),
            targetPluginId: 'readiness',
          }),
        });
      expect(fail.status).toBe(412);
      expect(fail.body).toMatchObject({
        pass: false,
        minScore: 80,
        status: 'not_ready',
      });
      expect(fail.body.reasons[0]).toMatch(/^5 open P0 blocker\(s\): 1.1 /);
      expect(fail.body.reasons[1]).toBe('score 0 is below the required 80');
      const open = await request(server)
        .get(`${base}/gate`)
        .set(as(people.owner));
      expect(open.status).toBe(412);
      const bad = await request(server)
        .get(`${base}/gate?minScore=high`)
        .set(as(people.owner));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('minScore');
      // A minimum phase stage: nothing is proven, so stage 0 of 5 is below 2.
      const staged = await request(server)
        .get(`${base}/gate?minStage=2`)
        .set(as(people.owner));
      expect(staged.status).toBe(412);
      expect(staged.body).toMatchObject({
        minStage: 2,
        stage: { reached: 0, of: 5 },
      });
      expect(staged.body.reasons).toContain(
        'stage 0 of 5 is below the required 2',
      );
      const badStage = await request(server)
        .get(`${base}/gate?minStage=1.5`)
        .set(as(people.owner));
      expect(badStage.status).toBe(400);
      expect(badStage.body.error.message).toContain('minStage');
    });

    it('previews and applies a markdown report; claims count half', async () => {
      const server = await start(id);
      const markdown = fs.readFileSync(
        path.join(
          __dirname,
          'import',
          '__fixtures__',
          'dance-studio-platform.md',
        ),
        'utf8',
      );
      const preview = await request(server)
        .post(`${base}/import`)
        .set(as(people.otherTeam))
        .set('Content-Type', 'text/markdown')
        .send(markdown);
      expect(preview.status).toBe(200);
      expect(preview.body.phases).toHaveLength(4);
      expect(preview.body.claimedScore).toBe(70);
      expect(preview.body.evidenceBasedScore).toBeLessThan(
        preview.body.claimedScore,
      );
      const untouched = await request(server).get(base).set(as(people.owner));
      expect(untouched.body.tasks).toEqual([]);

      const applied = await request(server)
        .post(`${base}/import?apply=true`)
        .set(as(people.owner))
        .send({ markdown });
      expect(applied.status).toBe(200);
      expect(applied.body.applied).toEqual(
        expect.arrayContaining([
          { taskId: '1.1', status: 'done' },
          { taskId: '1.2', status: 'in_progress' },
        ]),
      );
      const after = await request(server).get(base).set(as(people.owner));
      const t11 = after.body.tasks.find((t: any) => t.taskId === '1.1');
      expect(t11.evidence[0]).toMatchObject({ kind: 'attestation' });
      expect(
        after.body.score.tasks.find((t: any) => t.taskId === '1.1'),
      ).toMatchObject({ kind: 'attested', earned: 7.5 });

      const garbage = await request(server)
        .post(`${base}/import`)
        .set(as(people.owner))
        .send({ markdown: '\u0000\u0001 not a report' });
      expect(garbage.status).toBe(200);
      expect(garbage.body.warnings.join(' ')).toMatch(/No tasks found/);
      const empty = await request(server)
        .post(`${base}/import`)
        .set(as(people.owner))
        .send({});
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('markdown');
    });

    it("applies the user's corrections of the mapping, and names a bad one", async () => {
      const server = await start(id);
      const markdown = fs.readFileSync(
        path.join(
          __dirname,
          'import',
          '__fixtures__',
          'custom-table-report.md',
        ),
        'utf8',
      );
      const preview = await request(server)
        .post(`${base}/import`)
        .set(as(people.owner))
        .send({ markdown });
      expect(preview.status).toBe(200);
      const items = preview.body.phases.flatMap((p: any) => p.tasks);
      const byTitle = (t: string) => items.find((i: any) => i.title === t);
      // The preview says where each item is and what it maps to; unmapped ones are listed.
      expect(byTitle('Error tracking in Sentry')).toMatchObject({
        id: 'L7',
        line: 7,
        mappedTo: { taskId: '1.1' },
      });
      expect(preview.body.unmapped).toContainEqual(
        expect.objectContaining({ line: 12, text: 'Launch party' }),
      );
      expect(preview.body.templateTasks).toContainEqual({
        id: '3.1',
        title: expect.any(String),
      });

      // Leave Sentry out; the launch party is really the load test of 5.2.
      const mapping = { L7: null, L12: '5.2' };
      const corrected = await request(server)
        .post(`${base}/import`)
        .set(as(people.owner))
        .send({ markdown, mapping });
      expect(corrected.status).toBe(200);
      const ids = corrected.body.mapping.map((m: any) => m.taskId);
      expect(ids).not.toContain('1.1');
      expect(corrected.body.unmapped).toEqual([]);
      const applied = await request(server)
        .post(`${base}/import?apply=true`)
        .set(as(people.owner))
        .send({ markdown, mapping });
      expect(applied.status).toBe(200);
      expect(applied.body.applied.map((a: any) => a.taskId)).not.toContain(
        '1.1',
      );
      const after = await request(server).get(base).set(as(people.owner));
      expect(after.body.tasks.find((t: any) => t.taskId === '1.1')).toBe(
        undefined,
      );
      // "Load test 2x peak" (N/A) and the launch party (done) both map to 5.2
      expect(
        corrected.body.mapping.find((m: any) => m.taskId === '5.2').from,
      ).toEqual(['Load test 2x peak', 'Launch party']);

      for (const [bad, field] of [
        [{ L999: '1.1' }, 'mapping.L999'],
        [{ L7: '9.9' }, 'mapping.L7'],
        [{ line7: '1.1' }, 'mapping'],
        [{ L7: 5 }, 'mapping'],
      ] as const) {
        const res = await request(server)
          .post(`${base}/import?apply=true`)
          .set(as(people.owner))
          .send({ markdown, mapping: bad });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      }
    });

    it('exports markdown for a service and for the org', async () => {
      const server = await start(id);
      const one = await request(server)
        .get(`${base}/export`)
        .set(as(people.owner));
      expect(one.status).toBe(200);
      expect(one.headers['content-type']).toMatch(/text\/markdown/);
      expect(one.text).toContain(
        '# Production readiness: component:default/payments',
      );
      expect(one.text).toContain('**Status:** Not ready');
      expect(one.text).toContain('## Open P0 blockers (5)');
      const org = await request(server)
        .get('/api/readiness/export?groupBy=system')
        .set(as(people.owner));
      expect(org.text).toContain('| system:default/pay | 2 |');
      expect(org.text).toContain('| component:default/checkout |');
    });

    it('pins the template version until an explicit upgrade, which keeps task state by id', async () => {
      const knex = await databases.init(id);
      const template = (version: number, taskIds: string[]) => ({
        id: 'svc',
        version,
        title: 'Service',
        selector: { kind: ['component'] },
        dimensions: [{ id: 'ops', title: 'Ops' }],
        phases: [
          {
            id: 'p',
            title: 'P',
            tasks: taskIds.map(t => ({
              id: t,
              title: `Task ${t}`,
              dimension: 'ops',
              points: 10,
            })),
          },
        ],
      });
      const backend = async (version: number, taskIds: string[]) =>
        startReadinessBackend({
          knex,
          entities,
          config: { readiness: { templates: [template(version, taskIds)] } },
        });
      // Two backends on one database, as replicas would be during a config roll-out.
      const v1 = await backend(1, ['1.1', '1.2']);
      await request(v1).get(base).set(as(people.owner)).expect(200);
      await request(v1)
        .patch(`${base}/tasks/1.1`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, status: 'in_progress', notes: 'kept' })
        .expect(200);

      const v2 = await backend(2, ['1.1', '1.3']);
      const pinned = await request(v2).get(base).set(as(people.owner));
      expect(pinned.body.plan).toMatchObject({
        templateId: 'svc',
        templateVersion: 1,
      });
      expect(
        pinned.body.template.phases[0].tasks.map((t: any) => t.id),
      ).toEqual(['1.1', '1.2']);

      const upgraded = await request(v2)
        .post(`${base}/upgrade`)
        .set(as(people.owner))
        .send({});
      expect(upgraded.body).toEqual({
        templateId: 'svc',
        fromVersion: 1,
        toVersion: 2,
        addedTasks: ['1.3'],
        removedTasks: ['1.2'],
        changed: true,
      });
      const after = await request(v1).get(base).set(as(people.owner));
      expect(after.body.plan.templateVersion).toBe(2);
      expect(after.body.template.phases[0].tasks.map((t: any) => t.id)).toEqual(
        ['1.1', '1.3'],
      );
      expect(after.body.tasks).toEqual([
        expect.objectContaining({
          taskId: '1.1',
          notes: 'kept',
          status: 'in_progress',
        }),
      ]);
      const again = await request(v2)
        .post(`${base}/upgrade`)
        .set(as(people.owner))
        .send({});
      expect(again.body.changed).toBe(false);
    });

    it('upgrades a plan explicitly, keeping task state by id', async () => {
      const server = await start(id);
      await request(server)
        .patch(`${base}/tasks/1.1`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, notes: 'kept' })
        .expect(200);
      const res = await request(server)
        .post(`${base}/upgrade`)
        .set(as(people.owner))
        .send({});
      expect(res.body).toMatchObject({
        templateId: 'default',
        fromVersion: 3,
        toVersion: 3,
        addedTasks: [],
        removedTasks: [],
        changed: false,
      });
      const plan = await request(server).get(base).set(as(people.owner));
      expect(plan.body.tasks[0]).toMatchObject({
        taskId: '1.1',
        notes: 'kept',
      });
    });
  });
});
