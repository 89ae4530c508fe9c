import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
import { readinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(180_000);

const base = '/api/readiness/entities/component/default/payments';
const future = new Date(Date.now() + 10 * 86_400_000).toISOString();

/** Each write endpoint with a valid body; the fuzzer breaks it. */
const WRITES: Array<{
  method: 'patch' | 'post' | 'put';
  path: string;
  body: Record<string, unknown>;
}> = [
  {
    method: 'patch',
    path: `${base}/tasks/1.1`,
    body: {
      expectedVersion: 0,
      status: 'done',
      notes: 'n',
      checklist: { sdk: true },
    },
  },
  {
    method: 'post',
    path: `${base}/tasks/1.1/evidence`,
    body: {
      kind: 'link',
      url: 'https://ci.example.com/1',
      summary: 'ok',
      source: 'ci',
    },
  },
  {
    method: 'put',
    path: `${base}/tasks/1.1/exemption`,
    body: { expectedVersion: 0, reason: 'accepted', expiresAt: future },
  },
  {
    method: 'post',
    path: `${base}/tasks/1.1/exemption-request`,
    body: { expectedVersion: 0, reason: 'accepted', expiresAt: future },
  },
  {
    method: 'post',
    path: `${base}/runbooks`,
    body: { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
  },
  {
    method: 'post',
    path: `${base}/import?apply=true`,
    body: { markdown: '- [x] 1.1 Sentry' },
  },
];

const QUERIES = [
  '/api/readiness/services',
  '/api/readiness/scores',
  '/api/readiness/trend',
  '/api/readiness/blockers',
  `${base}/gate`,
  `${base}/history`,
  '/api/readiness/evidence/expiring',
];

const nasty = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE readiness_plans; --",
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '\u0000',
    '𝕏'.repeat(50),
    'NaN',
    '-1',
    '1e309',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 2_001, maxLength: 12_000 }),
);
/** Values that are never what a typed field wants (objects, arrays, null, booleans, numbers for strings…). */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.double({ noNaN: false }),
  nasty,
);

describe('bad input', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    '1 000+ generated malformed requests: no 5xx, every 4xx says what is wrong, nothing written, %p',
    async id => {
      const knex = await databases.init(id);
      const { server } = await startTestBackend({
        features: [
          readinessPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [component('payments', 'payments-team', 'pay')],
          }),
        ],
      });
      await request(server).get(base).expect(200);
      const before = await knex('readiness_change_log').count({ n: '*' });
      const statuses = new Map<number, number>();
      let sent = 0;
      const check = (res: request.Response, what: string) => {
        sent += 1;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // 413/431: Node's HTTP server refuses oversized bodies and URLs before any handler runs.
        if (res.status >= 500)
          throw new Error(
            `${what} → ${res.status}: ${JSON.stringify(res.body).slice(
              0,
              300,
            )}`,
          );
        if (res.status >= 400 && res.status !== 413 && res.status !== 431) {
          const message: string = res.body?.error?.message ?? '';
          if (!message)
            throw new Error(`${what} → ${res.status} without a message`);
          if (
            res.status === 400 &&
            !/Invalid request: \S+|Malformed entity ref: invalid \w+|Unexpected token|JSON|is not valid/i.test(
              message,
            )
          ) {
            throw new Error(
              `${what} → 400 that does not name the problem: ${message}`,
            );
          }
        }
        if (res.status < 400 && what.startsWith('WRITE'))
          throw new Error(`${what} was accepted: ${res.status}`);
      };

      // 1. Write bodies broken three ways: a field of the wrong type, an unknown field, or junk.
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: WRITES.length - 1 }),
          fc.oneof(
            fc.record({
              kind: fc.constant('wrong-type' as const),
              value: wrongValue,
              pick: fc.nat(),
            }),
            fc.record({
              kind: fc.constant('unknown-field' as const),
              key: fc
                .string({ minLength: 1, maxLength: 20 })
                .filter(
                  k =>
                    ![
                      'expectedVersion',
                      'status',
                      'notes',
                      'checklist',
                      'kind',
                      'url',
                      'summary',
                      'source',
                      'reason',
                      'expiresAt',
                      'type',
                      'title',
                      'markdown',
                      'assignee',
                      'lastReviewedAt',
                      '__proto__',
                    ].includes(k),
                ),
              value: fc.anything().filter(v => v !== undefined),
            }),
            fc.record({
              kind: fc.constant('junk' as const),
              value: fc.oneof(
                fc.string(),
                fc.integer(),
                fc.array(fc.anything(), { maxLength: 3 }),
                fc.constant(null),
              ),
            }),
          ),
          async (i, mutation) => {
            const w = WRITES[i];
            let body: unknown = { ...w.body };
            if (mutation.kind === 'wrong-type') {
              const keys = Object.keys(w.body);
              const key = keys[mutation.pick % keys.length];
              // A string is still a valid value for free-text fields, so only non-strings there.
              // What the server will see (JSON turns NaN and Infinity into null).
              const onWire = JSON.parse(
                JSON.stringify({ v: mutation.value ?? null }),
              ).v;
              // Free text accepts any string (notes also null), a checklist any boolean map: use a number there.
              const freeText = [
                'notes',
                'summary',
                'reason',
                'title',
                'markdown',
              ].includes(key);
              const lenient =
                (freeText && (typeof onWire === 'string' || onWire === null)) ||
                (key === 'checklist' &&
                  typeof onWire === 'object' &&
                  onWire !== null &&
                  !Array.isArray(onWire)) ||
                // Any integer is a well-formed version (a stale one gets 409).
                (key === 'expectedVersion' && Number.isInteger(onWire));
              const value = lenient ? 42 : onWire;
              if (
                typeof value === 'string' &&
                key === 'status' &&
                [
                  'todo',
                  'in_progress',
                  'done',
                  'blocked',
                  'not_applicable',
                ].includes(value)
              )
                return;
              (body as any)[key] = value;
            } else if (mutation.kind === 'unknown-field') {
              (body as any)[mutation.key] = mutation.value;
            } else {
              body = mutation.value;
            }
            const res = await request(server)
              [w.method](w.path)
              .set('Content-Type', 'application/json')
              .send(JSON.stringify(body));
            check(
              res,
              `WRITE ${w.method.toUpperCase()} ${w.path} ${JSON.stringify(
                body,
              )?.slice(0, 120)}`,
            );
          },
        ),
        {
          numRuns: 700,
          seed: Number(process.env.FC_SEED ?? 20261125),
          endOnFailure: true,
        },
      );

      // 2. Malformed entity refs in the path, and broken query strings.
      await fc.assert(
        fc.asyncProperty(fc.tuple(nasty, nasty, nasty), async ([k, n, m]) => {
          const path = `/api/readiness/entities/${encodeURIComponent(
            k,
          )}/${encodeURIComponent(n)}/${encodeURIComponent(m)}`;
          check(await request(server).get(path), `GET ${path.slice(0, 120)}`);
        }),
        {
          numRuns: 150,
          seed: Number(process.env.FC_SEED ?? 20261125),
          endOnFailure: true,
        },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...QUERIES),
          fc.constantFrom(
            'limit',
            'groupBy',
            'days',
            'minScore',
            'cursor',
            'from',
            'sort',
            'order',
            'status',
            'apply',
            'bogus',
          ),
          nasty,
          async (path, key, value) => {
            const res = await request(server)
              .get(path)
              .query({ [key]: value });
            check(res, `GET ${path}?${key}=${String(value).slice(0, 40)}`);
          },
        ),
        {
          numRuns: 200,
          seed: Number(process.env.FC_SEED ?? 20261125),
          endOnFailure: true,
        },
      );

      // 3. Oversized bodies are refused, not buffered.
      for (const w of WRITES.slice(0, 3)) {
        const res = await request(server)
          [w.method](w.path)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ ...w.body, notes: 'x'.repeat(1_200_000) }));
        sent += 1;
        expect(res.status).toBe(413);
      }

      expect(sent).toBeGreaterThanOrEqual(1_000);
      expect(await knex('readiness_change_log').count({ n: '*' })).toEqual(
        before,
      );
      expect(await knex('readiness_task_states').count({ n: '*' })).toEqual([
        { n: '0' },
      ]);
      expect(await knex('readiness_evidence').count({ n: '*' })).toEqual([
        { n: '0' },
      ]);
      // eslint-disable-next-line no-console
      console.log(
        `bad input: ${sent} requests, statuses ${JSON.stringify(
          Object.fromEntries(statuses),
        )}`,
      );
    },
  );
});
