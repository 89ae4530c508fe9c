import { scorePlan } from '@prodready/plugin-readiness-common';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { DatabaseReadinessStore } from './DatabaseReadinessStore';
import { defaultTemplate } from '../templates/defaultTemplate';

jest.setTimeout(60_000);

describe('DatabaseReadinessStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseReadinessStore.create({
      database: databaseServiceFor(knex),
    });
    await store.upsertPlan({
      entityRef: 'Component:default/Payments',
      templateId: 'default',
      templateVersion: 1,
      templateSnapshot: defaultTemplate,
      owner: 'group:default/payments-team',
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'keys plans by the lower-cased ref and keeps the pinned template, %p',
    async id => {
      const { store } = await createStore(id);
      const plan = await store.upsertPlan({
        entityRef: 'component:default/payments',
        templateId: 'other',
        templateVersion: 7,
        templateSnapshot: defaultTemplate,
        owner: 'group:default/new-owner',
      });
      expect(plan).toMatchObject({
        entityRef: 'component:default/payments',
        templateId: 'default',
        templateVersion: 1,
        owner: 'group:default/new-owner',
      });
      expect(await store.getPlan('COMPONENT:default/payments')).toEqual(plan);
      expect(await store.getPlan('component:default/unknown')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'updates tasks with optimistic concurrency, %p',
    async id => {
      const { store } = await createStore(id);
      const ref = 'component:default/payments';
      const first = await store.updateTask({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 0,
        actor: 'user:default/a',
        patch: { status: 'in_progress', checklist: { sdk: true } },
      });
      expect(first).toMatchObject({
        ok: true,
        state: {
          status: 'in_progress',
          version: 1,
          checklist: { sdk: true },
          updatedBy: 'user:default/a',
        },
      });

      const second = await store.updateTask({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 1,
        actor: 'user:default/b',
        patch: { checklist: { pii: true }, notes: 'half way' },
      });
      expect(second).toMatchObject({
        ok: true,
        state: {
          status: 'in_progress',
          version: 2,
          checklist: { sdk: true, pii: true },
          notes: 'half way',
        },
      });

      const stale = await store.updateTask({
        entityRef: ref,
        taskId: '1.1',
        expectedVersion: 1,
        actor: 'user:default/c',
        patch: { status: 'done' },
      });
      expect(stale).toMatchObject({
        ok: false,
        current: {
          status: 'in_progress',
          version: 2,
          updatedBy: 'user:default/b',
        },
      });

      const log = await store.getChangeLog(ref);
      expect(log.map(l => [l.actor, l.action])).toEqual([
        ['user:default/b', 'task.update'],
        ['user:default/a', 'task.update'],
      ]);
      expect(log[0].before).toMatchObject({ version: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of two concurrent first writes win, %p',
    async id => {
      const { store } = await createStore(id);
      const write = (actor: string) =>
        store.updateTask({
          entityRef: 'component:default/payments',
          taskId: '2.1',
          expectedVersion: 0,
          actor,
          patch: { status: 'done' },
        });
      const results = await Promise.all([
        write('user:default/a'),
        write('user:default/b'),
      ]);
      expect(results.filter(r => r.ok)).toHaveLength(1);
      expect(results.filter(r => !r.ok)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores evidence, also for tasks nobody touched yet, %p',
    async id => {
      const { store } = await createStore(id);
      const ref = 'component:default/payments';
      const e = await store.addEvidence({
        entityRef: ref,
        taskId: '5.1',
        evidence: {
          kind: 'link',
          url: 'https://ci.example.com/1',
          summary: 'green build',
          source: 'ci',
          recordedAt: '2026-01-01T00:00:00.000Z',
          recordedBy: 'service:ci',
          trust: 'verified',
          expiresAt: '2026-01-15T00:00:00.000Z',
        },
      });
      const states = await store.listTaskStates(ref);
      expect(states).toEqual([
        {
          taskId: '5.1',
          status: 'todo',
          checklist: {},
          version: 0,
          evidence: [{ ...e, id: expect.any(String) }],
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a snapshot only when the score moves, %p',
    async id => {
      const { store } = await createStore(id);
      const ref = 'component:default/payments';
      const empty = scorePlan(
        defaultTemplate,
        {},
        new Date('2026-01-01T00:00:00Z'),
      );
      expect(await store.saveScore(ref, empty, 'registered')).toBe(true);
      expect(
        await store.saveScore(
          ref,
          { ...empty, evaluatedAt: '2026-01-02T00:00:00.000Z' },
          'no change',
        ),
      ).toBe(false);
      expect(
        await store.saveScore(
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
            checklist: {},
            version: 1,
            evidence: [],
          },
        },
        new Date('2026-01-04T00:00:00Z'),
      );
      expect(await store.saveScore(ref, moved, 'task 1.1 updated')).toBe(true);

      const history = await store.getHistory(ref);
      expect(history.map(h => [h.reason, h.overall])).toEqual([
        ['registered', 0],
        ['daily', 0],
        ['task 1.1 updated', moved.overall],
      ]);
      expect(moved.overall).toBeGreaterThan(0);
      const ranged = await store.getHistory(ref, {
        from: new Date('2026-01-02T12:00:00Z'),
      });
      expect(ranged.map(h => h.reason)).toEqual(['daily', 'task 1.1 updated']);
    },
  );

  it.each(databases.eachSupportedId())(
    'replaces catalog runbooks and keeps API-added ones, %p',
    async id => {
      const { knex, store } = await createStore(id);
      const ref = 'component:default/payments';
      await store.replaceCatalogRunbooks(ref, [
        { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
        {
          type: 'incident',
          title: 'Incident',
          url: 'https://rb.example.com/incident',
        },
      ]);
      await knex('readiness_runbook_links').insert({
        id: '00000000-0000-4000-8000-000000000001',
        entity_ref: ref,
        type: 'deploy',
        title: 'Deploy',
        url: 'https://rb.example.com/deploy',
        source: 'api',
      });
      await store.replaceCatalogRunbooks(ref, [
        { type: 'dr', title: 'DR', url: 'https://rb.example.com/dr' },
      ]);
      const links = await store.listRunbooks(ref);
      expect(links.map(l => [l.type, l.source])).toEqual([
        ['deploy', 'api'],
        ['dr', 'catalog'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'filters org-wide lists by more visible refs than Postgres allows bind parameters, %p',
    async id => {
      const { store } = await createStore(id);
      await store.saveScore(
        'component:default/payments',
        scorePlan(defaultTemplate, {}),
        'test',
      );
      // 70 000 refs: one `whereIn` binding each would pass the 65 535 parameter limit.
      const visible = Array.from(
        { length: 70_000 },
        (_, i) => `component:default/service-${i}`,
      ).concat('component:default/payments');
      const rollup = await store.rollup('owner', { visible });
      expect(rollup.map(g => [g.key, g.services])).toEqual([
        ['group:default/payments-team', 1],
      ]);
      const { items } = await store.listScores({
        sort: 'overall',
        order: 'asc',
        limit: 10,
        visible,
      });
      expect(items.map(r => r.entityRef)).toEqual([
        'component:default/payments',
      ]);
      const p0 = defaultTemplate.phases
        .flatMap(p => p.tasks)
        .filter(t => t.severity === 'p0');
      expect(await store.listBlockers({ visible })).toHaveLength(p0.length);
    },
  );
});

describe('phase stages in the stored scores', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    "stores each plan's stage, counts services per stage in rollups and filters by a minimum stage, %p",
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const proven = (taskIds: string[]) =>
        Object.fromEntries(
          taskIds.map(taskId => [
            taskId,
            {
              taskId,
              status: 'done' as const,
              checklist: {},
              version: 1,
              evidence: [
                {
                  id: taskId,
                  kind: 'link' as const,
                  url: 'https://ci.example.com/1',
                  summary: 'proven',
                  source: 'ci' as const,
                  trust: 'verified' as const,
                  recordedAt: new Date().toISOString(),
                  recordedBy: 'service:ci',
                },
              ],
            },
          ]),
        );
      const phase1 = defaultTemplate.phases[0].tasks
        .filter(t => t.severity !== 'p2')
        .map(t => t.id);
      for (const [name, states] of [
        ['none', {}],
        ['first', proven(phase1)],
        ['also-first', proven(phase1)],
      ] as const) {
        const ref = `component:default/${name}`;
        await store.upsertPlan({
          entityRef: ref,
          templateId: 'default',
          templateVersion: defaultTemplate.version,
          templateSnapshot: defaultTemplate,
          owner: 'group:default/team',
        });
        const score = scorePlan(defaultTemplate, states);
        await store.saveScore(ref, score, 'test');
      }
      const [team] = await store.rollup('owner', {});
      expect(team.stageCounts).toEqual([1, 2]);
      const { items, total } = await store.listScores({
        sort: 'entityRef',
        order: 'asc',
        limit: 10,
        minStage: 1,
      });
      expect(total).toBe(2);
      expect(items.map(i => [i.entityRef, i.stage])).toEqual([
        ['component:default/also-first', 1],
        ['component:default/first', 1],
      ]);
    },
  );
});

describe('re-evaluation and retention', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'prunes per-change snapshots older than the cutoff and keeps daily points, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const ref = 'component:default/a';
      await store.upsertPlan({
        entityRef: ref,
        templateId: 'default',
        templateVersion: 1,
        templateSnapshot: defaultTemplate,
      });
      const at = (iso: string, overall: number) => ({
        ...scorePlan(defaultTemplate, {}, new Date(iso)),
        overall,
      });
      await store.saveScore(ref, at('2026-01-01T00:00:00Z', 10), 'daily', {
        always: true,
      });
      await store.saveScore(
        ref,
        at('2026-01-01T10:00:00Z', 20),
        'task.update on 1.1',
      );
      await store.saveScore(ref, at('2026-01-02T00:00:00Z', 20), 'daily', {
        always: true,
      });
      await store.saveScore(
        ref,
        at('2026-03-01T10:00:00Z', 30),
        'task.update on 1.2',
      );
      expect(
        await store.hasSnapshotSince(ref, new Date('2026-03-01T00:00:00Z')),
      ).toBe(true);
      expect(
        await store.hasSnapshotSince(ref, new Date('2026-03-02T00:00:00Z')),
      ).toBe(false);

      expect(await store.pruneSnapshots(new Date('2026-02-01T00:00:00Z'))).toBe(
        1,
      );
      expect(
        (await store.getHistory(ref)).map(h => [h.reason, h.overall]),
      ).toEqual([
        ['daily', 10],
        ['daily', 20],
        ['task.update on 1.2', 30],
      ]);
      expect(await store.listActivePlanRefs()).toEqual([ref]);
    },
  );
});
