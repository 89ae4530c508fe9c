import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  Evidence,
  Exemption,
  ExemptionRequest,
  ReadinessScore,
  ReadinessTemplate,
  RollupGroup,
  RunbookLink,
  ServiceFilters,
  ServiceScoreRow,
  ServicesQuery,
  TaskState,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import { InputError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { CheckRunStore } from './CheckRunStore';
import { OrgStore } from './OrgStore';
import { InitiativeStore } from './InitiativeStore';
import { randomUUID } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@prodready/plugin-readiness-backend',
  'migrations',
);

/**
 * The store uses PostgreSQL features (row locks with `lock_timeout`, `= any(?)`, JSONB,
 * partial indexes). Backstage's generated apps default to SQLite, so this is the first thing
 * an adopter meets: refuse at start-up, once, saying how to fix it.
 */
function requirePostgres(knex: Knex) {
  const client = String(knex.client?.config?.client ?? '');
  if (client === 'pg' || client === 'postgres' || client === 'postgresql')
    return;
  throw new Error(
    `The readiness plugin needs PostgreSQL, but its database client is '${client}'. ` +
      'Configure Postgres in app-config.yaml: backend.database.client: pg with a connection ' +
      '(https://backstage.io/docs/getting-started/config/database), or give only this plugin ' +
      'Postgres with backend.database.plugin.readiness.client: pg and its own connection.',
  );
}

/** A stored readiness plan. @internal */
export interface PlanRecord {
  entityRef: string;
  templateId: string;
  templateVersion: number;
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tier?: string;
  archivedAt?: string;
  /** The template the plan is pinned to (absent for plans created before pinning). */
  templateSnapshot?: ReadinessTemplate;
  /** The catalog entity as of the last registration or sync. */
  entitySnapshot?: Entity;
  createdAt: string;
  updatedAt: string;
}

/** Catalog-derived fields of a plan. @internal */
export type PlanInput = Omit<
  PlanRecord,
  'createdAt' | 'updatedAt' | 'archivedAt' | 'templateSnapshot'
> & { templateSnapshot: ReadinessTemplate };

/** The parts of an entity a plan keeps (no status, no processing details). */
const entitySnapshot = (entity: Entity | undefined) =>
  entity
    ? JSON.stringify({
        apiVersion: entity.apiVersion,
        kind: entity.kind,
        metadata: {
          name: entity.metadata.name,
          namespace: entity.metadata.namespace,
          title: entity.metadata.title,
          annotations: entity.metadata.annotations,
          links: entity.metadata.links,
        },
        spec: entity.spec,
        relations: entity.relations?.map(r => ({
          type: r.type,
          targetRef: r.targetRef,
        })),
      })
    : null;

const planRow = (input: PlanInput, now: Date) => ({
  entity_ref: input.entityRef.toLocaleLowerCase('en-US'),
  template_id: input.templateId,
  template_version: input.templateVersion,
  owner: input.owner ?? null,
  system: input.system ?? null,
  domain: input.domain ?? null,
  lifecycle: input.lifecycle ?? null,
  tier: input.tier ?? null,
  template_snapshot: JSON.stringify(input.templateSnapshot),
  entity_snapshot: entitySnapshot(input.entitySnapshot),
  created_at: now,
  updated_at: now,
});

// Plans share a handful of templates: rows carry a hash, the parsed template is shared.
const PLAN_COLUMNS = [
  'entity_ref',
  'template_id',
  'template_version',
  'owner',
  'system',
  'domain',
  'lifecycle',
  'tier',
  'archived_at',
  'entity_snapshot',
  'created_at',
  'updated_at',
];

/** Fields a task update may change. @internal */
export interface TaskPatch {
  status?: TaskStatus;
  assignee?: string | null;
  notes?: string | null;
  checklist?: Record<string, boolean>;
  exemption?: Exemption | null;
  exemptionRequest?: ExemptionRequest | null;
}

/** Result of an optimistic-concurrency task update. @internal */
export type TaskUpdateResult =
  | { ok: true; state: TaskState }
  | { ok: false; current: TaskState };

/**
 * List filters plus the entity refs the caller may see in the catalog (`undefined`: all).
 * @internal
 */
export type Scoped<T> = T & { visible?: string[] };

/** A score snapshot. @internal */
export interface ScoreSnapshot {
  overall: number;
  status: string;
  blockers: number;
  dimensions: Record<string, number | null>;
  reason: string;
  recordedAt: string;
}

/**
 * A plan with its task states, evidence, current score and score history, for bulk loads
 * (benchmarks, migrations from other tools). @internal
 */
export interface BulkPlan {
  plan: PlanInput;
  tasks: Array<{
    taskId: string;
    status: TaskStatus;
    checklist?: Record<string, boolean>;
    updatedAt: string;
  }>;
  evidence: Array<{ taskId: string; evidence: Omit<Evidence, 'id'> }>;
  score: ReadinessScore;
  history: Array<Omit<ScoreSnapshot, 'dimensions'> & { dimensions: object }>;
}

const iso = (v: Date | string | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : new Date(v).toISOString();

// jsonb does not keep key order, so compare dimension maps key by key.
const sameDimensions = (
  a: Record<string, unknown>,
  b: Record<string, unknown>,
) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.keys(b).every(k => a[k] === b[k]);

const encodeCursor = (c: { v: unknown; r: string }) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

const decodeCursor = (cursor: string): { v: unknown; r: string } => {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // `r` reaches PostgreSQL as text: an entity ref, so short and free of control characters.
    if (
      typeof c?.r === 'string' &&
      c.r.length <= 300 &&
      // eslint-disable-next-line no-control-regex
      !/[\u0000-\u001f\u007f]/.test(c.r)
    )
      return c;
  } catch {
    // fall through
  }
  throw new InputError(
    'Invalid request: cursor: not a cursor returned by this API',
  );
};

/** The sort value of a decoded cursor, checked against the column it pages through. */
const cursorValue = (v: unknown, sort: string): number | Date => {
  if (sort === 'computedAt') {
    const at = typeof v === 'string' ? new Date(v) : undefined;
    // Only years PostgreSQL's timestamptz holds as JavaScript writes them.
    const year = at?.getUTCFullYear() ?? NaN;
    if (at && year >= 1 && year <= 9999) return at;
  } else {
    // numeric columns come back from pg as strings; cursors carry either form
    const n =
      typeof v === 'string' && /^-?\d{1,12}(\.\d{1,6})?$/.test(v)
        ? Number(v)
        : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  throw new InputError(
    'Invalid request: cursor: not a cursor returned by this API',
  );
};

/** SQL rank of an evidence row's provenance: verified 2, reviewed 1, claimed 0. */
const TRUST_RANK = (alias: string) =>
  `(case ${alias}.trust when 'verified' then 2 when 'reviewed' then 1 else 0 end)`;

const json = <T>(v: unknown): T =>
  (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The tasks an initiative's goal counts as proven: proven, or exempt by approval. */
const provenTasks = (score: ReadinessScore) =>
  score.tasks
    .filter(t => ['proven', 'exempt', 'not_applicable'].includes(t.kind))
    .map(t => t.taskId);

/**
 * SQL condition on a plan row `p`: one of its catalog `dependsOn` targets (as of the last
 * sync) is an active plan whose stored status is Not ready, among `visible` when given.
 */
const blockedByDependencies = (visible?: string[]) => `exists (
  select 1
  from jsonb_array_elements(
    case when jsonb_typeof(p.entity_snapshot->'relations') = 'array'
      then p.entity_snapshot->'relations' else '[]'::jsonb end
  ) as rel
  join readiness_scores as ds on ds.entity_ref = lower(rel->>'targetRef')
  join readiness_plans as dp on dp.entity_ref = ds.entity_ref and dp.archived_at is null
  where rel->>'type' = 'dependsOn' and ds.status = 'not_ready'${
    visible ? ' and ds.entity_ref = any(?)' : ''
  })`;
const visibleBinding = (visible?: string[]) => (visible ? [visible] : []);

/**
 * Owns all SQL of the readiness plugin. Rows are keyed by the lower-cased entity ref.
 * @internal
 */
export class DatabaseReadinessStore {
  /** The last run of each automatic check per task. */
  readonly checkRuns: CheckRunStore;
  /** The org chart the catalog sync stores. */
  readonly org: OrgStore;
  /** Initiatives and their burn-up history. */
  readonly initiatives: InitiativeStore;

  private constructor(private readonly db: Knex) {
    this.checkRuns = new CheckRunStore(db);
    this.org = new OrgStore(db);
    this.initiatives = new InitiativeStore(db);
  }

  private readonly templates = new Map<string, ReadinessTemplate>();

  static async create({
    database,
    skipMigrations,
  }: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseReadinessStore> {
    const client = await database.getClient();
    requirePostgres(client);
    if (!database.migrations?.skip && !skipMigrations) {
      try {
        await client.migrate.latest({ directory: migrationsDir });
      } catch (error) {
        // Replicas starting together race to create knex's own bookkeeping tables; the loser
        // retries once the winner has created them (knex's lock covers the rest).
        await new Promise(r => setTimeout(r, 500 + Math.random() * 1000));
        await client.migrate.latest({ directory: migrationsDir });
      }
    }
    return new DatabaseReadinessStore(client);
  }

  async getPlan(entityRef: string): Promise<PlanRecord | undefined> {
    const rows = await this.planQuery().where({
      entity_ref: entityRef.toLocaleLowerCase('en-US'),
    });
    return (await this.toPlans(rows))[0];
  }

  private planQuery() {
    return this.db('readiness_plans').select(
      ...PLAN_COLUMNS,
      this.db.raw('md5(template_snapshot::text) as template_key'),
    );
  }

  /** Plan rows (from `planQuery`) to records, parsing each distinct template once. */
  private async toPlans(rows: any[]): Promise<PlanRecord[]> {
    const missing = [
      ...new Set(
        rows
          .map(r => r.template_key as string | null)
          .filter((k): k is string => !!k && !this.templates.has(k)),
      ),
    ];
    if (missing.length) {
      const refs = rows
        .filter(r => missing.includes(r.template_key))
        .map(r => r.entity_ref);
      const found: any[] = (
        await this.db.raw(
          `select distinct on (md5(template_snapshot::text))
             md5(template_snapshot::text) as template_key, template_snapshot
           from readiness_plans where entity_ref = any(?)`,
          [refs],
        )
      ).rows;
      for (const f of found) {
        if (this.templates.size >= 200) this.templates.clear();
        this.templates.set(f.template_key, json(f.template_snapshot));
      }
    }
    return rows.map(r =>
      this.toPlan({
        ...r,
        template_snapshot: r.template_key
          ? this.templates.get(r.template_key)
          : null,
      }),
    );
  }

  /** Creates the plan, or refreshes its catalog-derived fields; keeps the pinned template. */
  async upsertPlan(input: PlanInput): Promise<PlanRecord> {
    const row = { ...planRow(input, new Date()), archived_at: null };
    // An entity that returns to the catalog is restored with its history.
    const [saved] = await this.db('readiness_plans')
      .insert(row)
      .onConflict('entity_ref')
      .merge([
        'owner',
        'system',
        'domain',
        'lifecycle',
        'tier',
        'entity_snapshot',
        'archived_at',
        'updated_at',
      ])
      .returning('*');
    return this.toPlan(saved);
  }

  /**
   * Inserts whole plans in one transaction with multi-row inserts. Only for empty plans:
   * existing rows conflict and the batch is rolled back.
   */
  async bulkLoad(plans: BulkPlan[], actor: string): Promise<void> {
    const chunk = 1000;
    const now = new Date();
    await this.db.transaction(async tx => {
      const insert = async (table: string, rows: object[]) => {
        for (let i = 0; i < rows.length; i += chunk) {
          await tx(table).insert(rows.slice(i, i + chunk));
        }
      };
      await insert(
        'readiness_plans',
        plans.map(({ plan }) => planRow(plan, now)),
      );
      const ref = (b: BulkPlan) => b.plan.entityRef.toLocaleLowerCase('en-US');
      await insert(
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
      await insert(
        'readiness_evidence',
        plans.flatMap(b =>
          b.evidence.map(e =>
            this.toEvidenceRow(ref(b), e.taskId, {
              ...e.evidence,
              id: randomUUID(),
            }),
          ),
        ),
      );
      await insert(
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
      await insert(
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

  async listTaskStates(entityRef: string): Promise<TaskState[]> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    const [rows, evidence] = await Promise.all([
      this.db('readiness_task_states').where({ entity_ref: ref }),
      this.db('readiness_evidence')
        .where({ entity_ref: ref })
        .orderBy('recorded_at', 'asc'),
    ]);
    return this.assembleTaskStates(rows, evidence);
  }

  /** Task states from state rows and evidence rows (oldest first) of one plan. */
  private assembleTaskStates(rows: any[], evidence: any[]): TaskState[] {
    const byTask = new Map<string, Evidence[]>();
    for (const e of evidence) {
      const list = byTask.get(e.task_id) ?? [];
      list.push(this.toEvidence(e));
      byTask.set(e.task_id, list);
    }
    const states = rows.map(r =>
      this.toTaskState(r, byTask.get(r.task_id) ?? []),
    );
    // Evidence may arrive (e.g. from CI) before anyone touched the task.
    for (const [taskId, list] of byTask) {
      if (!states.some(s => s.taskId === taskId)) {
        states.push({
          taskId,
          status: 'todo',
          checklist: {},
          evidence: list,
          version: 0,
        });
      }
    }
    return states;
  }

  /**
   * Applies a patch if the stored version equals `expectedVersion` (0 for a task never
   * written). Otherwise returns the current state and writes nothing.
   */
  async updateTask(options: {
    entityRef: string;
    taskId: string;
    patch: TaskPatch;
    expectedVersion: number;
    actor: string;
    action?: string;
  }): Promise<TaskUpdateResult> {
    const ref = options.entityRef.toLocaleLowerCase('en-US');
    const { taskId, patch, expectedVersion, actor } = options;
    return this.db.transaction(async tx => {
      const existing = await tx('readiness_task_states')
        .where({ entity_ref: ref, task_id: taskId })
        .forUpdate()
        .first();
      const evidence = (
        await tx('readiness_evidence')
          .where({ entity_ref: ref, task_id: taskId })
          .orderBy('recorded_at', 'asc')
      ).map(e => this.toEvidence(e));
      const before: TaskState = existing
        ? this.toTaskState(existing, evidence)
        : { taskId, status: 'todo', checklist: {}, evidence, version: 0 };
      if (before.version !== expectedVersion) {
        return { ok: false as const, current: before };
      }
      const now = new Date();
      const exemption =
        patch.exemption === undefined ? before.exemption : patch.exemption;
      const request =
        patch.exemptionRequest === undefined
          ? before.exemptionRequest
          : patch.exemptionRequest;
      const next = {
        entity_ref: ref,
        task_id: taskId,
        status: patch.status ?? before.status,
        assignee:
          patch.assignee === undefined
            ? before.assignee ?? null
            : patch.assignee,
        notes: patch.notes === undefined ? before.notes ?? null : patch.notes,
        checklist: JSON.stringify({
          ...before.checklist,
          ...(patch.checklist ?? {}),
        }),
        exemption: exemption ? JSON.stringify(exemption) : null,
        exemption_request: request ? JSON.stringify(request) : null,
        version: before.version + 1,
        updated_at: now,
        updated_by: actor,
      };
      let saved;
      if (existing) {
        [saved] = await tx('readiness_task_states')
          .where({ entity_ref: ref, task_id: taskId, version: expectedVersion })
          .update(next)
          .returning('*');
      } else {
        // A concurrent first write makes this insert a no-op: report the winner's state.
        [saved] = await tx('readiness_task_states')
          .insert(next)
          .onConflict(['entity_ref', 'task_id'])
          .ignore()
          .returning('*');
      }
      if (!saved) {
        const current = await tx('readiness_task_states')
          .where({ entity_ref: ref, task_id: taskId })
          .first();
        return {
          ok: false as const,
          current: this.toTaskState(current, evidence),
        };
      }
      const state = this.toTaskState(saved, evidence);
      await this.log(tx, {
        entityRef: ref,
        taskId,
        action: options.action ?? 'task.update',
        actor,
        before,
        after: state,
      });
      return { ok: true as const, state };
    });
  }

  async addEvidence(options: {
    entityRef: string;
    taskId: string;
    evidence: Omit<Evidence, 'id'>;
  }): Promise<Evidence> {
    const ref = options.entityRef.toLocaleLowerCase('en-US');
    const e = { ...options.evidence, id: randomUUID() };
    await this.db.transaction(async tx => {
      await tx('readiness_evidence').insert(
        this.toEvidenceRow(ref, options.taskId, e),
      );
      await this.log(tx, {
        entityRef: ref,
        taskId: options.taskId,
        action: 'evidence.add',
        actor: e.recordedBy,
        after: e,
      });
    });
    return e;
  }

  /**
   * Replaces the evidence one automatic check keeps on a task (one row per check, so
   * hourly runs do not grow the table). Without `evidence` it only deletes; returns the
   * number of rows removed.
   */
  async replaceCheckEvidence(
    entityRef: string,
    taskId: string,
    recordedBy: string,
    evidence: Omit<Evidence, 'id'> | undefined,
  ): Promise<number> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    return this.db.transaction(async tx => {
      const removed = await tx('readiness_evidence')
        .where({
          entity_ref: ref,
          task_id: taskId,
          kind: 'check',
          recorded_by: recordedBy,
        })
        .delete();
      if (evidence) {
        await tx('readiness_evidence').insert(
          this.toEvidenceRow(ref, taskId, {
            ...evidence,
            id: randomUUID(),
            recordedBy,
          }),
        );
      }
      return removed;
    });
  }

  /**
   * Runs `fn` in one transaction holding the plan's row lock, with a store bound to that
   * transaction: writes to one plan are serialised, and a write and the score it moves
   * commit together (the command layer's unit of work).
   */
  async withPlanLock<T>(
    entityRef: string,
    fn: (store: DatabaseReadinessStore) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      // A writer never waits forever on a plan another one holds: it fails and is retried.
      await tx.raw(`set local lock_timeout = '10s'`);
      await tx('readiness_plans')
        .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
        .forUpdate()
        .first('entity_ref');
      return fn(new DatabaseReadinessStore(tx));
    });
  }

  /** Runs `fn` with a store bound to one transaction. */
  async inTransaction<T>(
    fn: (store: DatabaseReadinessStore) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      await tx.raw(`set local lock_timeout = '10s'`);
      return fn(new DatabaseReadinessStore(tx));
    });
  }

  async getEvidence(
    entityRef: string,
    taskId: string,
    evidenceId: string,
  ): Promise<Evidence | undefined> {
    const row = await this.db('readiness_evidence')
      .where({
        entity_ref: entityRef.toLocaleLowerCase('en-US'),
        task_id: taskId,
        id: evidenceId,
      })
      .first();
    return row ? this.toEvidence(row) : undefined;
  }

  /** Records a second person's decision on pending evidence; false when not pending. */
  async reviewEvidence(options: {
    entityRef: string;
    taskId: string;
    evidenceId: string;
    approved: boolean;
    reviewer: string;
    comment?: string;
    at: Date;
  }): Promise<Evidence | undefined> {
    const ref = options.entityRef.toLocaleLowerCase('en-US');
    const [row] = await this.db('readiness_evidence')
      .where({
        entity_ref: ref,
        task_id: options.taskId,
        id: options.evidenceId,
        review_state: 'pending',
      })
      .update({
        review_state: options.approved ? 'approved' : 'rejected',
        trust: options.approved ? 'reviewed' : 'claimed',
        reviewed_by: options.reviewer,
        reviewed_at: options.at,
        review_comment: options.comment ?? null,
      })
      .returning('*');
    if (!row) return undefined;
    const evidence = this.toEvidence(row);
    await this.log(this.db, {
      entityRef: ref,
      taskId: options.taskId,
      action: options.approved ? 'evidence.approve' : 'evidence.reject',
      actor: options.reviewer,
      after: evidence,
    });
    return evidence;
  }

  /**
   * Evidence of active plans awaiting review, oldest first, leaving out what `reviewer`
   * submitted and plans owned by `excludeOwners`.
   */
  async listPendingReviews(options: {
    reviewer: string;
    excludeOwners: string[];
    visible?: string[];
    limit: number;
  }): Promise<
    Array<{
      entityRef: string;
      owner?: string;
      taskId: string;
      template: ReadinessTemplate | undefined;
      evidence: Evidence;
    }>
  > {
    const q = this.db('readiness_evidence as e')
      .join('readiness_plans as p', 'p.entity_ref', 'e.entity_ref')
      .whereNull('p.archived_at')
      .where('e.review_state', 'pending')
      .whereNot('e.recorded_by', options.reviewer);
    if (options.excludeOwners.length) {
      q.where(w =>
        w
          .whereNull('p.owner')
          .orWhereRaw('not (lower(p.owner) = any(?))', [options.excludeOwners]),
      );
    }
    if (options.visible) q.whereRaw('p.entity_ref = any(?)', [options.visible]);
    const rows = await q
      .select('e.*', 'p.owner as plan_owner', 'p.template_id as plan_template')
      .orderBy('e.recorded_at')
      .limit(options.limit);
    const plans = await this.toPlans(
      await this.planQuery().whereIn('entity_ref', [
        ...new Set(rows.map((r: any) => r.entity_ref)),
      ]),
    );
    const templateOf = new Map(
      plans.map(p => [p.entityRef, p.templateSnapshot]),
    );
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      owner: r.plan_owner ?? undefined,
      taskId: r.task_id,
      template: templateOf.get(r.entity_ref),
      evidence: this.toEvidence(r),
    }));
  }

  /**
   * A plan with its task states and runbooks in one round trip (the entity read path).
   */
  async getPlanView(
    entityRef: string,
  ): Promise<
    | { plan: PlanRecord; tasks: TaskState[]; runbooks: RunbookLink[] }
    | undefined
  > {
    const rows = await this.planQuery()
      .select(
        this.db.raw(
          `(select coalesce(json_agg(t), '[]') from readiness_task_states t
              where t.entity_ref = readiness_plans.entity_ref) as task_rows`,
        ),
        this.db.raw(
          `(select coalesce(json_agg(e order by e.recorded_at), '[]') from readiness_evidence e
              where e.entity_ref = readiness_plans.entity_ref) as evidence_rows`,
        ),
        this.db.raw(
          `(select coalesce(json_agg(r order by r.type, r.title), '[]') from readiness_runbook_links r
              where r.entity_ref = readiness_plans.entity_ref) as runbook_rows`,
        ),
      )
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') });
    if (rows.length === 0) return undefined;
    const [plan] = await this.toPlans(rows);
    const row = rows[0];
    return {
      plan,
      tasks: this.assembleTaskStates(
        json(row.task_rows),
        json(row.evidence_rows),
      ),
      runbooks: json<any[]>(row.runbook_rows).map(r => this.toRunbook(r)),
    };
  }

  async listRunbooks(entityRef: string): Promise<RunbookLink[]> {
    const rows = await this.db('readiness_runbook_links')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .orderBy([{ column: 'type' }, { column: 'title' }]);
    return rows.map(r => this.toRunbook(r));
  }

  /** Replaces the catalog-sourced runbook links of a plan; API-added links are kept. */
  async replaceCatalogRunbooks(
    entityRef: string,
    links: Array<Pick<RunbookLink, 'type' | 'title' | 'url'>>,
  ): Promise<void> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    await this.db.transaction(async tx => {
      const existing = await tx('readiness_runbook_links').where({
        entity_ref: ref,
        source: 'catalog',
      });
      const key = (l: { type: string; url: string }) => `${l.type} ${l.url}`;
      const wanted = new Set(links.map(key));
      const have = new Set(existing.map(key));
      const stale = existing.filter(l => !wanted.has(key(l))).map(l => l.id);
      if (stale.length)
        await tx('readiness_runbook_links').whereIn('id', stale).delete();
      const fresh = links.filter(l => !have.has(key(l)));
      if (fresh.length) {
        await tx('readiness_runbook_links').insert(
          fresh.map(l => ({
            id: randomUUID(),
            entity_ref: ref,
            type: l.type,
            title: l.title,
            url: l.url,
            source: 'catalog',
          })),
        );
      }
    });
  }

  /**
   * Stores the latest score of a plan and appends a snapshot when the score moved
   * (or always, for the daily snapshot). Returns whether a snapshot was written.
   */
  async saveScore(
    entityRef: string,
    score: ReadinessScore,
    reason: string,
    options: { always?: boolean } = {},
  ): Promise<boolean> {
    const [written] = await this.saveScores([
      { entityRef, score, reason, always: options.always },
    ]);
    return written;
  }

  /**
   * `saveScore` for many plans in one transaction with multi-row statements (the scheduled
   * re-evaluation of every plan). Returns, per entry, whether a snapshot was written.
   */
  async saveScores(
    entries: Array<{
      entityRef: string;
      score: ReadinessScore;
      reason: string;
      always?: boolean;
    }>,
  ): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const rows = entries.map(({ entityRef, score }) => ({
      entity_ref: entityRef.toLocaleLowerCase('en-US'),
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
    }));
    return this.db.transaction(async tx => {
      const prevRows = await tx('readiness_scores')
        .whereIn(
          'entity_ref',
          rows.map(r => r.entity_ref),
        )
        .orderBy('entity_ref')
        .forUpdate();
      const prev = new Map(prevRows.map(r => [r.entity_ref, r]));
      await tx('readiness_scores')
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
        await tx('readiness_score_snapshots').insert(
          snapshots.slice(i, i + 1000),
        );
      }
      return written;
    });
  }

  /**
   * One page of active plans (keyset on the entity ref) with their task states, stored
   * score, and whether they have a snapshot since `since`: four queries per page.
   */
  async loadPlanPage(options: {
    after?: string;
    limit: number;
    since: Date;
    /** Lock the page's plan rows (in a transaction): writers wait, nothing is overwritten. */
    lock?: boolean;
  }): Promise<
    Array<{
      plan: PlanRecord;
      tasks: TaskState[];
      stored?: { overall: number; status: string; blockers: number };
      snapshotSince: boolean;
    }>
  > {
    const q = this.planQuery()
      .whereNull('archived_at')
      .orderBy('entity_ref')
      .limit(options.limit);
    if (options.after) q.where('entity_ref', '>', options.after);
    if (options.lock) q.forUpdate();
    const plans = await this.toPlans(await q);
    if (plans.length === 0) return [];
    const refs = plans.map(p => p.entityRef);
    const [states, evidence, scores, recent] = await Promise.all([
      this.db('readiness_task_states').whereIn('entity_ref', refs),
      this.db('readiness_evidence')
        .whereIn('entity_ref', refs)
        .orderBy('recorded_at', 'asc'),
      this.db('readiness_scores').whereIn('entity_ref', refs),
      this.db('readiness_score_snapshots')
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
        tasks: this.assembleTaskStates(
          statesBy.get(plan.entityRef) ?? [],
          evidenceBy.get(plan.entityRef) ?? [],
        ),
        ...(score
          ? {
              stored: {
                overall: Number(score.overall),
                status: score.status,
                blockers: score.blockers,
              },
            }
          : {}),
        snapshotSince: recentSet.has(plan.entityRef),
      };
    });
  }

  async getHistory(
    entityRef: string,
    range: { from?: Date; to?: Date } = {},
  ): Promise<ScoreSnapshot[]> {
    const q = this.db('readiness_score_snapshots')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
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

  /** Re-pins a plan to another template version (explicit upgrades only). */
  async setPlanTemplate(
    entityRef: string,
    template: ReadinessTemplate,
    actor: string,
    report: unknown,
  ): Promise<void> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    await this.db.transaction(async tx => {
      await tx('readiness_plans')
        .where({ entity_ref: ref })
        .update({
          template_id: template.id,
          template_version: template.version,
          template_snapshot: JSON.stringify(template),
          updated_at: new Date(),
        });
      await this.log(tx, {
        entityRef: ref,
        action: 'plan.upgrade',
        actor,
        after: report,
      });
    });
  }

  /**
   * Archives the active plans whose entity is not in `present` (it left the catalog): they
   * drop out of rollups but keep their data. Returns the refs archived.
   */
  async archiveMissing(present: string[]): Promise<string[]> {
    const keep = new Set(present.map(r => r.toLocaleLowerCase('en-US')));
    const active = await this.listActivePlanRefs();
    const gone = active.filter(r => !keep.has(r));
    for (let i = 0; i < gone.length; i += 500) {
      await this.db('readiness_plans')
        .whereIn('entity_ref', gone.slice(i, i + 500))
        .update({ archived_at: new Date() });
    }
    return gone;
  }

  /** Refs of all plans that are not archived. */
  async listActivePlanRefs(): Promise<string[]> {
    const rows = await this.db('readiness_plans')
      .whereNull('archived_at')
      .orderBy('entity_ref')
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async addRunbook(
    entityRef: string,
    link: Omit<RunbookLink, 'id' | 'source'>,
    actor: string,
  ): Promise<RunbookLink> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    const saved: RunbookLink = { ...link, id: randomUUID(), source: 'api' };
    await this.db.transaction(async tx => {
      await tx('readiness_runbook_links').insert({
        id: saved.id,
        entity_ref: ref,
        type: saved.type,
        title: saved.title,
        url: saved.url,
        source: 'api',
        last_reviewed_at: saved.lastReviewedAt
          ? new Date(saved.lastReviewedAt)
          : null,
      });
      await this.log(tx, {
        entityRef: ref,
        action: 'runbook.add',
        actor,
        after: saved,
      });
    });
    return saved;
  }

  /**
   * Changes a runbook link. Catalog links may only get a review date: their title and url
   * come from catalog-info.yaml.
   */
  async updateRunbook(
    entityRef: string,
    id: string,
    patch: { title?: string; url?: string; lastReviewedAt?: string | null },
    actor: string,
  ): Promise<RunbookLink | undefined> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    return this.db.transaction(async tx => {
      const before = await tx('readiness_runbook_links')
        .where({ entity_ref: ref, id })
        .forUpdate()
        .first();
      if (!before) return undefined;
      if (before.source === 'catalog' && (patch.title || patch.url)) {
        throw new InputError(
          'title and url of a catalog runbook link come from catalog-info.yaml; only lastReviewedAt can change',
        );
      }
      const changes: Record<string, unknown> = {};
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.url !== undefined) changes.url = patch.url;
      if (patch.lastReviewedAt !== undefined) {
        changes.last_reviewed_at = patch.lastReviewedAt
          ? new Date(patch.lastReviewedAt)
          : null;
      }
      const [row] = Object.keys(changes).length
        ? await tx('readiness_runbook_links')
            .where({ id })
            .update(changes)
            .returning('*')
        : [before];
      const after = this.toRunbook(row);
      await this.log(tx, {
        entityRef: ref,
        action: 'runbook.update',
        actor,
        before: this.toRunbook(before),
        after,
      });
      return after;
    });
  }

  /** Deletes an API-added runbook link; returns false when there is none with that id. */
  async deleteRunbook(
    entityRef: string,
    id: string,
    actor: string,
  ): Promise<boolean> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    return this.db.transaction(async tx => {
      const before = await tx('readiness_runbook_links')
        .where({ entity_ref: ref, id })
        .first();
      if (!before) return false;
      if (before.source === 'catalog') {
        throw new InputError(
          'catalog runbook links are removed by editing catalog-info.yaml',
        );
      }
      await tx('readiness_runbook_links').where({ id }).delete();
      await this.log(tx, {
        entityRef: ref,
        action: 'runbook.delete',
        actor,
        before: this.toRunbook(before),
      });
      return true;
    });
  }

  private filtered(filters: Scoped<ServiceFilters>) {
    const q = this.db('readiness_plans as p')
      .join('readiness_scores as s', 's.entity_ref', 'p.entity_ref')
      .whereNull('p.archived_at');
    if (filters.visible) q.whereRaw('p.entity_ref = any(?)', [filters.visible]);
    const columns = {
      owner: 'p.owner',
      system: 'p.system',
      domain: 'p.domain',
      lifecycle: 'p.lifecycle',
      tier: 'p.tier',
      status: 's.status',
    } as const;
    if (filters.minStage) q.where('s.stage', '>=', filters.minStage);
    if (filters.blockedByDependencies) {
      q.whereRaw(
        blockedByDependencies(filters.visible),
        visibleBinding(filters.visible),
      );
    }
    for (const [key, column] of Object.entries(columns)) {
      const values = filters[key as keyof typeof columns];
      if (values?.length) {
        q.whereIn(
          column,
          values.map(v =>
            key === 'status' ? v : v.toLocaleLowerCase('en-US'),
          ),
        );
      }
    }
    return q;
  }

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
      const q = this.filtered(filters);
      if (groupBy !== 'group') return q;
      const level = this.db('readiness_org_groups').select('group_ref');
      if (filters.parent)
        level.where('parent_ref', filters.parent.toLocaleLowerCase('en-US'));
      else level.whereNull('parent_ref');
      q.join('readiness_org_members as m', 'm.member_ref', 'p.owner').whereIn(
        'm.ancestor_ref',
        level,
      );
      // Groups the caller cannot see in the catalog are not named to them.
      if (filters.visible)
        q.whereRaw('m.ancestor_ref = any(?)', [filters.visible]);
      return q;
    };
    const key = this.db.raw(`coalesce(${column}, '(none)')`);
    const [groups, buckets, stages] = await Promise.all([
      scope()
        .select({ key })
        .count({ services: '*' })
        .avg({ average: 's.overall' })
        .min({ min: 's.overall' })
        .max({ max: 's.overall' })
        .sum({ blockers: 's.blockers' })
        .select(
          this.db.raw(
            `sum(case when ${blockedByDependencies(
              filters.visible,
            )} then 1 else 0 end) as blocked_by_dependencies`,
            visibleBinding(filters.visible),
          ),
        )
        .select(
          this.db.raw(
            `sum(case when s.status = 'ready' then 1 else 0 end) as ready`,
          ),
          this.db.raw(
            `sum(case when s.status = 'at_risk' then 1 else 0 end) as at_risk`,
          ),
          this.db.raw(
            `sum(case when s.status = 'not_ready' then 1 else 0 end) as not_ready`,
          ),
        )
        .groupByRaw(`coalesce(${column}, '(none)')`)
        .orderBy('key'),
      scope()
        .select({ key })
        .select(this.db.raw('least(floor(s.overall / 10), 9)::int as bucket'))
        .count({ n: '*' })
        .groupByRaw(
          `coalesce(${column}, '(none)'), least(floor(s.overall / 10), 9)`,
        ),
      scope()
        .select({ key }, 's.stage')
        .count({ n: '*' })
        .groupByRaw(`coalesce(${column}, '(none)'), s.stage`),
    ]);
    const deepest = Math.max(0, ...stages.map((s: any) => Number(s.stage)));
    return groups.map((g: any) => {
      const distribution = new Array(10).fill(0);
      for (const b of buckets as any[]) {
        if (b.key === g.key) distribution[Number(b.bucket)] = Number(b.n);
      }
      const stageCounts = new Array(deepest + 1).fill(0);
      for (const s of stages as any[]) {
        if (s.key === g.key) stageCounts[Number(s.stage)] = Number(s.n);
      }
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
        stageCounts,
      };
    });
  }

  /** Cursor-paginated services with their stored scores (keyset on sort column + ref). */
  async listScores(
    query: Scoped<ServicesQuery>,
  ): Promise<{ items: ServiceScoreRow[]; nextCursor?: string; total: number }> {
    const sortColumn = {
      overall: 's.overall',
      entityRef: 'p.entity_ref',
      blockers: 's.blockers',
      computedAt: 's.computed_at',
    }[query.sort];
    const q = this.filtered(query).select(
      'p.entity_ref',
      'p.owner',
      'p.system',
      'p.domain',
      'p.lifecycle',
      'p.tier',
      's.overall',
      's.status',
      's.blockers',
      's.stage',
      's.dimensions',
      's.computed_at',
    );
    const total = Number(
      ((await this.filtered(query).count({ n: '*' }).first()) as any)?.n ?? 0,
    );
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      const op = query.order === 'asc' ? '>' : '<';
      if (query.sort === 'entityRef') {
        q.where('p.entity_ref', op, cursor.r);
      } else {
        q.whereRaw(`(${sortColumn}, p.entity_ref) ${op} (?, ?)`, [
          cursorValue(cursor.v, query.sort),
          cursor.r,
        ]);
      }
    }
    q.orderBy([
      { column: sortColumn, order: query.order },
      { column: 'p.entity_ref', order: query.order },
    ]).limit(query.limit + 1);
    const rows = await q;
    const page = rows.slice(0, query.limit);
    const items: ServiceScoreRow[] = page.map((r: any) => ({
      entityRef: r.entity_ref,
      owner: r.owner ?? undefined,
      system: r.system ?? undefined,
      domain: r.domain ?? undefined,
      lifecycle: r.lifecycle ?? undefined,
      tier: r.tier ?? undefined,
      overall: Number(r.overall),
      status: r.status,
      blockers: r.blockers,
      stage: Number(r.stage),
      dimensions: json(r.dimensions),
      computedAt: iso(r.computed_at)!,
    }));
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({
            v:
              query.sort === 'computedAt'
                ? iso(last.computed_at)
                : last[sortColumn.slice(2)],
            r: last.entity_ref,
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
    const rows = await this.db('readiness_scores as s')
      .join('readiness_plans as p', 'p.entity_ref', 's.entity_ref')
      .whereNull('p.archived_at')
      .whereIn(
        's.entity_ref',
        refs.map(r => r.toLocaleLowerCase('en-US')),
      )
      .select('s.entity_ref', 's.overall', 's.status')
      .orderBy('s.entity_ref');
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      overall: Number(r.overall),
      status: r.status,
    }));
  }

  /** The stored score of a plan, if any. */
  async getScore(
    entityRef: string,
  ): Promise<
    { overall: number; status: string; blockers: number } | undefined
  > {
    const row = await this.db('readiness_scores')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .first();
    return row
      ? {
          overall: Number(row.overall),
          status: row.status,
          blockers: row.blockers,
        }
      : undefined;
  }

  /**
   * Claims a notification event; true only for the first claim, so replicas and re-runs
   * never announce the same event twice.
   */
  async claimNotification(
    entityRef: string,
    eventKey: string,
  ): Promise<boolean> {
    const rows = await this.db('readiness_notifications_sent')
      .insert({
        entity_ref: entityRef.toLocaleLowerCase('en-US'),
        event_key: eventKey,
      })
      .onConflict(['entity_ref', 'event_key'])
      .ignore()
      .returning('event_key');
    return rows.length === 1;
  }

  /** Gives a claim back (the notification could not be sent). */
  async releaseNotification(
    entityRef: string,
    eventKey: string,
  ): Promise<void> {
    await this.db('readiness_notifications_sent')
      .where({
        entity_ref: entityRef.toLocaleLowerCase('en-US'),
        event_key: eventKey,
      })
      .delete();
  }

  /** Evidence of active plans that expires before `until` (already expired included). */
  async listExpiringEvidence(
    until: Date,
    visible?: string[],
  ): Promise<
    Array<{
      entityRef: string;
      owner?: string;
      taskId: string;
      evidenceId: string;
      summary: string;
      expiresAt: string;
    }>
  > {
    const q = this.db('readiness_evidence as e')
      .join('readiness_plans as p', 'p.entity_ref', 'e.entity_ref')
      .whereNull('p.archived_at');
    if (visible) q.whereRaw('p.entity_ref = any(?)', [visible]);
    const rows = await q
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
      .orderBy('e.expires_at');
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      owner: r.owner ?? undefined,
      taskId: r.task_id,
      evidenceId: r.id,
      summary: r.summary,
      expiresAt: iso(r.expires_at)!,
    }));
  }

  /** Every open P0 blocker of active plans, from the stored score rows. */
  async listBlockers(filters: Scoped<ServiceFilters>): Promise<
    Array<{
      entityRef: string;
      owner?: string;
      system?: string;
      taskId: string;
      title: string;
      kind: string;
    }>
  > {
    const rows = await this.filtered(filters)
      .where('s.blockers', '>', 0)
      .select('p.entity_ref', 'p.owner', 'p.system', 's.blocker_list')
      .orderBy('p.entity_ref');
    return rows.flatMap((r: any) =>
      json<Array<{ taskId: string; title: string; kind: string }>>(
        r.blocker_list,
      ).map(b => ({
        entityRef: r.entity_ref,
        owner: r.owner ?? undefined,
        system: r.system ?? undefined,
        taskId: b.taskId,
        title: b.title,
        kind: b.kind,
      })),
    );
  }

  /**
   * Daily trend from the snapshots: per UTC day, the average of each service's last
   * snapshot of that day, and how many services were ready.
   */
  async trend(
    filters: Scoped<ServiceFilters>,
    since: Date,
  ): Promise<
    Array<{ day: string; average: number; services: number; ready: number }>
  > {
    const refs = this.filtered(filters).select('p.entity_ref');
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
      .orderByRaw(`x.entity_ref, ${day}, x.recorded_at desc`)
      .as('d');
    const rows = await this.db
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
    return rows.map((r: any) => ({
      day: new Date(r.day).toISOString().slice(0, 10),
      average: Math.round(Number(r.average) * 10) / 10,
      services: Number(r.services),
      ready: Number(r.ready),
    }));
  }

  /** True when the plan has a snapshot recorded at or after `since`. */
  async hasSnapshotSince(entityRef: string, since: Date): Promise<boolean> {
    const row = await this.db('readiness_score_snapshots')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .where('recorded_at', '>=', since)
      .first('id');
    return Boolean(row);
  }

  /**
   * Retention: before `cutoff` only the daily snapshots are kept; the per-change ones are
   * deleted. Returns the number of rows deleted.
   */
  async pruneSnapshots(cutoff: Date): Promise<number> {
    return this.db('readiness_score_snapshots')
      .where('recorded_at', '<', cutoff)
      .whereNot('reason', 'daily')
      .delete();
  }

  async getChangeLog(entityRef: string, limit = 50) {
    const rows = await this.db('readiness_change_log')
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(r => ({
      taskId: r.task_id ?? undefined,
      action: r.action,
      actor: r.actor,
      before: r.before ? json(r.before) : undefined,
      after: r.after ? json(r.after) : undefined,
      at: iso(r.at)!,
    }));
  }

  private async log(
    tx: Knex,
    entry: {
      entityRef: string;
      taskId?: string;
      action: string;
      actor: string;
      before?: unknown;
      after?: unknown;
    },
  ) {
    await tx('readiness_change_log').insert({
      entity_ref: entry.entityRef,
      task_id: entry.taskId ?? null,
      action: entry.action,
      actor: entry.actor,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    });
  }

  private toRunbook(r: any): RunbookLink {
    return {
      id: r.id,
      type: r.type,
      title: r.title,
      url: r.url,
      source: r.source,
      ...(r.last_reviewed_at
        ? { lastReviewedAt: iso(r.last_reviewed_at) }
        : {}),
    };
  }

  private toPlan(row: any): PlanRecord {
    return {
      entityRef: row.entity_ref,
      templateId: row.template_id,
      templateVersion: row.template_version,
      owner: row.owner ?? undefined,
      system: row.system ?? undefined,
      domain: row.domain ?? undefined,
      lifecycle: row.lifecycle ?? undefined,
      tier: row.tier ?? undefined,
      archivedAt: iso(row.archived_at),
      ...(row.template_snapshot
        ? { templateSnapshot: json<ReadinessTemplate>(row.template_snapshot) }
        : {}),
      ...(row.entity_snapshot
        ? { entitySnapshot: json<Entity>(row.entity_snapshot) }
        : {}),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  private toTaskState(row: any, evidence: Evidence[]): TaskState {
    const exemption = row.exemption
      ? json<Exemption>(row.exemption)
      : undefined;
    const exemptionRequest = row.exemption_request
      ? json<ExemptionRequest>(row.exemption_request)
      : undefined;
    return {
      taskId: row.task_id,
      status: row.status,
      assignee: row.assignee ?? undefined,
      notes: row.notes ?? undefined,
      checklist: json(row.checklist) ?? {},
      evidence,
      ...(exemption ? { exemption } : {}),
      ...(exemptionRequest ? { exemptionRequest } : {}),
      version: row.version,
      updatedAt: iso(row.updated_at),
      updatedBy: row.updated_by ?? undefined,
    };
  }

  private toEvidenceRow(entityRef: string, taskId: string, e: Evidence) {
    return {
      id: e.id,
      entity_ref: entityRef,
      task_id: taskId,
      kind: e.kind,
      url: e.url ?? null,
      summary: e.summary,
      source: e.source,
      recorded_at: new Date(e.recordedAt),
      recorded_by: e.recordedBy,
      expires_at: e.expiresAt ? new Date(e.expiresAt) : null,
      trust: e.trust,
      review_state: e.review?.state ?? null,
      reviewed_by: e.review?.reviewedBy ?? null,
      reviewed_at: e.review?.reviewedAt ? new Date(e.review.reviewedAt) : null,
      review_comment: e.review?.comment ?? null,
    };
  }

  private toEvidence(row: any): Evidence {
    return {
      id: row.id,
      kind: row.kind,
      ...(row.url ? { url: row.url } : {}),
      summary: row.summary,
      source: row.source,
      recordedAt: iso(row.recorded_at)!,
      recordedBy: row.recorded_by,
      ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
      trust: row.trust ?? 'claimed',
      ...(row.review_state
        ? {
            review: {
              state: row.review_state,
              ...(row.reviewed_by ? { reviewedBy: row.reviewed_by } : {}),
              ...(row.reviewed_at ? { reviewedAt: iso(row.reviewed_at) } : {}),
              ...(row.review_comment ? { comment: row.review_comment } : {}),
            },
          }
        : {}),
    };
  }
}
