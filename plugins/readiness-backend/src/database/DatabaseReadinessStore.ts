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
    private readonly preparedStatements = true,
  ) {
    this.plans = new PlanStore(db, templates);
    this.tasks = new TaskStore(db);
    this.evidence = new EvidenceStore(db, this.plans);
    this.runbooks = new RunbookStore(db);
    this.scores = new ScoreStore(db, this.plans, { preparedStatements });
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
    preparedStatements,
  }: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** `readiness.preparedStatements`: the card read as a named statement (default true). */
    preparedStatements?: boolean;
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
    return new DatabaseReadinessStore(client, new Map(), preparedStatements);
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
      return fn(
        new DatabaseReadinessStore(tx, this.templates, this.preparedStatements),
      );
    });
  }
}
