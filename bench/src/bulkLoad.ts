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

/** A PostgreSQL column type, as an `unnest` parameter is cast to its array. */
type PgType = 'text' | 'integer' | 'numeric' | 'jsonb' | 'uuid' | 'timestamptz';

/**
 * Inserts `rows` with one statement of one array parameter per column (`insert … select
 * from unnest(…)`): the server parses a handful of parameters instead of a VALUES list of
 * tens of thousands, which made the 4.5 M history rows of the full organisation the bulk
 * load's bottleneck. The rows are the same as a multi-row insert's.
 */
async function insertColumns<T extends object>(
  tx: Knex.Transaction,
  table: string,
  types: { [K in keyof T]?: PgType },
  rows: T[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(types) as Array<keyof T & string>;
  await tx.raw(
    `insert into ?? (${columns.map(() => '??').join(', ')})
     select * from unnest(${columns.map(c => `?::${types[c]}[]`).join(', ')})`,
    [
      table,
      ...columns,
      // node-postgres sends each JavaScript array as one PostgreSQL array.
      ...columns.map(c => rows.map(r => r[c]) as unknown as Knex.Value),
    ],
  );
}

/**
 * Inserts whole plans (with task states, evidence, score and history) into the readiness
 * tables in one transaction, far faster than the plugin's write path: plans and scores
 * with multi-row inserts, tasks, evidence and history as column arrays.
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
    await insertColumns<TaskRow>(
      tx,
      'readiness_task_states',
      {
        entity_ref: 'text',
        task_id: 'text',
        status: 'text',
        checklist: 'jsonb',
        version: 'integer',
        updated_at: 'timestamptz',
        updated_by: 'text',
      },
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
    await insertColumns<DbEvidenceRow>(
      tx,
      'readiness_evidence',
      {
        id: 'uuid',
        entity_ref: 'text',
        task_id: 'text',
        kind: 'text',
        url: 'text',
        summary: 'text',
        source: 'text',
        recorded_at: 'timestamptz',
        recorded_by: 'text',
        expires_at: 'timestamptz',
        trust: 'text',
        review_state: 'text',
        reviewed_by: 'text',
        reviewed_at: 'timestamptz',
        review_comment: 'text',
      },
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
        // As before cards were stored: the re-evaluation the bench runs first stores them.
        card: null,
      })),
    );
    await insertColumns<Omit<DbScoreSnapshotsRow, 'id'>>(
      tx,
      'readiness_score_snapshots',
      {
        entity_ref: 'text',
        overall: 'numeric',
        status: 'text',
        blockers: 'integer',
        dimensions: 'jsonb',
        reason: 'text',
        recorded_at: 'timestamptz',
      },
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
