import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ChangeLogStore } from './ChangeLogStore';
import { CheckRunStore } from './CheckRunStore';
import { EvidenceStore } from './EvidenceStore';
import { InitiativeStore } from './InitiativeStore';
import { NotificationClaimStore } from './NotificationClaimStore';
import { OrgStore } from './OrgStore';
import { PlanStore, TemplateCache } from './PlanStore';
import { ReadModelStore } from './ReadModelStore';
import { RunbookStore } from './RunbookStore';
import { ScoreStore } from './ScoreStore';
import { TaskStore } from './TaskStore';

export type { PlanInput, PlanRecord } from './PlanStore';
export type { TaskPatch, TaskUpdateResult } from './TaskStore';
export type { ScoreSnapshot } from './ScoreStore';
export type { Scoped } from './filters';

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

/**
 * The readiness plugin's database: one store per aggregate, all over the same connection or
 * transaction. Rows are keyed by the lower-cased entity ref (see ./refs).
 * @internal
 */
export class DatabaseReadinessStore {
  /** Readiness plans, their pinned templates, archiving and the plan lock. */
  readonly plans: PlanStore;
  /** Task states and their optimistic-concurrency updates. */
  readonly tasks: TaskStore;
  /** Evidence on tasks, check evidence and reviews. */
  readonly evidence: EvidenceStore;
  /** Runbook links from the catalog and the API. */
  readonly runbooks: RunbookStore;
  /** Stored scores, snapshots, history, trend and retention. */
  readonly scores: ScoreStore;
  /** The org read model: rollups, services list, blockers, expiring evidence. */
  readonly readModel: ReadModelStore;
  /** The append-only change log. */
  readonly changeLog: ChangeLogStore;
  /** Claims on notification events. */
  readonly notifications: NotificationClaimStore;
  /** The last run of each automatic check per task. */
  readonly checkRuns: CheckRunStore;
  /** The org chart the catalog sync stores. */
  readonly org: OrgStore;
  /** Initiatives and their burn-up history. */
  readonly initiatives: InitiativeStore;

  private constructor(
    private readonly db: Knex,
    private readonly templates: TemplateCache = new Map(),
  ) {
    this.plans = new PlanStore(db, templates);
    this.tasks = new TaskStore(db);
    this.evidence = new EvidenceStore(db, this.plans);
    this.runbooks = new RunbookStore(db);
    this.scores = new ScoreStore(db, this.plans);
    this.readModel = new ReadModelStore(db);
    this.changeLog = new ChangeLogStore(db);
    this.notifications = new NotificationClaimStore(db);
    this.checkRuns = new CheckRunStore(db);
    this.org = new OrgStore(db);
    this.initiatives = new InitiativeStore(db);
  }

  /** Connects to the plugin's database and runs its migrations unless they are skipped. */
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

  /**
   * Runs `fn` in one transaction holding the plan's row lock, with stores bound to that
   * transaction: writes to one plan are serialised, and a write and the score it moves
   * commit together (the command layer's unit of work).
   */
  async withPlanLock<T>(
    entityRef: string,
    fn: (store: DatabaseReadinessStore) => Promise<T>,
  ): Promise<T> {
    return this.inTransaction(async store => {
      await store.plans.lock(entityRef);
      return fn(store);
    });
  }

  /** Runs `fn` with stores bound to one transaction. */
  async inTransaction<T>(
    fn: (store: DatabaseReadinessStore) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      // A writer never waits forever on a plan another one holds: it fails and is retried.
      await tx.raw(`set local lock_timeout = '10s'`);
      return fn(new DatabaseReadinessStore(tx, this.templates));
    });
  }

  /** @deprecated use store.plans.get — moving in issue 16 */
  getPlan(...a: Parameters<PlanStore['get']>) {
    return this.plans.get(...a);
  }
  /** @deprecated use store.plans.upsert — moving in issue 16 */
  upsertPlan(...a: Parameters<PlanStore['upsert']>) {
    return this.plans.upsert(...a);
  }
  /** @deprecated use store.plans.getView — moving in issue 16 */
  getPlanView(...a: Parameters<PlanStore['getView']>) {
    return this.plans.getView(...a);
  }
  /** @deprecated use store.plans.setTemplate — moving in issue 16 */
  setPlanTemplate(...a: Parameters<PlanStore['setTemplate']>) {
    return this.plans.setTemplate(...a);
  }
  /** @deprecated use store.tasks.list — moving in issue 16 */
  listTaskStates(...a: Parameters<TaskStore['list']>) {
    return this.tasks.list(...a);
  }
  /** @deprecated use store.tasks.update — moving in issue 16 */
  updateTask(...a: Parameters<TaskStore['update']>) {
    return this.tasks.update(...a);
  }
  /** @deprecated use store.evidence.add — moving in issue 16 */
  addEvidence(...a: Parameters<EvidenceStore['add']>) {
    return this.evidence.add(...a);
  }
  /** @deprecated use store.evidence.replaceCheckEvidence — moving in issue 16 */
  replaceCheckEvidence(
    ...a: Parameters<EvidenceStore['replaceCheckEvidence']>
  ) {
    return this.evidence.replaceCheckEvidence(...a);
  }
  /** @deprecated use store.evidence.get — moving in issue 16 */
  getEvidence(...a: Parameters<EvidenceStore['get']>) {
    return this.evidence.get(...a);
  }
  /** @deprecated use store.evidence.review — moving in issue 16 */
  reviewEvidence(...a: Parameters<EvidenceStore['review']>) {
    return this.evidence.review(...a);
  }
  /** @deprecated use store.evidence.listPendingReviews — moving in issue 16 */
  listPendingReviews(...a: Parameters<EvidenceStore['listPendingReviews']>) {
    return this.evidence.listPendingReviews(...a);
  }
  /** @deprecated use store.runbooks.list — moving in issue 16 */
  listRunbooks(...a: Parameters<RunbookStore['list']>) {
    return this.runbooks.list(...a);
  }
  /** @deprecated use store.runbooks.replaceCatalog — moving in issue 16 */
  replaceCatalogRunbooks(...a: Parameters<RunbookStore['replaceCatalog']>) {
    return this.runbooks.replaceCatalog(...a);
  }
  /** @deprecated use store.runbooks.add — moving in issue 16 */
  addRunbook(...a: Parameters<RunbookStore['add']>) {
    return this.runbooks.add(...a);
  }
  /** @deprecated use store.runbooks.update — moving in issue 16 */
  updateRunbook(...a: Parameters<RunbookStore['update']>) {
    return this.runbooks.update(...a);
  }
  /** @deprecated use store.runbooks.delete — moving in issue 16 */
  deleteRunbook(...a: Parameters<RunbookStore['delete']>) {
    return this.runbooks.delete(...a);
  }
  /** @deprecated use store.scores.get — moving in issue 16 */
  getScore(...a: Parameters<ScoreStore['get']>) {
    return this.scores.get(...a);
  }
  /** @deprecated use store.scores.save — moving in issue 16 */
  saveScore(...a: Parameters<ScoreStore['save']>) {
    return this.scores.save(...a);
  }
  /** @deprecated use store.scores.saveMany — moving in issue 16 */
  saveScores(...a: Parameters<ScoreStore['saveMany']>) {
    return this.scores.saveMany(...a);
  }
  /** @deprecated use store.scores.loadPage — moving in issue 16 */
  loadPlanPage(...a: Parameters<ScoreStore['loadPage']>) {
    return this.scores.loadPage(...a);
  }
  /** @deprecated use store.scores.history — moving in issue 16 */
  getHistory(...a: Parameters<ScoreStore['history']>) {
    return this.scores.history(...a);
  }
  /** @deprecated use store.scores.trend — moving in issue 16 */
  trend(...a: Parameters<ScoreStore['trend']>) {
    return this.scores.trend(...a);
  }
  /** @deprecated use store.scores.prune — moving in issue 16 */
  pruneSnapshots(...a: Parameters<ScoreStore['prune']>) {
    return this.scores.prune(...a);
  }
  /** @deprecated use store.readModel.rollup — moving in issue 16 */
  rollup(...a: Parameters<ReadModelStore['rollup']>) {
    return this.readModel.rollup(...a);
  }
  /** @deprecated use store.readModel.listScores — moving in issue 16 */
  listScores(...a: Parameters<ReadModelStore['listScores']>) {
    return this.readModel.listScores(...a);
  }
  /** @deprecated use store.readModel.scoresOf — moving in issue 16 */
  scoresOf(...a: Parameters<ReadModelStore['scoresOf']>) {
    return this.readModel.scoresOf(...a);
  }
  /** @deprecated use store.readModel.listBlockers — moving in issue 16 */
  listBlockers(...a: Parameters<ReadModelStore['listBlockers']>) {
    return this.readModel.listBlockers(...a);
  }
  /** @deprecated use store.readModel.listExpiringEvidence — moving in issue 16 */
  listExpiringEvidence(
    ...a: Parameters<ReadModelStore['listExpiringEvidence']>
  ) {
    return this.readModel.listExpiringEvidence(...a);
  }
  /** @deprecated use store.changeLog.list — moving in issue 16 */
  getChangeLog(...a: Parameters<ChangeLogStore['list']>) {
    return this.changeLog.list(...a);
  }
}
