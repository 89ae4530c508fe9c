import { Entity } from '@backstage/catalog-model';
import {
  CheckRun,
  ReadinessCard,
  ReadinessScore,
  RunbookLink,
  ServiceFilters,
  ScoredTaskState,
} from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import { toCheckRun } from './CheckRunStore';
import type { PlanRecord, PlanStore } from './PlanStore';
import { toRunbook } from './RunbookStore';
import {
  SCORED_EVIDENCE_COLUMNS,
  SCORED_STATE_COLUMNS,
  assembleScoredStates,
} from './TaskStore';
import { Scoped, filteredPlans } from './filters';
import { normalizeRef } from './refs';
import {
  DbCheckRunsRow,
  DbEvidenceRow,
  DbPlansRow,
  DbRunbookLinksRow,
  DbScoreSnapshotsRow,
  DbScoresRow,
  DbTaskStatesRow,
  JsonColumn,
  iso,
  json,
} from './tables';

/** A score snapshot. @internal */
export interface ScoreSnapshot {
  overall: number;
  status: string;
  blockers: number;
  dimensions: Record<string, number | null>;
  reason: string;
  recordedAt: string;
}

/** The stored facts of a plan's score that decide whether it moved. @internal */
export interface StoredScore {
  overall: number;
  status: string;
  blockers: number;
}

/** What a card read needs of one plan, read in one round trip. @internal */
export interface CardView {
  plan: {
    entityRef: string;
    templateId: string;
    templateVersion: number;
    createdAt: string;
    updatedAt: string;
    archived: boolean;
    entitySnapshot?: Entity;
  };
  /** The card stored with the score; undefined until the plan is first re-scored. */
  card?: ReadinessCard;
  runbooks: RunbookLink[];
  checkRuns: CheckRun[];
  /**
   * The stored readiness of the active plans the entity snapshot `dependsOn` (by ref), as
   * `ReadModelStore.scoresOf` reads it; callers who may not see everything filter it.
   */
  dependencies: Array<{
    entityRef: string;
    overall: number;
    status: ReadinessScore['status'];
  }>;
}

/** The tasks an initiative's goal counts as proven: proven, or exempt by approval. */
export const provenTasks = (score: ReadinessScore) =>
  score.tasks
    .filter(t => ['proven', 'exempt', 'not_applicable'].includes(t.kind))
    .map(t => t.taskId);

// jsonb does not keep key order, so compare dimension maps key by key.
const sameDimensions = (
  a: Record<string, unknown>,
  b: Record<string, unknown>,
) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.keys(b).every(k => a[k] === b[k]);

/** The columns a stored score is read by (not the card's kilobytes). */
const STORED_COLUMNS = ['overall', 'status', 'blockers'] as const;
/** `STORED_COLUMNS` and what a re-score compares besides them, by plan. */
const COMPARED_COLUMNS = [
  'entity_ref',
  ...STORED_COLUMNS,
  'dimensions',
] as const;

const toStored = (
  row: Pick<DbScoresRow, 'overall' | 'status' | 'blockers'>,
): StoredScore => ({
  overall: Number(row.overall),
  status: row.status,
  blockers: row.blockers,
});

/**
 * Stored scores (`readiness_scores`) and their history (`readiness_score_snapshots`): the
 * latest score of each plan, a snapshot whenever it moves, daily points and retention.
 * @internal
 */
export class ScoreStore {
  private compiledCardView?: string;

  constructor(
    private readonly db: Knex,
    private readonly plans: PlanStore,
    private readonly options: { preparedStatements?: boolean } = {},
  ) {}

  /**
   * Driver options naming a statement, so node-postgres prepares it once per connection and
   * PostgreSQL reuses its plan (planning the card query cost more than running it); none
   * when `readiness.preparedStatements` is false. The name must only ever carry one text.
   */
  private statement(name: string) {
    return this.options.preparedStatements === false ? {} : { name };
  }

  /** The stored score of a plan, if any. */
  async get(entityRef: string): Promise<StoredScore | undefined> {
    const row = await this.db<DbScoresRow>('readiness_scores')
      .where({ entity_ref: normalizeRef(entityRef) })
      .first(...STORED_COLUMNS);
    return row ? toStored(row) : undefined;
  }

  /**
   * Stores the latest score of a plan and appends a snapshot when the score moved
   * (or always, for the daily snapshot). Returns whether a snapshot was written.
   */
  async save(
    entityRef: string,
    score: ReadinessScore,
    reason: string,
    options: { always?: boolean; card?: ReadinessCard } = {},
  ): Promise<boolean> {
    const [written] = await this.saveMany([
      { entityRef, score, reason, always: options.always, card: options.card },
    ]);
    return written;
  }

  /**
   * `save` for many plans in one transaction with multi-row statements (the scheduled
   * re-evaluation of every plan). Returns, per entry, whether a snapshot was written.
   */
  async saveMany(
    entries: Array<{
      entityRef: string;
      score: ReadinessScore;
      reason: string;
      always?: boolean;
      /** The card scored with it (see `readinessCard`). */
      card?: ReadinessCard;
    }>,
  ): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const rows = entries.map(({ entityRef, score, card }) => ({
      entity_ref: normalizeRef(entityRef),
      overall: score.overall,
      status: score.status,
      blockers: score.blockers.length,
      stage: score.stage.reached,
      blocker_list: JSON.stringify(score.blockers),
      proven_tasks: JSON.stringify(provenTasks(score)),
      dimensions: Object.fromEntries(
        score.dimensions.map(d => [d.id, d.score]),
      ),
      computed_at: new Date(score.evaluatedAt),
      card: card ? JSON.stringify(card) : null,
    }));
    return this.db.transaction(async tx => {
      const prevRows = await tx<DbScoresRow>('readiness_scores')
        .select(...COMPARED_COLUMNS)
        .whereIn(
          'entity_ref',
          rows.map(r => r.entity_ref),
        )
        .orderBy('entity_ref')
        .forUpdate();
      const prev = new Map(prevRows.map(r => [r.entity_ref, r]));
      await tx<DbScoresRow>('readiness_scores')
        .insert(
          rows.map(r => ({ ...r, dimensions: JSON.stringify(r.dimensions) })),
        )
        .onConflict('entity_ref')
        .merge();
      const written = rows.map((row, i) => {
        const before = prev.get(row.entity_ref);
        const moved =
          !before ||
          Number(before.overall) !== row.overall ||
          before.status !== row.status ||
          before.blockers !== row.blockers ||
          !sameDimensions(json(before.dimensions), row.dimensions);
        return moved || Boolean(entries[i].always);
      });
      const snapshots = rows.flatMap((row, i) =>
        written[i]
          ? [
              {
                entity_ref: row.entity_ref,
                overall: row.overall,
                status: row.status,
                blockers: row.blockers,
                dimensions: JSON.stringify(row.dimensions),
                reason: entries[i].reason,
                recorded_at: row.computed_at,
              },
            ]
          : [],
      );
      for (let i = 0; i < snapshots.length; i += 1000) {
        await tx<DbScoreSnapshotsRow>('readiness_score_snapshots').insert(
          snapshots.slice(i, i + 1000),
        );
      }
      return written;
    });
  }

  /**
   * The card view's SQL, compiled from the query builder once: every card read runs it, and
   * compiling it cost more of a read than its named (prepared) statement saves.
   */
  private cardViewSql(): string {
    this.compiledCardView ??= this.db('readiness_plans as p')
      .leftJoin('readiness_scores as s', 's.entity_ref', 'p.entity_ref')
      .select(
        'p.entity_ref',
        'p.template_id',
        'p.template_version',
        'p.created_at',
        'p.updated_at',
        'p.archived_at',
        'p.entity_snapshot',
        's.card',
        this.db.raw(
          `(select coalesce(json_agg(r order by r.type, r.title), '[]') from readiness_runbook_links r
              where r.entity_ref = p.entity_ref) as runbook_rows`,
        ),
        this.db.raw(
          `(select coalesce(json_agg(c order by c.task_id), '[]') from readiness_check_runs c
              where c.entity_ref = p.entity_ref) as check_rows`,
        ),
        // Refs are stored lower-cased (see ./refs), so the targets are compared so too;
        // `= any(array(…))` plans in about half the time of `in (…)` here.
        this.db.raw(
          `(select coalesce(json_agg(json_build_object(
                 'entityRef', d.entity_ref, 'overall', d.overall, 'status', d.status)
                 order by d.entity_ref), '[]')
              from readiness_scores d
              join readiness_plans dp on dp.entity_ref = d.entity_ref
              where dp.archived_at is null and d.entity_ref = any(array(
                select lower(rel->>'targetRef')
                from jsonb_array_elements(coalesce(p.entity_snapshot->'relations', '[]'::jsonb)) rel
                where rel->>'type' = 'dependsOn'))) as dependency_rows`,
        ),
      )
      .where('p.entity_ref', '')
      .toSQL().sql;
    return this.compiledCardView;
  }

  /**
   * A plan's stored card with what a card read adds to it (the plan's fields, its runbook
   * links, last check runs and its dependencies' scores) in one round trip; undefined when
   * there is no plan.
   */
  async getCardView(entityRef: string): Promise<CardView | undefined> {
    const row:
      | (Pick<
          DbPlansRow,
          | 'entity_ref'
          | 'template_id'
          | 'template_version'
          | 'created_at'
          | 'updated_at'
          | 'archived_at'
          | 'entity_snapshot'
        > & {
          card: DbScoresRow['card'] | null;
          runbook_rows: JsonColumn<DbRunbookLinksRow[]>;
          check_rows: JsonColumn<DbCheckRunsRow[]>;
          dependency_rows: JsonColumn<CardView['dependencies']>;
        })
      | undefined = (
      await this.db
        .raw(this.cardViewSql(), [normalizeRef(entityRef)])
        .options(this.statement('readiness_card_view'))
    ).rows[0];
    if (!row) return undefined;
    return {
      plan: {
        entityRef: row.entity_ref,
        templateId: row.template_id,
        templateVersion: row.template_version,
        createdAt: iso(row.created_at)!,
        updatedAt: iso(row.updated_at)!,
        archived: row.archived_at !== null,
        ...(row.entity_snapshot
          ? { entitySnapshot: json(row.entity_snapshot) }
          : {}),
      },
      ...(row.card ? { card: json(row.card) } : {}),
      runbooks: json(row.runbook_rows).map(toRunbook),
      checkRuns: json(row.check_rows).map(toCheckRun),
      dependencies: json(row.dependency_rows).map(d => ({
        ...d,
        overall: Number(d.overall),
      })),
    };
  }

  /**
   * One page of active plans (keyset on the entity ref) with their task states, stored
   * score, and whether they have a snapshot since `since`: four queries per page.
   */
  async loadPage(options: {
    after?: string;
    /** The last ref the page may reach (inclusive). */
    until?: string;
    limit: number;
    since: Date;
    /** Lock the page's plan rows (in a transaction): writers wait, nothing is overwritten. */
    lock?: boolean;
  }): Promise<
    Array<{
      plan: PlanRecord;
      tasks: ScoredTaskState[];
      stored?: StoredScore;
      snapshotSince: boolean;
    }>
  > {
    const plans = await this.plans.listActive(options);
    if (plans.length === 0) return [];
    const refs = plans.map(p => p.entityRef);
    const [states, evidence, scores, recent] = await Promise.all([
      this.db<DbTaskStatesRow>('readiness_task_states')
        .select(...SCORED_STATE_COLUMNS)
        .whereIn('entity_ref', refs),
      this.db<DbEvidenceRow>('readiness_evidence')
        .select(...SCORED_EVIDENCE_COLUMNS)
        .whereIn('entity_ref', refs),
      this.db<DbScoresRow>('readiness_scores')
        .select('entity_ref', ...STORED_COLUMNS)
        .whereIn('entity_ref', refs),
      this.db<DbScoreSnapshotsRow>('readiness_score_snapshots')
        .whereIn('entity_ref', refs)
        .where('recorded_at', '>=', options.since)
        .distinct('entity_ref'),
    ]);
    const group = <T extends { entity_ref: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const r of rows) {
        const list = map.get(r.entity_ref) ?? [];
        list.push(r);
        map.set(r.entity_ref, list);
      }
      return map;
    };
    const statesBy = group(states);
    const evidenceBy = group(evidence);
    const scoreBy = new Map(scores.map(r => [r.entity_ref, r]));
    const recentSet = new Set(recent.map(r => r.entity_ref));
    return plans.map(plan => {
      const score = scoreBy.get(plan.entityRef);
      return {
        plan,
        tasks: assembleScoredStates(
          statesBy.get(plan.entityRef) ?? [],
          evidenceBy.get(plan.entityRef) ?? [],
        ),
        ...(score ? { stored: toStored(score) } : {}),
        snapshotSince: recentSet.has(plan.entityRef),
      };
    });
  }

  /** The snapshots of a plan, oldest first, within `range` when given. */
  async history(
    entityRef: string,
    range: { from?: Date; to?: Date } = {},
  ): Promise<ScoreSnapshot[]> {
    const q = this.db<DbScoreSnapshotsRow>('readiness_score_snapshots')
      .where({ entity_ref: normalizeRef(entityRef) })
      .orderBy([{ column: 'recorded_at' }, { column: 'id' }]);
    if (range.from) q.where('recorded_at', '>=', range.from);
    if (range.to) q.where('recorded_at', '<=', range.to);
    const rows = await q;
    return rows.map(r => ({
      overall: Number(r.overall),
      status: r.status,
      blockers: r.blockers,
      dimensions: json(r.dimensions),
      reason: r.reason,
      recordedAt: iso(r.recorded_at)!,
    }));
  }

  /**
   * Daily trend from the snapshots: per UTC day from `since` (to before `before`), the
   * average of each service's last snapshot of that day, and how many services were ready.
   */
  async trend(
    filters: Scoped<ServiceFilters>,
    since: Date,
    before?: Date,
  ): Promise<
    Array<{ day: string; average: number; services: number; ready: number }>
  > {
    const refs = filteredPlans(this.db, filters).select('p.entity_ref');
    const day = "date_trunc('day', x.recorded_at at time zone 'UTC')";
    // Postgres DISTINCT ON: the last snapshot per service and day.
    const last = this.db('readiness_score_snapshots as x')
      .select(
        this.db.raw(`distinct on (x.entity_ref, ${day}) x.entity_ref`),
        'x.overall',
        'x.status',
        this.db.raw(`${day} as day`),
      )
      .whereIn('x.entity_ref', refs)
      .where('x.recorded_at', '>=', since)
      .modify(q => {
        if (before) q.where('x.recorded_at', '<', before);
      })
      .orderByRaw(`x.entity_ref, ${day}, x.recorded_at desc`)
      .as('d');
    const rows: Array<{
      day: Date;
      average: string | number;
      services: string | number;
      ready: string | number;
    }> = await this.db
      .from(last)
      .select('day')
      .avg({ average: 'overall' })
      .count({ services: '*' })
      .select(
        this.db.raw(
          `sum(case when status = 'ready' then 1 else 0 end) as ready`,
        ),
      )
      .groupBy('day')
      .orderBy('day');
    return rows.map(r => ({
      day: new Date(r.day).toISOString().slice(0, 10),
      average: Math.round(Number(r.average) * 10) / 10,
      services: Number(r.services),
      ready: Number(r.ready),
    }));
  }

  /** Today's point of the trend: the average, count and Ready count of the current scores. */
  async todayPoint(
    filters: Scoped<ServiceFilters>,
  ): Promise<{ average: number; services: number; ready: number }> {
    type Sum = string | number | null;
    const row = (await filteredPlans(this.db, filters)
      .avg({ average: 's.overall' })
      .count({ services: '*' })
      .select(
        this.db.raw(
          `sum(case when s.status = 'ready' then 1 else 0 end) as ready`,
        ),
      )
      .first()) as { average: Sum; services: Sum; ready: Sum } | undefined;
    return {
      average: Math.round(Number(row?.average ?? 0) * 10) / 10,
      services: Number(row?.services ?? 0),
      ready: Number(row?.ready ?? 0),
    };
  }

  /**
   * Retention: before `cutoff` only the daily snapshots are kept; the per-change ones are
   * deleted. Returns the number of rows deleted.
   */
  async prune(cutoff: Date): Promise<number> {
    return this.db<DbScoreSnapshotsRow>('readiness_score_snapshots')
      .where('recorded_at', '<', cutoff)
      .whereNot('reason', 'daily')
      .delete();
  }
}
