import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  registerPlans,
  startReadinessBackend,
} from './__testUtils__/testBackend';
import { createTestDatabases } from './__testUtils__/testDatabase';
import { component, people, system } from './__testUtils__/fixtures';
import { defaultTemplate } from './templates/defaultTemplate';

jest.setTimeout(120_000);

/**
 * The trust model through HTTP on real Postgres: a team cannot raise its own score on its
 * word, a second person's review or a bound CI principal can.
 */
const entities = [
  component('payments', 'payments-team', 'pay'),
  component('cart', 'payments-team', 'pay'),
  system('pay', 'commerce'),
];
const entityPath = (name: string) =>
  `/api/readiness/entities/component/default/${name}`;
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const ci = (subject: string) => ({
  Authorization: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'readiness',
  }),
});
const taskIds = defaultTemplate.phases.flatMap(p => p.tasks.map(t => t.id));
const p0 = defaultTemplate.phases
  .flatMap(p => p.tasks)
  .filter(t => t.severity === 'p0')
  .map(t => t.id);
const future = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

describe('trust model', () => {
  const databases = createTestDatabases();

  async function start(id: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(id);
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
                tasks: ['5.1'],
              },
            ],
          },
        },
      },
    });
    await registerPlans(server, ['payments', 'cart']);
    return server;
  }

  async function read(server: any, name = 'payments', user = people.owner) {
    const res = await request(server).get(entityPath(name)).set(as(user));
    expect(res.status).toBe(200);
    return res.body;
  }

  async function markDone(server: any, name: string, taskId: string) {
    const { tasks } = await read(server, name);
    const v = tasks.find((t: any) => t.taskId === taskId)?.version ?? 0;
    await request(server)
      .patch(`${entityPath(name)}/tasks/${taskId}`)
      .set(as(people.owner))
      .send({ expectedVersion: v, status: 'done' })
      .expect(200);
  }

  function postEvidence(
    server: any,
    name: string,
    taskId: string,
    body: object,
    headers = as(people.owner),
  ) {
    return request(server)
      .post(`${entityPath(name)}/tasks/${taskId}/evidence`)
      .set(headers)
      .send(body);
  }

  /** Owner posts a link, a second person approves it. */
  async function proveByReview(server: any, name: string, taskId: string) {
    const posted = await postEvidence(server, name, taskId, {
      kind: 'document',
      url: `https://docs.example.com/${name}/${taskId}`,
      summary: `Proof of ${taskId}`,
    });
    expect(posted.status).toBe(201);
    await request(server)
      .post(
        `${entityPath(name)}/tasks/${taskId}/evidence/${
          posted.body.evidence.id
        }/review`,
      )
      .set(as(people.reviewer))
      .send({ decision: 'approve' })
      .expect(200);
  }

  describe.each(databases.eachSupportedId())('%p', id => {
    it('the owner alone cannot lift a service with an open P0 out of Not ready', async () => {
      const server = await start(id);
      const name = 'cart';

      // Client-chosen provenance is refused, naming the field.
      const check = await postEvidence(server, name, '5.1', {
        kind: 'check',
        url: 'https://example.com/trust-me',
        summary: 'green',
      });
      expect(check.status).toBe(400);
      expect(check.body.error.message).toMatch(/kind/);
      const source = await postEvidence(server, name, '5.1', {
        kind: 'link',
        source: 'ci',
        url: 'https://example.com/trust-me',
        summary: 'green',
      });
      expect(source.status).toBe(400);
      expect(source.body.error.message).toMatch(/source/);

      // Not applicable is not a status the owner sets.
      const na = await request(server)
        .patch(`${entityPath(name)}/tasks/2.2`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, status: 'not_applicable' });
      expect(na.status).toBe(400);
      expect(na.body.error.message).toMatch(/status/);

      // Every task done, with every kind of evidence a person can post.
      for (const taskId of taskIds) {
        await markDone(server, name, taskId);
        for (const kind of ['link', 'commit', 'document']) {
          const res = await postEvidence(server, name, taskId, {
            kind,
            url: `https://example.com/${taskId}/${kind}`,
            summary: `${kind} for ${taskId}`,
          });
          expect(res.status).toBe(201);
          expect(res.body.evidence.trust).toBe('claimed');
        }
        await postEvidence(server, name, taskId, {
          kind: 'attestation',
          summary: 'trust me',
        }).expect(201);
      }

      // Runbook links of every type (the runbook checks only see declarations).
      for (const type of ['dr', 'incident', 'rollback', 'deploy']) {
        await request(server)
          .post(`${entityPath(name)}/runbooks`)
          .set(as(people.owner))
          .send({ type, title: type, url: `https://rb.example.com/${type}` })
          .expect(201);
      }

      // A markdown report claiming everything.
      await request(server)
        .post(`${entityPath(name)}/import?apply=true`)
        .set(as(people.owner))
        .send({
          markdown: taskIds.map(t => `- [x] ${t} done and verified`).join('\n'),
        })
        .expect(200);

      // A self-granted exemption is refused; an exemption request stays a request, and a
      // P0 cannot be asked to be "not applicable".
      const { tasks } = await read(server, name);
      const version = (t: string) =>
        tasks.find((x: any) => x.taskId === t)?.version ?? 0;
      await request(server)
        .put(`${entityPath(name)}/tasks/5.1/exemption`)
        .set(as(people.owner))
        .send({
          expectedVersion: version('5.1'),
          reason: 'ship it',
          expiresAt: future(),
        })
        .expect(403);
      const naP0 = await request(server)
        .post(`${entityPath(name)}/tasks/5.1/exemption-request`)
        .set(as(people.owner))
        .send({
          expectedVersion: version('5.1'),
          reason: 'does not apply',
          expiresAt: future(),
          notApplicable: true,
        });
      expect(naP0.status).toBe(400);
      await request(server)
        .post(`${entityPath(name)}/tasks/2.1/exemption-request`)
        .set(as(people.owner))
        .send({
          expectedVersion: version('2.1'),
          reason: 'accepted risk',
          expiresAt: future(),
        })
        .expect(200);
      // A teammate holding the approver permission is still in the owning group.
      const fresh = await read(server, name);
      await request(server)
        .put(`${entityPath(name)}/tasks/2.1/exemption`)
        .set(as(people.teammate))
        .send({
          expectedVersion: fresh.tasks.find((x: any) => x.taskId === '2.1')
            .version,
          reason: 'fine by me',
          expiresAt: future(),
        })
        .expect(403);

      // ...nor review the owner's evidence.
      const own = fresh.tasks.find((x: any) => x.taskId === '5.1').evidence[0];
      for (const user of [people.owner, people.teammate]) {
        await request(server)
          .post(`${entityPath(name)}/tasks/5.1/evidence/${own.id}/review`)
          .set(as(user))
          .send({ decision: 'approve' })
          .expect(403);
      }

      const after = await read(server, name);
      expect(after.score.status).toBe('not_ready');
      expect(after.score.overall).toBeLessThanOrEqual(59);
      expect(after.score.blockers.map((b: any) => b.taskId).sort()).toEqual(
        [...p0].sort(),
      );
      // At most half the points of every task the owner proved on their own.
      for (const t of after.score.tasks) {
        expect(t.earned).toBeLessThanOrEqual(t.possible / 2);
      }
      const gate = await request(server)
        .get(`${entityPath(name)}/gate?minScore=0`)
        .set(as(people.owner));
      expect(gate.status).toBe(412);
      expect(gate.body.pass).toBe(false);
    });

    it('the reference report: everything proven but the build, then CI proves the build', async () => {
      const server = await start(id);
      for (const taskId of taskIds.filter(t => t !== '5.1')) {
        await markDone(server, 'payments', taskId);
        await proveByReview(server, 'payments', taskId);
      }
      await markDone(server, 'payments', '5.1');
      const claimed = await read(server);
      expect(claimed.score.status).toBe('not_ready');
      expect(claimed.score.overall).toBe(59);
      expect(claimed.score.blockers).toEqual([
        expect.objectContaining({ taskId: '5.1', kind: 'attested' }),
      ]);
      await request(server)
        .get(`${entityPath('payments')}/gate?minScore=90`)
        .set(ci('external:ci-payments'))
        .expect(412);

      const build = await postEvidence(
        server,
        'payments',
        '5.1',
        {
          kind: 'link',
          url: 'https://ci.example.com/payments/runs/42',
          summary: 'main build #42 green',
        },
        ci('external:ci-payments'),
      );
      expect(build.status).toBe(201);
      expect(build.body.evidence).toMatchObject({
        trust: 'verified',
        source: 'ci',
        recordedBy: 'service:external:ci-payments',
      });
      const proven = await read(server);
      expect(proven.score.status).toBe('ready');
      expect(proven.score.overall).toBe(100);
      await request(server)
        .get(`${entityPath('payments')}/gate?minScore=90`)
        .set(ci('external:ci-payments'))
        .expect(200);
    });

    it('binds CI principals to their entities and tasks', async () => {
      const server = await start(id);
      const body = {
        kind: 'link',
        url: 'https://ci.example.com/runs/1',
        summary: 'green',
      };
      const bound = ci('external:ci-payments');
      // A bare attestation is a claim, whoever sends it.
      const said = await postEvidence(
        server,
        'payments',
        '5.1',
        { kind: 'attestation', summary: 'trust the pipeline' },
        bound,
      );
      expect(said.body.evidence).toMatchObject({ trust: 'claimed' });
      const statuses = [
        await postEvidence(server, 'payments', '5.1', body, bound),
        await postEvidence(server, 'cart', '5.1', body, bound),
        await postEvidence(server, 'payments', '2.1', body, bound),
        await postEvidence(
          server,
          'payments',
          '5.1',
          body,
          ci('external:someone-else'),
        ),
      ].map(r => r.status);
      expect(statuses).toEqual([201, 403, 403, 403]);
      // Service principals read their own entities and gates, not org-wide lists or others.
      await request(server)
        .get(`${entityPath('payments')}/gate`)
        .set(bound)
        .expect(412);
      await request(server)
        .get(`${entityPath('cart')}/gate`)
        .set(bound)
        .expect(403);
      await request(server)
        .get('/api/readiness/services')
        .set(bound)
        .expect(403);
    });

    it('a second person reviews, approves or rejects; the queue shows what awaits them', async () => {
      const server = await start(id);
      await markDone(server, 'payments', '1.2');
      const before = await read(server);
      const half = before.score.tasks.find((t: any) => t.taskId === '1.2');
      expect(half.kind).toBe('attested');
      const posted = await postEvidence(server, 'payments', '1.2', {
        kind: 'link',
        url: 'https://grafana.example.com/d/payments',
        summary: 'Dashboard',
      });
      const second = await postEvidence(server, 'payments', '1.4', {
        kind: 'link',
        url: 'https://logs.example.com/payments',
        summary: 'Logs',
      });
      expect(posted.body.evidence.review).toEqual({ state: 'pending' });

      const queue = await request(server)
        .get('/api/readiness/reviews')
        .set(as(people.reviewer))
        .expect(200);
      expect(queue.body.items.map((i: any) => i.evidence.id).sort()).toEqual(
        [posted.body.evidence.id, second.body.evidence.id].sort(),
      );
      // The submitter's team sees nothing to review.
      const ownQueue = await request(server)
        .get('/api/readiness/reviews')
        .set(as(people.teammate))
        .expect(200);
      expect(ownQueue.body.items).toEqual([]);

      const reviewPath = (taskId: string, evidenceId: string) =>
        `${entityPath(
          'payments',
        )}/tasks/${taskId}/evidence/${evidenceId}/review`;
      const approved = await request(server)
        .post(reviewPath('1.2', posted.body.evidence.id))
        .set(as(people.reviewer))
        .send({ decision: 'approve' })
        .expect(200);
      expect(approved.body.evidence).toMatchObject({
        trust: 'reviewed',
        review: { state: 'approved', reviewedBy: people.reviewer },
      });
      const full = approved.body.score.tasks.find(
        (t: any) => t.taskId === '1.2',
      );
      expect(full).toMatchObject({ kind: 'proven', earned: full.possible });

      const noComment = await request(server)
        .post(reviewPath('1.4', second.body.evidence.id))
        .set(as(people.reviewer))
        .send({ decision: 'reject' });
      expect(noComment.status).toBe(400);
      expect(noComment.body.error.message).toMatch(/comment/);
      const rejected = await request(server)
        .post(reviewPath('1.4', second.body.evidence.id))
        .set(as(people.reviewer))
        .send({ decision: 'reject', comment: 'Link is a 404' })
        .expect(200);
      expect(rejected.body.evidence).toMatchObject({
        trust: 'claimed',
        review: { state: 'rejected', comment: 'Link is a 404' },
      });
      const empty = await request(server)
        .get('/api/readiness/reviews')
        .set(as(people.reviewer))
        .expect(200);
      expect(empty.body.items).toEqual([]);
      // A decided review cannot be flipped.
      await request(server)
        .post(reviewPath('1.4', second.body.evidence.id))
        .set(as(people.reviewer))
        .send({ decision: 'approve' })
        .expect(409);
    });

    it('not applicable and exemptions need a request and a different approver', async () => {
      const server = await start(id);
      // Without a pending request the approver cannot grant anything.
      await request(server)
        .put(`${entityPath('payments')}/tasks/4.2/exemption`)
        .set(as(people.reviewer))
        .send({ expectedVersion: 0, reason: 'ok', expiresAt: future() })
        .expect(400);
      const asked = await request(server)
        .post(`${entityPath('payments')}/tasks/4.2/exemption-request`)
        .set(as(people.owner))
        .send({
          expectedVersion: 0,
          reason: 'no personal data stored',
          expiresAt: future(),
          notApplicable: true,
        })
        .expect(200);
      const pending = (await read(server)).score.tasks.find(
        (t: any) => t.taskId === '4.2',
      );
      expect(pending.kind).toBe('open');
      // Capped duration (90 days by default).
      await request(server)
        .put(`${entityPath('payments')}/tasks/4.2/exemption`)
        .set(as(people.reviewer))
        .send({
          expectedVersion: asked.body.task.version,
          reason: 'agreed',
          expiresAt: new Date(Date.now() + 120 * 86_400_000).toISOString(),
        })
        .expect(400);
      const granted = await request(server)
        .put(`${entityPath('payments')}/tasks/4.2/exemption`)
        .set(as(people.reviewer))
        .send({
          expectedVersion: asked.body.task.version,
          reason: 'agreed',
          expiresAt: future(),
        })
        .expect(200);
      expect(granted.body.task.exemption).toMatchObject({
        notApplicable: true,
        approvedBy: people.reviewer,
        requestedBy: people.owner,
      });
      const na = granted.body.score.tasks.find((t: any) => t.taskId === '4.2');
      expect(na).toMatchObject({ kind: 'not_applicable', possible: 0 });
      const changes = await request(server)
        .get(`${entityPath('payments')}/changes`)
        .set(as(people.owner))
        .expect(200);
      expect(changes.body.items.map((c: any) => c.action)).toEqual(
        expect.arrayContaining(['exemption.request', 'exemption.add']),
      );
    });

    it('gates strictly by default and refuses non-http URLs and NUL bytes', async () => {
      const server = await start(id);
      for (const [path, body] of [
        [
          `${entityPath('payments')}/tasks/1.2/evidence`,
          { kind: 'link', url: `${'javascript'}:alert(1)`, summary: 'x' },
        ],
        [
          `${entityPath('payments')}/runbooks`,
          { type: 'dr', title: 'DR', url: 'data:text/html,<b>x</b>' },
        ],
      ] as const) {
        const res = await request(server)
          .post(path)
          .set(as(people.owner))
          .send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/url/);
      }
      for (const q of ['groupBy=owner&owner=%00', 'groupBy=owner&owner[a]=b']) {
        const res = await request(server)
          .get(`/api/readiness/scores?${q}`)
          .set(as(people.owner));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/owner/);
      }
      const cursor = await request(server)
        .get('/api/readiness/services?cursor[x]=1')
        .set(as(people.owner));
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.message).toMatch(/cursor/);

      // Everything proven except four tasks: At risk, which a release gate refuses.
      const open = ['1.2', '1.3', '1.4', '2.3'];
      for (const taskId of taskIds.filter(t => !open.includes(t))) {
        await markDone(server, 'payments', taskId);
        await proveByReview(server, 'payments', taskId);
      }
      const { score } = await read(server);
      expect(score.status).toBe('at_risk');
      const strict = await request(server)
        .get(`${entityPath('payments')}/gate?minScore=50`)
        .set(as(people.owner))
        .expect(412);
      expect(strict.body.reasons.join(' ')).toMatch(/at_risk/);
      await request(server)
        .get(`${entityPath('payments')}/gate?minScore=50&allowAtRisk=true`)
        .set(as(people.owner))
        .expect(200);
    });

    it('answers NUL characters in bodies and forged cursors with a 400 naming the field', async () => {
      const server = await start(id);
      const nul = 'a\u0000b';
      const cases: Array<[string, string, object, RegExp]> = [
        [
          'patch',
          `${entityPath('cart')}/tasks/3.4`,
          { expectedVersion: 0, notes: nul },
          /notes/,
        ],
        [
          'post',
          `${entityPath('cart')}/tasks/3.4/evidence`,
          { kind: 'attestation', summary: nul },
          /summary/,
        ],
        [
          'post',
          `${entityPath('cart')}/runbooks`,
          { type: 'other', title: nul, url: 'https://rb.example.com/x' },
          /title/,
        ],
        [
          'post',
          `${entityPath('cart')}/tasks/3.4/exemption-request`,
          { expectedVersion: 0, reason: `ab${nul}cd`, expiresAt: future() },
          /reason/,
        ],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await (request(server) as any)
          [method](path)
          .set(as(people.owner))
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.error.message).toMatch(field);
      }
      // A body nested far deeper than any request needs, under the size limit.
      const deep = await request(server)
        .patch(`${entityPath('cart')}/tasks/3.4`)
        .set(as(people.owner))
        .set('Content-Type', 'application/json')
        .send(
          `{"expectedVersion":0,"notes":${'['.repeat(100_000)}${']'.repeat(
            100_000,
          )}}`,
        );
      expect(deep.status).toBe(400);
      // Offsets zod accepts but no Date can hold.
      const offset = await request(server)
        .post(`${entityPath('cart')}/tasks/3.4/exemption-request`)
        .set(as(people.owner))
        .send({
          expectedVersion: 0,
          reason: 'accepted risk',
          expiresAt: '2027-01-01T00:00:00+99:99',
        });
      expect(offset.status).toBe(400);
      expect(offset.body.error.message).toMatch(/expiresAt/);
      const history = await request(server)
        .get(`${entityPath('cart')}/history?from=2026-01-01T00:00:00%2B99:99`)
        .set(as(people.owner));
      expect(history.status).toBe(400);
      expect(history.body.error.message).toMatch(/from/);
      const cursor = (c: object) =>
        Buffer.from(JSON.stringify(c)).toString('base64url');
      for (const q of [
        `cursor=${cursor({ v: 'abc', r: 'x' })}`,
        `sort=computedAt&cursor=${cursor({ v: '2026-13-45', r: 'x' })}`,
        `sort=blockers&cursor=${cursor({ v: { a: 1 }, r: 'x' })}`,
      ]) {
        const res = await request(server)
          .get(`/api/readiness/services?${q}`)
          .set(as(people.owner));
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
        expect(res.body.error.message).toMatch(/cursor/);
      }
    });

    it('keeps service principals to the plans they are bound to, on every read', async () => {
      const server = await start(id);
      const rogue = ci('external:ci-rogue');
      const bound = ci('external:ci-payments');
      for (const path of ['', '/history', '/changes', '/export', '/gate']) {
        const res = await request(server)
          .get(`${entityPath('cart')}${path}`)
          .set(bound);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        const ok = await request(server)
          .get(`${entityPath('payments')}${path}`)
          .set(bound);
        expect({ path, status: ok.status }).toEqual({
          path,
          status: path === '/gate' ? 412 : 200,
        });
      }
      const preview = await request(server)
        .post(`${entityPath('payments')}/import`)
        .set(bound)
        .send({ markdown: '- [x] 1.1 done' });
      expect(preview.status).toBe(403);
      // An unbound token learns nothing, not even whether an entity exists.
      const missing = await postEvidence(
        server,
        'no-such-service',
        '5.1',
        { kind: 'link', url: 'https://ci.example.com/1', summary: 'x' },
        rogue,
      );
      expect(missing.status).toBe(403);
    });

    it('reads never write: an unregistered service is previewed, registered by a job or a write', async () => {
      const knex = await databases.init(id);
      const server = await startReadinessBackend({ knex, entities });
      const rows = async (table: string) =>
        Number((await knex(table).count({ n: '*' }).first())?.n ?? 0);
      const plans = () => rows('readiness_plans');
      // Every table a read could write to.
      const written = async () =>
        Object.fromEntries(
          await Promise.all(
            [
              'readiness_plans',
              'readiness_task_states',
              'readiness_evidence',
              'readiness_runbook_links',
              'readiness_scores',
              'readiness_score_snapshots',
              'readiness_change_log',
              'readiness_notifications_sent',
            ].map(async t => [t, await rows(t)]),
          ),
        );
      const before = await written();
      const preview = await read(server, 'cart');
      expect(preview).toMatchObject({
        pending: true,
        score: { status: 'not_ready' },
      });
      await request(server)
        .get(`${entityPath('cart')}/gate`)
        .set(as(people.owner))
        .expect(412);
      await request(server)
        .get(`${entityPath('cart')}/export`)
        .set(as(people.owner))
        .expect(200);
      expect(await written()).toEqual(before);
      expect(await plans()).toBe(0);

      // A write registers the plan first, then applies.
      await request(server)
        .patch(`${entityPath('cart')}/tasks/1.2`)
        .set(as(people.owner))
        .send({ expectedVersion: 0, status: 'in_progress' })
        .expect(200);
      expect(await plans()).toBe(1);
      const registered = await read(server, 'cart');
      expect(registered.pending).toBeUndefined();
      expect(registered.tasks.find((t: any) => t.taskId === '1.2').status).toBe(
        'in_progress',
      );
    });

    it("keeps sub-teams, a user owner's teammates and unknown owners out of reviews", async () => {
      const knex = await databases.init(id);
      const group = (name: string, parent?: string) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name, namespace: 'default' },
        spec: { type: 'team', children: [] },
        relations: parent
          ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
          : [],
      });
      const alice = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'alice', namespace: 'default' },
        spec: { memberOf: ['payments-team'] },
        relations: [
          { type: 'memberOf', targetRef: 'group:default/payments-team' },
        ],
      };
      const personal = component('personal', 'payments-team', 'pay');
      personal.relations = [
        { type: 'ownedBy', targetRef: people.owner },
        { type: 'partOf', targetRef: 'system:default/pay' },
      ];
      const orphan = component('orphan', 'payments-team', 'pay');
      orphan.relations = [{ type: 'partOf', targetRef: 'system:default/pay' }];
      const server = await startReadinessBackend({
        knex,
        entities: [
          ...entities,
          personal,
          orphan,
          alice,
          group('payments-team', 'engineering'),
          group('payments-sre', 'payments-team'),
          group('engineering'),
        ],
      });
      await registerPlans(server, ['payments', 'personal', 'orphan']);
      const submit = async (name: string, user = people.owner) =>
        (
          await postEvidence(
            server,
            name,
            '1.2',
            {
              kind: 'link',
              url: 'https://grafana.example.com/x',
              summary: 'dashboard',
            },
            as(user),
          ).expect(201)
        ).body.evidence.id;
      const review = (name: string, evidenceId: string, user: string) =>
        request(server)
          .post(`${entityPath(name)}/tasks/1.2/evidence/${evidenceId}/review`)
          .set(as(user))
          .send({ decision: 'approve' });

      // A member of a sub-team of the owning group is in the owning group.
      const own = await submit('payments');
      expect((await review('payments', own, people.subTeam)).status).toBe(403);
      const queue = await request(server)
        .get('/api/readiness/reviews')
        .set(as(people.subTeam))
        .expect(200);
      expect(queue.body.items).toEqual([]);
      // A service owned by a person: their teammates are not a second person.
      const mine = await submit('personal');
      expect((await review('personal', mine, people.teammate)).status).toBe(
        403,
      );
      // No owner: separation cannot be shown, so nobody outside the admins' override reviews.
      const nobody = await submit('orphan', people.admin);
      expect((await review('orphan', nobody, people.reviewer)).status).toBe(
        403,
      );
      // Someone really outside reviews.
      expect((await review('payments', own, people.reviewer)).status).toBe(200);
      expect((await review('personal', mine, people.reviewer)).status).toBe(
        200,
      );
    });

    it('50 concurrent writers leave a stored score equal to a fresh computation', async () => {
      const server = await start(id);
      const storedOverall = async (name: string) => {
        const list = await request(server)
          .get('/api/readiness/services?limit=10')
          .set(as(people.owner))
          .expect(200);
        return list.body.items.find(
          (i: any) => i.entityRef === `component:default/${name}`,
        );
      };
      // Rounds of 50 writers on two services: status flips and evidence, so the final score
      // depends on which write's re-score is stored last.
      for (let round = 0; round < 4; round++) {
        const writes = [];
        for (const name of ['payments', 'cart']) {
          const { tasks } = await read(server, name);
          const version = (t: string) =>
            tasks.find((x: any) => x.taskId === t)?.version ?? 0;
          for (const taskId of taskIds.slice(0, 13)) {
            writes.push(
              request(server)
                .patch(`${entityPath(name)}/tasks/${taskId}`)
                .set(as(people.owner))
                .send({
                  expectedVersion: version(taskId),
                  status:
                    (round + taskIds.indexOf(taskId)) % 2 ? 'done' : 'todo',
                }),
            );
          }
          for (const taskId of taskIds.slice(13, 25)) {
            writes.push(
              postEvidence(server, name, taskId, {
                kind: 'attestation',
                summary: `claim ${taskId} round ${round}`,
              }),
            );
          }
        }
        const results = await Promise.all(writes);
        expect(results.map(r => r.status).filter(s => s >= 300)).toEqual([]);
        for (const name of ['payments', 'cart']) {
          const fresh = await read(server, name);
          const stored = await storedOverall(name);
          expect({
            round,
            name,
            overall: stored.overall,
            status: stored.status,
          }).toEqual({
            round,
            name,
            overall: fresh.score.overall,
            status: fresh.score.status,
          });
        }
      }
      const rollup = await request(server)
        .get('/api/readiness/scores?groupBy=owner')
        .set(as(people.owner))
        .expect(200);
      const team = rollup.body.items.find(
        (g: any) => g.key === 'group:default/payments-team',
      );
      const payments = (await read(server, 'payments')).score.overall;
      const cart = (await read(server, 'cart')).score.overall;
      expect(team.average).toBeCloseTo((payments + cart) / 2, 1);
    });
  });
});
