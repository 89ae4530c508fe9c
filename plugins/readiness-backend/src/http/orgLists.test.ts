import { mockCredentials } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { component, people } from '../__testUtils__/fixtures';
import {
  registerPlans,
  startReadinessBackend,
} from '../__testUtils__/testBackend';
import { createTestDatabases } from '../__testUtils__/testDatabase';

jest.setTimeout(60_000);

const names = ['payments', 'ledger', 'checkout'];
const entities = [
  component('payments', 'payments-team', 'pay'),
  component('ledger', 'payments-team', 'pay'),
  component('checkout', 'payments-team', 'shop'),
];
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('GET /evidence/expiring', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'pages by a cursor, soonest first, every item once across equal expiries, %p',
    async id => {
      const knex = await databases.init(id);
      const server = await startReadinessBackend({ knex, entities });
      await registerPlans(server, names);
      // 7 items, four of them expiring at the same instant (ties are broken by id).
      const soon = new Date(Date.now() + 3 * 86_400_000);
      const expiries = [
        new Date(Date.now() - 86_400_000),
        soon,
        soon,
        soon,
        soon,
        new Date(Date.now() + 5 * 86_400_000),
        new Date(Date.now() + 9 * 86_400_000),
      ];
      await knex('readiness_evidence').insert(
        expiries.map((expiresAt, i) => ({
          id: randomUUID(),
          entity_ref: `component:default/${names[i % names.length]}`,
          // one task per item, so no item supersedes another
          task_id: `${1 + (i % 5)}.${1 + Math.floor(i / 5)}`,
          kind: 'link',
          url: `https://ci.example.com/${i}`,
          summary: `item ${i}`,
          source: 'manual',
          recorded_at: new Date(),
          recorded_by: people.owner,
          expires_at: expiresAt,
          trust: 'claimed',
        })),
      );
      // Expires beyond the window: never listed.
      await knex('readiness_evidence').insert({
        id: randomUUID(),
        entity_ref: 'component:default/payments',
        task_id: '4.4',
        kind: 'link',
        url: 'https://ci.example.com/late',
        summary: 'late',
        source: 'manual',
        recorded_at: new Date(),
        recorded_by: people.owner,
        expires_at: new Date(Date.now() + 60 * 86_400_000),
        trust: 'claimed',
      });

      const seen: Array<{ summary: string; expiresAt: string }> = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await request(server)
          .get(
            `/api/readiness/evidence/expiring?days=30&limit=2${
              cursor ? `&cursor=${cursor}` : ''
            }`,
          )
          .set(as(people.owner));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(4);
      expect(seen.map(e => e.summary).sort()).toEqual(
        expiries.map((_, i) => `item ${i}`).sort(),
      );
      const times = seen.map(e => Date.parse(e.expiresAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));

      // Without a limit, one bounded page (the default), still with the cursor to go on.
      const first = await request(server)
        .get('/api/readiness/evidence/expiring?days=30')
        .set(as(people.owner));
      expect(first.body.items).toHaveLength(7);
      expect(first.body.nextCursor).toBeUndefined();

      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=5000', 'limit'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
        // a cursor of the services list is not one of this list
        [
          `cursor=${Buffer.from(
            JSON.stringify({ v: 3, r: 'component:default/payments' }),
          ).toString('base64url')}`,
          'cursor',
        ],
      ]) {
        const bad = await request(server)
          .get(`/api/readiness/evidence/expiring?${query}`)
          .set(as(people.owner));
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain(field);
      }
    },
  );
});

describe('GET /blockers', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'pages by a cursor through every open P0, also within one service, with the total, %p',
    async id => {
      const knex = await databases.init(id);
      // The test edits stored scores behind the plugin's back (no score write to drop the
      // whole-catalog count it keeps), so that cache is off here.
      const server = await startReadinessBackend({
        knex,
        entities,
        config: { readiness: { rollupCacheSeconds: 0 } },
      });
      await registerPlans(server, names);
      const all = await request(server)
        .get('/api/readiness/blockers?limit=500')
        .set(as(people.owner));
      expect(all.status).toBe(200);
      // every new plan has its P0 tasks open: several per service
      expect(all.body.items.length).toBeGreaterThan(names.length * 2);
      expect(all.body.total).toBe(all.body.items.length);
      expect(all.body.nextCursor).toBeUndefined();

      const seen: any[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await request(server)
          .get(
            `/api/readiness/blockers?limit=4${
              cursor ? `&cursor=${cursor}` : ''
            }`,
          )
          .set(as(people.owner));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(4);
        expect(res.body.total).toBe(all.body.items.length);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(pages).toBe(Math.ceil(all.body.items.length / 4));
      expect(seen).toEqual(all.body.items);

      // The task a page ended on stops being a blocker before the next page is read (closed
      // with proof, say): the next page goes on after it, repeating nothing.
      const firstPage = await request(server)
        .get('/api/readiness/blockers?limit=2')
        .set(as(people.owner));
      const last = firstPage.body.items[1];
      expect(last.entityRef).toBe(firstPage.body.items[0].entityRef);
      const row = await knex('readiness_scores')
        .where({ entity_ref: last.entityRef })
        .first();
      const list = (
        typeof row.blocker_list === 'string'
          ? JSON.parse(row.blocker_list)
          : row.blocker_list
      ).filter((b: any) => b.taskId !== last.taskId);
      await knex('readiness_scores')
        .where({ entity_ref: last.entityRef })
        .update({
          blocker_list: JSON.stringify(list),
          blockers: list.length,
        });
      const rest: any[] = [];
      cursor = firstPage.body.nextCursor;
      while (cursor) {
        const res = await request(server)
          .get(`/api/readiness/blockers?limit=2&cursor=${cursor}`)
          .set(as(people.owner));
        rest.push(...res.body.items);
        cursor = res.body.nextCursor;
      }
      const key = (b: any) => `${b.entityRef}|${b.taskId}`;
      expect(rest.map(key)).toEqual(
        all.body.items
          .slice(2)
          .filter((b: any) => key(b) !== key(last))
          .map(key),
      );

      // A score stored before the list existed counts no blocker it cannot list.
      await knex('readiness_scores')
        .where({ entity_ref: all.body.items[0].entityRef })
        .update({ blocker_list: '[]' });
      const legacy = await request(server)
        .get('/api/readiness/blockers?limit=500')
        .set(as(people.owner));
      expect(legacy.body.total).toBe(legacy.body.items.length);

      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ]) {
        const bad = await request(server)
          .get(`/api/readiness/blockers?${query}`)
          .set(as(people.owner));
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain(field);
      }
    },
  );
});
