import { mockCredentials } from '@backstage/backend-test-utils';
import { Evidence } from '@prodready/plugin-readiness-common';
import { toEvidenceRow } from '../database/EvidenceStore';
import { PlanStore } from '../database/PlanStore';
import { ScoreStore } from '../database/ScoreStore';
import { defaultTemplate } from '../templates/defaultTemplate';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { createTestService } from '../__testUtils__/testService';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('Rescoring.reevaluateAll', () => {
  const databases = createTestDatabases();
  afterEach(() => jest.restoreAllMocks());

  it.each(databases.eachSupportedId())(
    're-scores every plan once, two pages at a time on disjoint ranges, %p',
    async id => {
      const knex = await databases.init(id);
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      const { service, store } = await createTestService({
        knex,
        entities: names.map(n => component(n, 'team', 'sys')),
        reevaluatePageSize: 2,
      });
      for (const n of names) {
        await service.getEntityReadiness(
          { kind: 'component', namespace: 'default', name: n },
          mockCredentials.user(),
        );
      }
      await service.registerPending();
      // The fourth plan is archived: no page re-scores it.
      await knex('readiness_plans')
        .where({ entity_ref: 'component:default/d' })
        .update({ archived_at: new Date() });

      let running = 0;
      let most = 0;
      const pages: string[][] = [];
      // Pages load through each transaction's own store.
      const load = ScoreStore.prototype.loadPage;
      jest
        .spyOn(ScoreStore.prototype, 'loadPage')
        .mockImplementation(async function loadPage(this: ScoreStore, options) {
          running += 1;
          most = Math.max(most, running);
          try {
            const rows = await load.call(this, options);
            pages.push(rows.map(r => r.plan.entityRef));
            // Holds the page open a little, as scoring a large one would.
            await new Promise(resolve => setTimeout(resolve, 20));
            return rows;
          } finally {
            running -= 1;
          }
        });

      // Five plans are registered into the first range (a, b] once its end was found: the
      // range grows, in pages of at most twice the page size.
      const ends = PlanStore.prototype.activeRefAfter;
      let first = true;
      jest
        .spyOn(PlanStore.prototype, 'activeRefAfter')
        .mockImplementation(async function activeRefAfter(
          this: PlanStore,
          after,
          n,
        ) {
          const end = await ends.call(this, after, n);
          if (first) {
            first = false;
            for (const k of [1, 2, 3, 4, 5]) {
              await store.plans.upsert({
                entityRef: `component:default/a${k}`,
                templateId: 'default',
                templateVersion: 1,
                templateSnapshot: defaultTemplate,
                owner: 'group:default/team',
              });
            }
          }
          return end;
        });

      const tomorrow = new Date(Date.now() + 86_400_000);
      expect(await service.reevaluateAll(tomorrow)).toEqual({
        daily: 11,
        pruned: 0,
      });
      expect(most).toBe(2);
      expect(pages.flat().sort()).toEqual(
        ['a', 'a1', 'a2', 'a3', 'a4', 'a5', 'b', 'c', 'e', 'f', 'g'].map(
          n => `component:default/${n}`,
        ),
      );
      expect(pages.every(p => p.length <= 4)).toBe(true);
      const daily = await knex('readiness_score_snapshots')
        .where({ reason: 'daily' })
        .count({ n: '*' });
      expect(Number(daily[0].n)).toBe(11);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores the same score and card from its lean page load as a command does, %p',
    async id => {
      const knex = await databases.init(id);
      const { service } = await createTestService({
        knex,
        entities: [component('payments', 'team', 'sys')],
      });
      const ref = 'component:default/payments';
      await service.getEntityReadiness(
        { kind: 'component', namespace: 'default', name: 'payments' },
        mockCredentials.user(),
      );
      await service.registerPending();
      const now = Date.now();
      const at = (days: number) => new Date(now + days * 86_400_000);
      await knex('readiness_task_states').insert(
        ['1.1', '1.2', '3.2'].map(taskId => ({
          entity_ref: ref,
          task_id: taskId,
          status: 'done',
          checklist: JSON.stringify({}),
          version: 1,
          updated_at: at(-3),
          notes: 'a long note the score never reads',
        })),
      );
      const uid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
      const evidence = (
        taskId: string,
        e: Partial<Evidence> & Pick<Evidence, 'id' | 'kind'>,
      ) =>
        toEvidenceRow(ref, taskId, {
          summary: `evidence ${e.id}`,
          source: 'manual',
          recordedAt: at(-2).toISOString(),
          recordedBy: 'user:default/alice',
          trust: 'claimed',
          ...e,
        });
      await knex('readiness_evidence').insert([
        // Proof on 1.1, then a machine's later "no" that refutes it.
        evidence('1.1', {
          id: uid(1),
          kind: 'check',
          trust: 'verified',
          recordedBy: 'check:ci',
          recordedAt: at(-3).toISOString(),
        }),
        evidence('1.1', {
          id: uid(2),
          kind: 'check',
          trust: 'verified',
          recordedBy: 'check:ci',
          summary: 'Failed: red build',
          expiresAt: at(-1).toISOString(),
        }),
        // A reviewed link (proof) on the drill's task; on 1.2 a link a second person
        // rejected (worth nothing) and a claim expiring in 10 days.
        evidence('3.2', {
          id: uid(3),
          kind: 'link',
          url: 'https://x',
          trust: 'reviewed',
          review: {
            state: 'approved',
            reviewedBy: 'user:default/bob',
            reviewedAt: at(-1).toISOString(),
            comment: 'ok',
          },
          expiresAt: at(40).toISOString(),
        }),
        evidence('1.2', {
          id: uid(4),
          kind: 'link',
          url: 'https://y',
          trust: 'reviewed',
          review: {
            state: 'rejected',
            reviewedBy: 'user:default/bob',
            comment: 'no',
          },
        }),
        evidence('1.2', {
          id: uid(5),
          kind: 'attestation',
          expiresAt: at(10).toISOString(),
        }),
        // A restore drill, and evidence on a task nobody touched yet.
        evidence('3.2', {
          id: uid(6),
          kind: 'link',
          trust: 'verified',
          recordedBy: 'service:backup-job',
          expiresAt: at(20).toISOString(),
        }),
        evidence('2.1', {
          id: uid(7),
          kind: 'check',
          trust: 'verified',
          recordedBy: 'check:ci',
          recordedAt: at(-1).toISOString(),
        }),
      ]);

      const stored = async () => {
        const row = await knex('readiness_scores')
          .where({ entity_ref: ref })
          .first('card', 'overall', 'status', 'blockers', 'dimensions');
        const card =
          typeof row.card === 'string' ? JSON.parse(row.card) : row.card;
        return {
          ...row,
          card: { ...card, score: { ...card.score, evaluatedAt: undefined } },
        };
      };
      await service.reevaluateAll();
      const fromPage = await stored();
      await service.recompute(ref, 'command');
      const fromCommand = await stored();
      expect(fromPage).toEqual(fromCommand);
      // The case is not trivial: proof, a refutation, a claim and a drill all count.
      expect(fromPage.card.expiring.map((e: Evidence) => e.id)).toEqual([
        uid(5),
        uid(6),
        uid(3),
      ]);
      expect(fromPage.card.lastDrillAt).toBeDefined();
      expect(Number(fromPage.overall)).toBeGreaterThan(0);
    },
  );
});
