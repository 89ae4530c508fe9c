import {
  BackupPolicy,
  CheckRun,
  DependencyReadiness,
  EntityReadinessResponse,
} from './api';
import { ReadinessScore } from './scoring';
import { RunbookType } from './types';

/** Evidence that has expired or will within this many days is listed on the card. */
const EXPIRING_WITHIN_DAYS = 30;
/** At most this many expiring pieces of evidence, soonest first. */
const EXPIRING_MAX = 5;
/** The tasks worth the most next: at most this many. */
const NEXT_MAX = 3;

/**
 * Response of `GET /entities/:kind/:namespace/:name/summary`: what the entity card shows,
 * computed from the full read ({@link EntityReadinessResponse}) by
 * {@link summarizeEntityReadiness}, without the template's descriptions.
 * @public
 */
export interface EntityReadinessSummary {
  /** The entity's ref, lower-cased as stored. */
  entityRef: string;
  /** The plan's template, its version, and when the plan was created and last changed. */
  plan: EntityReadinessResponse['plan'];
  /** A preview of a plan not stored yet (see {@link EntityReadinessResponse.pending}). */
  pending?: true;
  /** The score without its per-task evaluations and counts. */
  score: Omit<ReadinessScore, 'tasks' | 'counts'>;
  /** What proves each open P0 blocker: its verification and its check's last run. */
  blockerProofs: Array<{
    taskId: string;
    verification: string;
    run?: CheckRun;
  }>;
  /** The tasks that would raise the score most once proven (at most 3). */
  next: Array<{ taskId: string; title: string; gain: number }>;
  /**
   * Evidence people act on (not automatic checks' own) that expired or expires within 30
   * days of the read, soonest first (at most 5).
   */
  expiring: Array<{
    id: string;
    taskId: string;
    summary: string;
    expiresAt: string;
  }>;
  /** The dependencies that are not ready. */
  notReadyDependencies: DependencyReadiness[];
  /** As in {@link EntityReadinessResponse.sentry}. */
  sentry?: { project: string; url?: string };
  /** As in {@link EntityReadinessResponse.backupPolicy}. */
  backupPolicy?: BackupPolicy & { id: string; lastDrillAt?: string };
  /** The runbook links, without their source or review age. */
  runbooks: Array<{
    id: string;
    type: RunbookType;
    title: string;
    url: string;
    lastReviewedAt?: string;
  }>;
}

/**
 * The card's view of a full read: the same numbers, fewer fields. Pure; the backend's
 * summary route and the entity tab both use it, so the card and the tab cannot disagree.
 * @public
 */
export function summarizeEntityReadiness(
  data: EntityReadinessResponse,
  now: number = Date.now(),
): EntityReadinessSummary {
  const s = data.score;
  const score: EntityReadinessSummary['score'] = {
    overall: s.overall,
    uncapped: s.uncapped,
    capped: s.capped,
    status: s.status,
    dimensions: s.dimensions,
    phases: s.phases,
    blockers: s.blockers,
    stage: s.stage,
    evaluatedAt: s.evaluatedAt,
  };
  const templateTasks = new Map(
    data.template.phases.flatMap(p => p.tasks).map(t => [t.id, t]),
  );
  const runs = new Map((data.checkRuns ?? []).map(r => [r.taskId, r]));
  const soon = now + EXPIRING_WITHIN_DAYS * 86_400_000;
  const expiring = data.tasks
    .flatMap(t => t.evidence.map(e => ({ taskId: t.taskId, e })))
    // Automatic checks refresh their own short-lived evidence; people act on the rest.
    .filter(({ e }) => e.kind !== 'check' || !e.recordedBy.startsWith('check:'))
    .filter(({ e }) => e.expiresAt && Date.parse(e.expiresAt) < soon)
    .sort((a, b) => Date.parse(a.e.expiresAt!) - Date.parse(b.e.expiresAt!))
    .slice(0, EXPIRING_MAX)
    .map(({ taskId, e }) => ({
      id: e.id,
      taskId,
      summary: e.summary,
      expiresAt: e.expiresAt!,
    }));
  return {
    entityRef: data.entityRef,
    plan: data.plan,
    ...(data.pending ? { pending: true as const } : {}),
    score,
    blockerProofs: data.score.blockers.flatMap(b => {
      const task = templateTasks.get(b.taskId);
      if (!task) return [];
      const run = runs.get(b.taskId);
      return [
        {
          taskId: b.taskId,
          verification: task.verification,
          ...(run ? { run } : {}),
        },
      ];
    }),
    next: data.whatIf
      .filter(w => w.gain > 0)
      .slice(0, NEXT_MAX)
      .map(w => ({ taskId: w.taskId, title: w.title, gain: w.gain })),
    expiring,
    notReadyDependencies: (data.dependencies ?? []).filter(
      d => d.status === 'not_ready',
    ),
    ...(data.sentry ? { sentry: data.sentry } : {}),
    ...(data.backupPolicy ? { backupPolicy: data.backupPolicy } : {}),
    runbooks: data.runbooks.map(r => ({
      id: r.id,
      type: r.type,
      title: r.title,
      url: r.url,
      ...(r.lastReviewedAt ? { lastReviewedAt: r.lastReviewedAt } : {}),
    })),
  };
}
