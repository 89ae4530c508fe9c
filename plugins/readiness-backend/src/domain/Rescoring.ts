import { Evidence, isFailedCheck } from '@prodready/plugin-readiness-common';
import { PlanStore } from '../database/PlanStore';
import { ScoreStore } from '../database/ScoreStore';
import { CommandLayer } from './CommandLayer';

/** Plans re-scored per transaction by the scheduled re-evaluation. */
const REEVALUATE_PAGE = 500;
/** Pages of the re-evaluation in flight at once (each holds a pooled connection). */
const PAGES_AT_ONCE = 2;
/** Per-change snapshots older than this are pruned; daily snapshots stay. */
const SNAPSHOT_DETAIL_DAYS = 30;

/** One automatic check's outcome on one task, as the check runner reports it. @internal */
export interface CheckResult {
  taskId: string;
  actor: string;
  outcome: 'passed' | 'failed';
  evidence: Omit<Evidence, 'id'>;
}

/**
 * Re-scoring without a person's write: the scheduled re-evaluation (expiry moves scores),
 * explicit recomputes, and the outcomes of the automatic checks, all through the commands.
 * @internal
 */
export class Rescoring {
  constructor(
    private readonly deps: {
      scores: ScoreStore;
      plans: PlanStore;
      commands: CommandLayer;
      /** Plans per page (REEVALUATE_PAGE). */
      pageSize?: number;
    },
  ) {}

  /**
   * Scheduled re-evaluation: expiry changes scores without any write, so every plan is
   * re-scored; the first run of a UTC day records the daily snapshot. Old per-change
   * snapshots are pruned (daily points are kept).
   */
  async reevaluateAll(now: Date = new Date()) {
    const startOfDay = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    );
    // Pages of plans with batched reads and writes (a query per plan made 10 000 plans take
    // longer than the hourly budget allowed), two at once on disjoint ranges of refs: one
    // page is scored here while the database loads or stores the other.
    const size = Math.max(1, Math.floor(this.deps.pageSize ?? REEVALUATE_PAGE));
    const ranges: Array<Promise<number>> = [];
    let after: string | undefined;
    try {
      for (;;) {
        const until = await this.deps.plans.activeRefAfter(after, size);
        // Waits for the oldest range still running when PAGES_AT_ONCE are.
        if (ranges.length >= PAGES_AT_ONCE)
          await ranges[ranges.length - PAGES_AT_ONCE];
        const range = this.rescoreRange(after, until, size, startOfDay);
        // Awaited below; until then a failure must not count as unhandled.
        range.catch(() => undefined);
        ranges.push(range);
        if (!until) break;
        after = until;
      }
    } finally {
      // No transaction outlives the run, even when a range failed.
      await Promise.allSettled(ranges);
    }
    let daily = 0;
    for (const count of await Promise.all(ranges)) daily += count;
    const pruned = await this.deps.scores.prune(
      new Date(now.getTime() - SNAPSHOT_DETAIL_DAYS * 86_400_000),
    );
    return { daily, pruned };
  }

  /**
   * Re-scores the plans after `after` up to `until` (to the end without it), a page of at
   * most twice `size` per transaction: plans registered into the range since its end was
   * found make it longer, never one unbounded transaction. Returns the daily snapshots.
   */
  private async rescoreRange(
    after: string | undefined,
    until: string | undefined,
    size: number,
    since: Date,
  ): Promise<number> {
    let daily = 0;
    let from = after;
    for (;;) {
      const page = await this.deps.commands.rescorePage({
        after: from,
        until,
        limit: 2 * size,
        since,
      });
      daily += page.daily;
      if (page.count < 2 * size) return daily;
      from = page.last;
    }
  }

  /** Recomputes and stores the score; writes a snapshot when it moved. */
  async recompute(
    entityRef: string,
    reason: string,
    options?: { always?: boolean },
  ) {
    return (
      await this.deps.commands.command(
        entityRef,
        reason,
        async () => undefined,
        options,
      )
    ).score;
  }

  /**
   * Records the outcomes of the automatic checks on one plan in one command: passing checks
   * replace their evidence (trusted as the check declares) and mark the task done; failing
   * ones remove it and undo only a "done" the check itself set.
   */
  async applyCheckResults(entityRef: string, results: CheckResult[]) {
    if (results.length === 0) return undefined;
    const { score } = await this.deps.commands.command(
      entityRef,
      'automatic checks',
      async store => {
        const states = new Map(
          (await store.tasks.list(entityRef)).map(t => [t.taskId, t]),
        );
        for (const r of results) {
          const state = states.get(r.taskId);
          // A pass the check itself rates a claim (the annotation points at someone else's
          // system) cannot take back a machine's verified "no": the failure stands.
          if (
            r.outcome === 'passed' &&
            r.evidence.trust === 'claimed' &&
            state?.evidence.some(
              e => e.recordedBy === r.actor && isFailedCheck(e),
            )
          )
            continue;
          if (r.outcome === 'passed') {
            await store.evidence.replaceCheckEvidence(
              entityRef,
              r.taskId,
              r.actor,
              r.evidence,
            );
            if (state?.status !== 'done') {
              await store.tasks.update({
                entityRef,
                taskId: r.taskId,
                expectedVersion: state?.version ?? 0,
                actor: r.actor,
                action: 'check.passed',
                patch: { status: 'done' },
              });
            }
          } else {
            // The failure stays on the task as proof that has run out: a task a machine
            // says is not done is worth no more than one whose proof expired (0), however
            // "done" its status is, until someone proves or claims it afresh.
            await store.evidence.replaceCheckEvidence(
              entityRef,
              r.taskId,
              r.actor,
              {
                ...r.evidence,
                summary: `Failed: ${r.evidence.summary}`,
                expiresAt: r.evidence.recordedAt,
              },
            );
            // Only undo what the check itself did; a person's "done" stays (now unproven).
            if (state?.status === 'done' && state.updatedBy === r.actor) {
              await store.tasks.update({
                entityRef,
                taskId: r.taskId,
                expectedVersion: state.version,
                actor: r.actor,
                action: 'check.failed',
                patch: { status: 'todo', notes: r.evidence.summary },
              });
            }
          }
        }
      },
    );
    return score;
  }
}
