import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ReadinessScore,
  ScoredTaskState,
  TaskState,
  readinessCard,
  scoreWithWhatIf,
} from '@prodready/plugin-readiness-common';
import {
  DatabaseReadinessStore,
  PlanRecord,
} from '../database/DatabaseReadinessStore';
import { normalizeRef } from '../database/refs';
import { TaskStore } from '../database/TaskStore';
import { ReadinessNotifier } from '../notify/ReadinessNotifier';
import { PlanLookup } from './PlanLookup';

/** Thrown when a task update carries a stale `expectedVersion`. @internal */
export class StaleVersionError extends Error {
  name = 'ConflictError';
  constructor(readonly current: TaskState) {
    super(
      `Task ${current.taskId} was changed by someone else (now at version ${current.version}); reload and apply your change again`,
    );
  }
}

/** The patch of a task write, as the store takes it. @internal */
export type TaskWritePatch = Parameters<TaskStore['update']>[0]['patch'];

/**
 * The one command layer that writes: every change to a plan goes through here, re-scored
 * in the same transaction under the plan's lock, then the org read model is told scores
 * moved and owners are notified. Writes to one plan queue per replica.
 * @internal
 */
export class CommandLayer {
  /**
   * Per-replica queues of writes to one plan (lower-cased ref), not a cache: an entry
   * lives while a write to that plan is queued or running and is deleted when the last
   * one settles, so the map holds at most the plans being written at this moment.
   */
  private readonly planQueues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      store: DatabaseReadinessStore;
      plans: PlanLookup;
      logger: LoggerService;
      notifier?: ReadinessNotifier;
      /** Told after every committed score write (drops cached org rollups). */
      scoresChanged: () => Promise<void>;
    },
  ) {}

  /**
   * The one write path: runs `write` and re-scores the plan in one transaction holding the
   * plan's lock, so the stored score (and with it rollups, blockers and the gate) always
   * matches the plan. Notifications go out after the commit.
   */
  async command<T>(
    entityRef: string,
    reason: string,
    write: (store: DatabaseReadinessStore) => Promise<T>,
    options?: { always?: boolean },
  ): Promise<{ result: T; score: ReadinessScore }> {
    const done = await this.serialised(entityRef, () =>
      this.deps.store.withPlanLock(entityRef, async store => {
        const result = await write(store);
        const plan = await store.plans.get(entityRef);
        if (!plan)
          throw new NotFoundError(`${entityRef} has no readiness plan`);
        const { score, card } = this.scored(
          plan,
          await store.tasks.list(entityRef),
        );
        const before = await store.scores.get(entityRef);
        await store.scores.save(entityRef, score, reason, {
          ...options,
          card,
        });
        return { result, score, before, plan };
      }),
    );
    await this.deps.scoresChanged();
    await this.notify(() =>
      this.deps.notifier?.scoreChanged({
        entityRef: done.plan.entityRef,
        owner: done.plan.owner,
        before: done.before,
        after: done.score,
      }),
    );
    return { result: done.result, score: done.score };
  }

  /** A command that changes one task at `expectedVersion`, or a StaleVersionError. */
  async writeTask(
    entityRef: string,
    taskId: string,
    expectedVersion: number,
    actor: string,
    action: string,
    patch: TaskWritePatch,
  ): Promise<{ task: TaskState; score: ReadinessScore }> {
    const { result, score } = await this.command(
      entityRef,
      `${action} on ${taskId}`,
      async store => {
        const updated = await store.tasks.update({
          entityRef,
          taskId,
          expectedVersion,
          actor,
          action,
          patch,
        });
        if (!updated.ok) throw new StaleVersionError(updated.current);
        return updated.state;
      },
    );
    return { task: result, score };
  }

  /**
   * A write that moves no score (a live plan's catalog fields and runbook links): no lock
   * and no re-score, but still only through this layer.
   */
  async refresh<T>(write: (store: DatabaseReadinessStore) => Promise<T>) {
    return write(this.deps.store);
  }

  /**
   * Re-scores one page of plans (the first `limit` after `after`, up to `until` inclusive
   * when given, in ref order) in one transaction holding their locks, like a command: a
   * write that lands meanwhile waits, so its score is never overwritten by a stale one.
   * Plans without a snapshot since `since` get their daily one.
   */
  async rescorePage(options: {
    after?: string;
    until?: string;
    limit: number;
    since: Date;
  }) {
    const { page, scored } = await this.deps.store.inTransaction(
      async store => {
        const rows = await store.scores.loadPage({ ...options, lock: true });
        const scores = rows.map(({ plan, tasks, snapshotSince }) => ({
          entityRef: plan.entityRef,
          ...this.scored(plan, tasks),
          reason: snapshotSince ? 'scheduled re-evaluation' : 'daily',
          always: !snapshotSince,
        }));
        await store.scores.saveMany(scores);
        return { page: rows, scored: scores };
      },
    );
    if (page.length === 0) return { count: 0, daily: 0, last: undefined };
    await this.deps.scoresChanged();
    for (const [i, { plan, stored }] of page.entries()) {
      await this.notify(() =>
        this.deps.notifier?.scoreChanged({
          entityRef: plan.entityRef,
          owner: plan.owner,
          before: stored,
          after: scored[i].score,
        }),
      );
    }
    return {
      count: page.length,
      daily: scored.filter(s => s.always).length,
      last: page[page.length - 1].plan.entityRef,
    };
  }

  /** A plan's score and, scored at the same instant, the card stored with it. */
  private scored(plan: PlanRecord, tasks: ScoredTaskState[]) {
    const template = this.deps.plans.templateOf(plan);
    const { score, whatIf } = scoreWithWhatIf(
      template,
      Object.fromEntries(tasks.map(t => [t.taskId, t])),
    );
    return { score, card: readinessCard({ template, tasks, score, whatIf }) };
  }

  /** A committed write stays answered even when its notification cannot be sent. */
  async notify(send: () => Promise<unknown> | undefined): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.deps.logger.warn(`Readiness notification failed: ${error}`);
    }
  }

  /**
   * Writes to one plan wait here, in this replica, rather than each holding a pooled
   * connection while it waits for the row lock (a burst on one plan would drain the pool).
   */
  private async serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = normalizeRef(key);
    const previous = this.planQueues.get(k) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.planQueues.set(k, tail);
    tail.then(() => {
      if (this.planQueues.get(k) === tail) this.planQueues.delete(k);
    });
    return run;
  }
}
