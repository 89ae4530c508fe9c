import { scorePlan } from '@prodready/plugin-readiness-common';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';
import { createTestStore, hasSnapshotSince } from '../__testUtils__/testStore';
import { defaultTemplate } from '../templates/defaultTemplate';

jest.setTimeout(60_000);

describe('ScoreStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'writes a snapshot only when the score moves, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const ref = 'component:default/payments';
      const empty = scorePlan(
        defaultTemplate,
        {},
        new Date('2026-01-01T00:00:00Z'),
      );
      expect(await store.scores.save(ref, empty, 'registered')).toBe(true);
      expect(
        await store.scores.save(
          ref,
          { ...empty, evaluatedAt: '2026-01-02T00:00:00.000Z' },
          'no change',
        ),
      ).toBe(false);
      expect(
        await store.scores.save(
          ref,
          { ...empty, evaluatedAt: '2026-01-03T00:00:00.000Z' },
          'daily',
          { always: true },
        ),
      ).toBe(true);
      const moved = scorePlan(
        defaultTemplate,
        {
          '1.1': {
            taskId: '1.1',
            status: 'done',
            evidence: [],
          },
        },
        new Date('2026-01-04T00:00:00Z'),
      );
      expect(await store.scores.save(ref, moved, 'task 1.1 updated')).toBe(
        true,
      );

      const history = await store.scores.history(ref);
      expect(history.map(h => [h.reason, h.overall])).toEqual([
        ['registered', 0],
        ['daily', 0],
        ['task 1.1 updated', moved.overall],
      ]);
      expect(moved.overall).toBeGreaterThan(0);
      const ranged = await store.scores.history(ref, {
        from: new Date('2026-01-02T12:00:00Z'),
      });
      expect(ranged.map(h => h.reason)).toEqual(['daily', 'task 1.1 updated']);
    },
  );
});

describe('re-evaluation and retention', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'prunes per-change snapshots older than the cutoff and keeps daily points, %p',
    async id => {
      const { knex, store } = await createTestStore(databases, id);
      const ref = 'component:default/a';
      await store.plans.upsert({
        entityRef: ref,
        templateId: 'default',
        templateVersion: 1,
        templateSnapshot: defaultTemplate,
      });
      const at = (iso: string, overall: number) => ({
        ...scorePlan(defaultTemplate, {}, new Date(iso)),
        overall,
      });
      await store.scores.save(ref, at('2026-01-01T00:00:00Z', 10), 'daily', {
        always: true,
      });
      await store.scores.save(
        ref,
        at('2026-01-01T10:00:00Z', 20),
        'task.update on 1.1',
      );
      await store.scores.save(ref, at('2026-01-02T00:00:00Z', 20), 'daily', {
        always: true,
      });
      await store.scores.save(
        ref,
        at('2026-03-01T10:00:00Z', 30),
        'task.update on 1.2',
      );
      expect(
        await hasSnapshotSince(knex, ref, new Date('2026-03-01T00:00:00Z')),
      ).toBe(true);
      expect(
        await hasSnapshotSince(knex, ref, new Date('2026-03-02T00:00:00Z')),
      ).toBe(false);

      expect(await store.scores.prune(new Date('2026-02-01T00:00:00Z'))).toBe(
        1,
      );
      expect(
        (await store.scores.history(ref)).map(h => [h.reason, h.overall]),
      ).toEqual([
        ['daily', 10],
        ['daily', 20],
        ['task.update on 1.2', 30],
      ]);
      expect(await store.plans.listActiveRefs()).toEqual([ref]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the card as a named prepared statement unless turned off, %p',
    async id => {
      const { knex, store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      const ref = 'component:default/payments';
      const names: unknown[] = [];
      const record = (q: { sql: string; options?: { name?: string } }) => {
        if (q.sql.includes('runbook_rows')) names.push(q.options?.name);
      };
      knex.on('query', record);
      try {
        // Twice on the prepared statement: the second read reuses it (same answer).
        const first = await store.scores.getCardView(ref);
        expect(first?.plan.entityRef).toBe(ref);
        expect(await store.scores.getCardView(ref)).toEqual(first);
        // Within a transaction's stores too.
        await store.inTransaction(tx => tx.scores.getCardView(ref));
        const unprepared = await DatabaseReadinessStore.create({
          database: databaseServiceFor(knex),
          preparedStatements: false,
        });
        expect(await unprepared.scores.getCardView(ref)).toEqual(first);
      } finally {
        knex.off('query', record);
      }
      expect(names).toEqual([
        'readiness_card_view',
        'readiness_card_view',
        'readiness_card_view',
        undefined,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the trend up to a day from the snapshots, and today from the current scores, %p',
    async id => {
      const { store } = await createTestStore(databases, id);
      const at = (iso: string, overall: number) => ({
        ...scorePlan(defaultTemplate, {}, new Date(iso)),
        overall,
      });
      for (const [name, yesterday, today] of [
        ['a', 40, 60],
        ['b', 20, 20],
      ] as const) {
        const ref = `component:default/${name}`;
        await store.plans.upsert({
          entityRef: ref,
          templateId: 'default',
          templateVersion: 1,
          templateSnapshot: defaultTemplate,
        });
        await store.scores.save(ref, at('2026-01-01T08:00:00Z', 10), 'daily', {
          always: true,
        });
        // the day's last snapshot counts
        await store.scores.save(
          ref,
          at('2026-01-01T20:00:00Z', yesterday),
          'x',
        );
        await store.scores.save(ref, at('2026-01-02T09:00:00Z', today), 'y', {
          always: true,
        });
      }
      expect(
        await store.scores.trend(
          {},
          new Date('2026-01-01T00:00:00Z'),
          new Date('2026-01-02T00:00:00Z'),
        ),
      ).toEqual([{ day: '2026-01-01', average: 30, services: 2, ready: 0 }]);
      expect(await store.scores.todayPoint({})).toEqual({
        average: 40,
        services: 2,
        ready: 0,
      });
      expect(
        await store.scores.todayPoint({ visible: ['component:default/b'] }),
      ).toEqual({ average: 20, services: 1, ready: 0 });
    },
  );
});
