import { scorePlan } from '@prodready/plugin-readiness-common';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestStore } from '../__testUtils__/testStore';
import { defaultTemplate } from '../templates/defaultTemplate';

jest.setTimeout(60_000);

describe('ReadModelStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'filters org-wide lists by more visible refs than Postgres allows bind parameters, %p',
    async id => {
      const { store } = await createTestStore(databases, id, {
        withPayments: true,
      });
      await store.scores.save(
        'component:default/payments',
        scorePlan(defaultTemplate, {}),
        'test',
      );
      // 70 000 refs: one `whereIn` binding each would pass the 65 535 parameter limit.
      const visible = Array.from(
        { length: 70_000 },
        (_, i) => `component:default/service-${i}`,
      ).concat('component:default/payments');
      const rollup = await store.readModel.rollup('owner', { visible });
      expect(rollup.map(g => [g.key, g.services])).toEqual([
        ['group:default/payments-team', 1],
      ]);
      const { items } = await store.readModel.listScores({
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
      const blockers = await store.readModel.listBlockers(
        { visible },
        { limit: 500 },
      );
      expect(blockers.items).toHaveLength(p0.length);
      expect(blockers.total).toBe(p0.length);
    },
  );
});

describe('phase stages in the stored scores', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    "stores each plan's stage, counts services per stage in rollups and filters by a minimum stage, %p",
    async id => {
      const { store } = await createTestStore(databases, id);
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
        await store.plans.upsert({
          entityRef: ref,
          templateId: 'default',
          templateVersion: defaultTemplate.version,
          templateSnapshot: defaultTemplate,
          owner: 'group:default/team',
        });
        const score = scorePlan(defaultTemplate, states);
        await store.scores.save(ref, score, 'test');
      }
      const [team] = await store.readModel.rollup('owner', {});
      expect(team.stageCounts).toEqual([1, 2]);
      const { items, total } = await store.readModel.listScores({
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

describe('the services list at scale', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'pages through every service in each sort order with the first page counting the total, %p',
    async id => {
      const { store } = await createTestStore(databases, id);
      const tasks = defaultTemplate.phases.flatMap(p => p.tasks);
      const refs: string[] = [];
      for (let i = 0; i < 25; i++) {
        const ref = `component:default/svc-${String(i).padStart(2, '0')}`;
        refs.push(ref);
        await store.plans.upsert({
          entityRef: ref,
          templateId: 'default',
          templateVersion: defaultTemplate.version,
          templateSnapshot: defaultTemplate,
          owner: `group:default/team-${i % 3}`,
        });
        // Scores repeat (every fifth plan alike), so the ref breaks ties between pages.
        const done = Object.fromEntries(
          tasks.slice(0, i % 5).map(t => [
            t.id,
            {
              taskId: t.id,
              status: 'done' as const,
              checklist: {},
              version: 1,
              evidence: [],
            },
          ]),
        );
        await store.scores.save(ref, scorePlan(defaultTemplate, done), 'test');
      }
      const visible = refs.filter((_, i) => i % 2 === 0);
      for (const sort of [
        'overall',
        'entityRef',
        'blockers',
        'computedAt',
      ] as const) {
        for (const order of ['asc', 'desc'] as const) {
          for (const seen of [undefined, visible]) {
            const all = await store.readModel.listScores({
              sort,
              order,
              limit: 100,
              visible: seen,
            });
            const paged: string[] = [];
            let cursor: string | undefined;
            do {
              const page = await store.readModel.listScores({
                sort,
                order,
                limit: 4,
                cursor,
                visible: seen,
              });
              expect(page.total).toBe(seen ? 13 : 25);
              paged.push(...page.items.map(r => r.entityRef));
              cursor = page.nextCursor;
            } while (cursor);
            expect(paged).toEqual(all.items.map(r => r.entityRef));
            expect(paged).toHaveLength(seen ? 13 : 25);
          }
        }
      }

      // Later pages take the total from their cursor: it was counted for the first page.
      const first = await store.readModel.listScores(
        { sort: 'overall', order: 'asc', limit: 10 },
        { total: 99 },
      );
      expect(first.total).toBe(99);
      const second = await store.readModel.listScores({
        sort: 'overall',
        order: 'asc',
        limit: 10,
        cursor: first.nextCursor,
      });
      expect(second.total).toBe(99);
      expect(
        await store.readModel.countScores({ owner: ['group:default/team-1'] }),
      ).toBe(8);
    },
  );
});
