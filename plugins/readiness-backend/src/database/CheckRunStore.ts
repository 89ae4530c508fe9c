import { Knex } from 'knex';
import { CheckRun } from '@prodready/plugin-readiness-common';
import { normalizeRef } from './refs';
import { DbCheckRunsRow } from './tables';

/** A `readiness_check_runs` row (or its json_agg form) as a check run. @internal */
export const toCheckRun = (r: DbCheckRunsRow): CheckRun => ({
  taskId: r.task_id,
  checkId: r.check_id,
  checkTitle: r.check_title,
  outcome: r.outcome,
  summary: r.summary,
  ...(r.url ? { url: r.url } : {}),
  ranAt: new Date(r.ran_at).toISOString(),
});

/** The last run of each automatic check per task (`readiness_check_runs`). @internal */
export class CheckRunStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the last runs of `entityRef`'s tasks with these: tasks no check ran this time
   * (the check left the template, its module was uninstalled) lose their old line.
   */
  async record(entityRef: string, runs: CheckRun[]): Promise<void> {
    const stale = this.db<DbCheckRunsRow>('readiness_check_runs').where({
      entity_ref: normalizeRef(entityRef),
    });
    if (runs.length)
      stale.whereNotIn(
        'task_id',
        runs.map(r => r.taskId),
      );
    await stale.delete();
    if (runs.length === 0) return;
    const rows: DbCheckRunsRow[] = runs.map(r => ({
      entity_ref: normalizeRef(entityRef),
      task_id: r.taskId,
      check_id: r.checkId,
      check_title: r.checkTitle,
      outcome: r.outcome,
      summary: r.summary.slice(0, 2000),
      url: r.url ?? null,
      ran_at: r.ranAt,
    }));
    await this.db<DbCheckRunsRow>('readiness_check_runs')
      .insert(rows)
      .onConflict(['entity_ref', 'task_id'])
      .merge();
  }

  /** The last check runs of a plan's tasks, by task id. */
  async list(entityRef: string): Promise<CheckRun[]> {
    const rows = await this.db<DbCheckRunsRow>('readiness_check_runs')
      .where({ entity_ref: normalizeRef(entityRef) })
      .orderBy('task_id');
    return rows.map(toCheckRun);
  }
}
