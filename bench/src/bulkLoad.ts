import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  BulkPlan,
  DbEvidenceRow,
  DbPlansRow,
  DbScoreSnapshotsRow,
  DbScoresRow,
  DbTaskStatesRow,
  normalizeRef,
  provenTasks,
  toEvidenceRow,
  toPlanRow,
} from './backend';

/**
 * Inserts whole plans (with task states, evidence, score and history) into the readiness
 * tables in one transaction with multi-row inserts, far faster than the plugin's write path.
 * Only for plans not stored yet: existing rows conflict and the batch is rolled back.
 */
export async function bulkLoad(
  db: Knex,
  plans: BulkPlan[],
  actor: string,
): Promise<void> {
  const chunk = 1000;
  const now = new Date();
  const ref = (b: BulkPlan) => normalizeRef(b.plan.entityRef);
  await db.transaction(async tx => {
    // Typed by the caller: the rows of `table` it inserts.
    const insert = async <T extends object>(table: string, rows: T[]) => {
      for (let i = 0; i < rows.length; i += chunk) {
        await tx(table).insert(rows.slice(i, i + chunk));
      }
    };
    await insert<DbPlansRow>(
      'readiness_plans',
      plans.map(({ plan }) => toPlanRow(plan, now)),
    );
    type TaskRow = Omit<
      DbTaskStatesRow,
      'assignee' | 'notes' | 'exemption' | 'exemption_request'
    >;
    await insert<TaskRow>(
      'readiness_task_states',
      plans.flatMap(b =>
        b.tasks.map(t => ({
          entity_ref: ref(b),
          task_id: t.taskId,
          status: t.status,
          checklist: JSON.stringify(t.checklist ?? {}),
          version: 1,
          updated_at: new Date(t.updatedAt),
          updated_by: actor,
        })),
      ),
    );
    await insert<DbEvidenceRow>(
      'readiness_evidence',
      plans.flatMap(b =>
        b.evidence.map(e =>
          toEvidenceRow(ref(b), e.taskId, { ...e.evidence, id: randomUUID() }),
        ),
      ),
    );
    // The stage column keeps its default (0) as before; the next re-evaluation stores it.
    await insert<Omit<DbScoresRow, 'stage'>>(
      'readiness_scores',
      plans.map(b => ({
        entity_ref: ref(b),
        overall: b.score.overall,
        status: b.score.status,
        blockers: b.score.blockers.length,
        blocker_list: JSON.stringify(b.score.blockers),
        proven_tasks: JSON.stringify(provenTasks(b.score)),
        dimensions: JSON.stringify(
          Object.fromEntries(b.score.dimensions.map(d => [d.id, d.score])),
        ),
        computed_at: new Date(b.score.evaluatedAt),
      })),
    );
    await insert<Omit<DbScoreSnapshotsRow, 'id'>>(
      'readiness_score_snapshots',
      plans.flatMap(b =>
        b.history.map(h => ({
          entity_ref: ref(b),
          overall: h.overall,
          status: h.status,
          blockers: h.blockers,
          dimensions: JSON.stringify(h.dimensions),
          reason: h.reason,
          recorded_at: new Date(h.recordedAt),
        })),
      ),
    );
  });
}
