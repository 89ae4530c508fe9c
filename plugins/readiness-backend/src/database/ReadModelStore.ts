import {
  ExpiringEvidenceItem,
  OrgBlocker,
  RollupGroup,
  ServiceFilters,
  ServiceScoreRow,
  ServicesQuery,
} from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import {
  cursorTotal,
  cursorValue,
  decodeCursor,
  encodeCursor,
  BlockerCursor,
  EvidenceCursor,
} from './cursor';
import {
  Scoped,
  blockedByDependencies,
  filteredPlans,
  notIndexed,
  visibleBinding,
} from './filters';
import { normalizeRef, normalizeRefs } from './refs';
import {
  DbEvidenceRow,
  DbPlansRow,
  DbScoresRow,
  PLAN_CATALOG_COLUMNS,
  catalogFieldsOf,
  iso,
  json,
  rowsOf,
} from './tables';

/** SQL rank of an evidence row's provenance: verified 2, reviewed 1, claimed 0. */
const TRUST_RANK = (alias: string) =>
  `(case ${alias}.trust when 'verified' then 2 when 'reviewed' then 1 else 0 end)`;

const taskIdOrder = new Intl.Collator('en', { numeric: true });
/** Task ids in reading order ("1.2" before "1.10"), a total order (ties by code unit). */
const compareTaskIds = (a: string, b: string) => {
  const order = taskIdOrder.compare(a, b);
  if (order !== 0 || a === b) return order;
  return a < b ? -1 : 1;
};

/**
 * Plans whose stored score lists open P0 blockers. Scores stored before the list existed
 * count blockers but list none: left out, so every service a page fetches adds an item.
 */
const withBlockers = (q: Knex.QueryBuilder) =>
  q
    .where('s.blockers', '>', 0)
    .whereRaw('jsonb_array_length(s.blocker_list) > 0');

/** A count, sum or average as pg returns it. */
type Aggregate = string | number | null;

/** A group of the rollup as its aggregate query returns it. */
type GroupRow = { key: string } & Record<
  | 'services'
  | 'average'
  | 'min'
  | 'max'
  | 'blockers'
  | 'blocked_by_dependencies'
  | 'ready'
  | 'at_risk'
  | 'not_ready',
  Aggregate
>;

type PlanScoreRow = Pick<
  DbPlansRow,
  'entity_ref' | 'owner' | 'system' | 'domain' | 'lifecycle' | 'tier'
> &
  Pick<
    DbScoresRow,
    'overall' | 'status' | 'blockers' | 'stage' | 'dimensions' | 'computed_at'
  >;

/**
 * The org read model: rollups, the services list, blockers and expiring evidence of active
 * plans, all from the stored score rows (no plan is re-evaluated to answer).
 * @internal
 */
export class ReadModelStore {
  constructor(private readonly db: Knex) {}

  /**
   * Org rollup by owner, system or domain, from the stored score rows; or by group of the
   * org chart, each group over everything beneath it (the roots, or `parent`'s children).
   */
  async rollup(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters: Scoped<ServiceFilters & { parent?: string }>,
  ): Promise<RollupGroup[]> {
    const column = groupBy === 'group' ? 'm.ancestor_ref' : `p.${groupBy}`;
    const scope = () => {
      const q = filteredPlans(this.db, filters);
      if (groupBy !== 'group') return q;
      const level = this.db('readiness_org_groups').select('group_ref');
      if (filters.parent)
        level.where('parent_ref', normalizeRef(filters.parent));
      else level.whereNull('parent_ref');
      q.join('readiness_org_members as m', 'm.member_ref', 'p.owner').whereIn(
        'm.ancestor_ref',
        level,
      );
      // Groups the caller cannot see in the catalog are not named to them.
      if (filters.visible)
        q.whereRaw(`${notIndexed('m.ancestor_ref')} = any(?)`, [
          filters.visible,
        ]);
      return q;
    };
    const count = (status: string) =>
      this.db.raw(
        `sum(case when status = '${status}' then 1 else 0 end) as ${status}`,
      );
    // One pass over the scoped plans for the groups, their score buckets and their stages
    // (grouping sets): the join and each plan's dependency check run once, not three times.
    const rows = await rowsOf<
      GroupRow & { bucket: Aggregate; stage: Aggregate; level: Aggregate }
    >(
      this.db
        .from(
          scope()
            .select(
              this.db.raw(`coalesce(${column}, '(none)') as key`),
              this.db.raw('least(floor(s.overall / 10), 9)::int as bucket'),
              's.stage',
              's.overall',
              's.status',
              's.blockers',
              this.db.raw(
                `case when ${blockedByDependencies(
                  filters.visible,
                )} then 1 else 0 end as blocked`,
                visibleBinding(filters.visible),
              ),
            )
            .as('x'),
        )
        .select('key', 'bucket', 'stage')
        // 3: the group's row; 1: one of its buckets; 2: one of its stages.
        .select(this.db.raw('grouping(bucket, stage) as level'))
        .count({ services: '*' })
        .avg({ average: 'overall' })
        .min({ min: 'overall' })
        .max({ max: 'overall' })
        .sum({ blockers: 'blockers' })
        .sum({ blocked_by_dependencies: 'blocked' })
        .select(count('ready'), count('at_risk'), count('not_ready'))
        .groupByRaw('grouping sets ((key), (key, bucket), (key, stage))')
        .orderBy('key'),
    );
    const deepest = Math.max(
      0,
      ...rows.filter(r => Number(r.level) === 2).map(r => Number(r.stage)),
    );
    // Each group's buckets and stages by key (a scan per group would grow with groups ×
    // rows: 900 owners have some 7 000 bucket and stage rows).
    const distributions = new Map<string, number[]>();
    const stageCounts = new Map<string, number[]>();
    for (const r of rows) {
      const level = Number(r.level);
      if (level === 1) {
        if (!distributions.has(r.key))
          distributions.set(r.key, new Array(10).fill(0));
        distributions.get(r.key)![Number(r.bucket)] = Number(r.services);
      } else if (level === 2) {
        if (!stageCounts.has(r.key))
          stageCounts.set(r.key, new Array(deepest + 1).fill(0));
        stageCounts.get(r.key)![Number(r.stage)] = Number(r.services);
      }
    }
    return rows
      .filter(r => Number(r.level) === 3)
      .map(g => {
        const distribution = distributions.get(g.key) ?? new Array(10).fill(0);
        const stagesOfGroup =
          stageCounts.get(g.key) ?? new Array(deepest + 1).fill(0);
        return {
          key: g.key,
          services: Number(g.services),
          average: Math.round(Number(g.average) * 10) / 10,
          min: Number(g.min),
          max: Number(g.max),
          statusCounts: {
            ready: Number(g.ready),
            at_risk: Number(g.at_risk),
            not_ready: Number(g.not_ready),
          },
          blockers: Number(g.blockers),
          blockedByDependencies: Number(g.blocked_by_dependencies),
          distribution,
          stageCounts: stagesOfGroup,
        };
      });
  }

  /** How many active plans with a stored score match the filters (and visible refs). */
  async countScores(filters: Scoped<ServiceFilters>): Promise<number> {
    const counted: { n?: Aggregate } | undefined = await filteredPlans(
      this.db,
      filters,
    )
      .count({ n: '*' })
      .first();
    return Number(counted?.n ?? 0);
  }

  /**
   * Cursor-paginated services with their stored scores (keyset on sort column + ref).
   * `total` is counted for the first page (unless the caller knows it) and carried in the
   * cursor, so later pages do not count every matching service again.
   */
  async listScores(
    query: Scoped<ServicesQuery>,
    options: { total?: number } = {},
  ): Promise<{ items: ServiceScoreRow[]; nextCursor?: string; total: number }> {
    const sortColumn = {
      overall: 's.overall',
      entityRef: 'p.entity_ref',
      blockers: 's.blockers',
      computedAt: 's.computed_at',
    }[query.sort];
    // Sort column and ref from one table, as one index holds them (scores by column and
    // ref, plans by ref): a page deep in the list is an index range, like the first.
    const scoreSort = query.sort !== 'entityRef';
    const refColumn = scoreSort ? 's.entity_ref' : 'p.entity_ref';
    const q = filteredPlans(this.db, query, {
      visibleOn: scoreSort ? 's' : 'p',
    }).select(
      'p.entity_ref',
      ...PLAN_CATALOG_COLUMNS.map(c => `p.${c}`),
      's.overall',
      's.status',
      's.blockers',
      's.stage',
      's.dimensions',
      's.computed_at',
    );
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const total =
      options.total ??
      (cursor && cursorTotal(cursor)) ??
      (await this.countScores(query));
    if (cursor) {
      const op = query.order === 'asc' ? '>' : '<';
      if (!scoreSort) {
        q.where('p.entity_ref', op, cursor.r);
      } else {
        q.whereRaw(`(${sortColumn}, s.entity_ref) ${op} (?, ?)`, [
          cursorValue(cursor.v, query.sort),
          cursor.r,
        ]);
      }
    }
    q.orderBy([
      { column: sortColumn, order: query.order },
      { column: refColumn, order: query.order },
    ]).limit(query.limit + 1);
    const rows: PlanScoreRow[] = await q;
    const page = rows.slice(0, query.limit);
    const items: ServiceScoreRow[] = page.map(r => ({
      entityRef: r.entity_ref,
      ...catalogFieldsOf(r),
      overall: Number(r.overall),
      status: r.status,
      blockers: r.blockers,
      stage: Number(r.stage),
      dimensions: json(r.dimensions),
      computedAt: iso(r.computed_at)!,
    }));
    const last = page[page.length - 1];
    const sortKey = sortColumn.slice(2) as keyof PlanScoreRow;
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({
            v:
              query.sort === 'computedAt'
                ? iso(last.computed_at)
                : last[sortKey],
            r: last.entity_ref,
            t: total,
          })
        : undefined;
    return { items, total, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** The stored scores of the plans (not archived) among `refs`. */
  async scoresOf(refs: string[]): Promise<
    Array<{
      entityRef: string;
      overall: number;
      status: ServiceScoreRow['status'];
    }>
  > {
    if (refs.length === 0) return [];
    const rows: Array<Pick<DbScoresRow, 'entity_ref' | 'overall' | 'status'>> =
      await this.db('readiness_scores as s')
        .join('readiness_plans as p', 'p.entity_ref', 's.entity_ref')
        .whereNull('p.archived_at')
        .whereIn('s.entity_ref', normalizeRefs(refs))
        .select('s.entity_ref', 's.overall', 's.status')
        .orderBy('s.entity_ref');
    return rows.map(r => ({
      entityRef: r.entity_ref,
      overall: Number(r.overall),
      status: r.status,
    }));
  }

  /**
   * Evidence of active plans that expires before `until` (already expired included), soonest
   * first with ties by id; with `page`, at most `limit` items after the `after` keyset.
   */
  async listExpiringEvidence(
    until: Date,
    visible?: string[],
    page?: { limit?: number; after?: EvidenceCursor; owners?: string[] },
  ): Promise<ExpiringEvidenceItem[]> {
    const q = this.db('readiness_evidence as e')
      .join('readiness_plans as p', 'p.entity_ref', 'e.entity_ref')
      .whereNull('p.archived_at');
    if (visible) q.whereRaw('p.entity_ref = any(?)', [visible]);
    if (page?.owners)
      q.whereRaw('p.owner = any(?)', [page.owners.map(normalizeRef)]);
    if (page?.after)
      q.whereRaw('(e.expires_at, e.id) > (?, ?::uuid)', [
        page.after.expiresAt,
        page.after.id,
      ]);
    if (page?.limit) q.limit(page.limit);
    const rows: Array<
      Pick<
        DbEvidenceRow,
        'entity_ref' | 'task_id' | 'id' | 'summary' | 'expires_at'
      > &
        Pick<DbPlansRow, 'owner'>
    > = await q
      .whereNotNull('e.expires_at')
      .where('e.expires_at', '<', until)
      .whereNot('e.kind', 'check')
      // A task's older proof is superseded by a later one that is at least as trusted (a
      // CI job proving a task on every build): only the last one's expiry matters.
      .whereNotExists(
        this.db('readiness_evidence as n').whereRaw(
          `n.entity_ref = e.entity_ref and n.task_id = e.task_id and n.id <> e.id
           and (n.expires_at is null or n.expires_at > e.expires_at)
           and ${TRUST_RANK('n')} >= ${TRUST_RANK('e')}`,
        ),
      )
      .select(
        'e.entity_ref',
        'p.owner',
        'e.task_id',
        'e.id',
        'e.summary',
        'e.expires_at',
      )
      .orderBy([{ column: 'e.expires_at' }, { column: 'e.id' }]);
    return rows.map(r => ({
      entityRef: r.entity_ref,
      owner: r.owner ?? undefined,
      taskId: r.task_id,
      evidenceId: r.id,
      summary: r.summary,
      expiresAt: iso(r.expires_at)!,
    }));
  }

  /** The count of the open P0 blockers of active plans matching the filters. */
  async countBlockers(filters: Scoped<ServiceFilters>): Promise<number> {
    const counted: { n?: Aggregate } | undefined = await withBlockers(
      filteredPlans(this.db, filters),
    )
      .sum({ n: 's.blockers' })
      .first();
    return Number(counted?.n ?? 0);
  }

  /**
   * A page of the open P0 blockers of active plans, from the stored score rows: by service
   * ref, each service's blockers by task id, at most `limit` after the `after`
   * position (which may be within a service), with the count of all of them.
   */
  async listBlockers(
    filters: Scoped<ServiceFilters>,
    page: {
      limit: number;
      after?: BlockerCursor;
      /** The count of all of them, when the caller has it already. */
      total?: number;
    },
  ): Promise<{
    items: OrgBlocker[];
    total: number;
    next?: BlockerCursor;
  }> {
    const { after } = page;
    const q = withBlockers(filteredPlans(this.db, filters));
    if (after) q.where('p.entity_ref', '>=', after.entityRef);
    // Every service listed has a blocker, so limit + 1 services past the one the cursor is
    // within fill the page and show whether another follows.
    const rows: Array<
      Pick<DbPlansRow, 'entity_ref' | 'owner' | 'system'> &
        Pick<DbScoresRow, 'blocker_list'>
    > = await q
      .clone()
      .select('p.entity_ref', 'p.owner', 'p.system', 's.blocker_list')
      .orderBy('p.entity_ref')
      .limit(page.limit + 2);
    const total =
      after?.total ?? page.total ?? (await this.countBlockers(filters));
    const listed = rows.flatMap(r => {
      // Within a service by task id, so a page can resume after a task even when it has
      // stopped being a blocker (or the template reordered its tasks) meanwhile.
      let blockers = [...json(r.blocker_list)].sort((a, b) =>
        compareTaskIds(a.taskId, b.taskId),
      );
      if (after && r.entity_ref === after.entityRef) {
        blockers = blockers.filter(
          b => compareTaskIds(b.taskId, after.taskId) > 0,
        );
      }
      return blockers.map(b => ({
        entityRef: r.entity_ref,
        owner: r.owner ?? undefined,
        system: r.system ?? undefined,
        taskId: b.taskId,
        title: b.title,
        kind: b.kind,
      }));
    });
    const items = listed.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items,
      total,
      ...(listed.length > page.limit
        ? { next: { entityRef: last.entityRef, taskId: last.taskId, total } }
        : {}),
    };
  }
}
