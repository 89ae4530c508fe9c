import { Knex } from 'knex';
import { normalizeRef } from './refs';
import { DbChangeLogRow, iso, json } from './tables';

/** An entry to append to the change log. @internal */
export interface ChangeLogInput {
  entityRef: string;
  taskId?: string;
  action: string;
  actor: string;
  before?: unknown;
  after?: unknown;
}

/** An entry of the change log as read back. @internal */
export interface ChangeLogEntry {
  taskId?: string;
  action: string;
  actor: string;
  before?: unknown;
  after?: unknown;
  at: string;
}

/**
 * The append-only log of every write (`readiness_change_log`). Writers append within their
 * own transaction: construct it over that transaction.
 * @internal
 */
export class ChangeLogStore {
  constructor(private readonly db: Knex) {}

  /** The latest entries of a plan, newest first. */
  async list(entityRef: string, limit = 50): Promise<ChangeLogEntry[]> {
    const rows = await this.db<DbChangeLogRow>('readiness_change_log')
      .where({ entity_ref: normalizeRef(entityRef) })
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

  /** Appends one entry. */
  async append(entry: ChangeLogInput): Promise<void> {
    await this.db<DbChangeLogRow>('readiness_change_log').insert({
      entity_ref: normalizeRef(entry.entityRef),
      task_id: entry.taskId ?? null,
      action: entry.action,
      actor: entry.actor,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    });
  }
}
