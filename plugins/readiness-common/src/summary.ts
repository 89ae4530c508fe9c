import {
  BackupPolicy,
  CheckRun,
  DependencyReadiness,
  EntityReadinessResponse,
} from './api';
import { ReadinessScore, WhatIf } from './scoring';
import { ReadinessTemplate, RunbookType, ScoredTaskState } from './types';

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
  plan: Omit<EntityReadinessResponse['plan'], 'templateKey'>;
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
 * What the card shows that the plan alone decides (its template, tasks and score): the
 * backend stores it with the score on every re-score, so a card read does no scoring.
 * Build it with {@link readinessCard}; {@link summaryFromCard} adds what can change without
 * a re-score (catalog links, runbooks, check runs, dependencies, the expiry window).
 * @public
 */
export interface ReadinessCard {
  /** The shape of this card ({@link READINESS_CARD_FORMAT}); others are read as stale. */
  format: number;
  /** The score as the summary carries it (when it was evaluated included). */
  score: EntityReadinessSummary['score'];
  /** The open P0 blockers and what proves each one. */
  blockers: Array<{ taskId: string; verification: string }>;
  /** The tasks that would raise the score most once proven (at most 3). */
  next: EntityReadinessSummary['next'];
  /**
   * The five soonest-expiring pieces of evidence people act on, whatever their date; a read
   * keeps those within 30 days of it (a prefix of this list, as it is sorted by date).
   */
  expiring: EntityReadinessSummary['expiring'];
  /** When a restore drill (evidence a person cannot simply type in) was last recorded. */
  lastDrillAt?: string;
  /**
   * The first instant after scoring when an expiry can move the score: from then on the
   * stored card is stale and a read computes the summary afresh.
   */
  validUntil?: string;
}

/**
 * The format of the cards {@link readinessCard} builds: a stored card of another format is
 * stale (bump it whenever what a card holds or means changes).
 * @public
 */
export const READINESS_CARD_FORMAT = 1;

/**
 * The last restore drill recorded on the template's `restore-drill-recent` tasks (not an
 * attestation, not an automatic check's own record), or undefined.
 * @public
 */
export function lastRestoreDrill(
  template: ReadinessTemplate,
  tasks: ScoredTaskState[],
): string | undefined {
  const drillTasks = new Set(
    template.phases
      .flatMap(p => p.tasks)
      .filter(t => t.verification === 'restore-drill-recent')
      .map(t => t.id),
  );
  const drills = tasks
    .filter(t => drillTasks.has(t.taskId))
    .flatMap(t => t.evidence)
    .filter(e => e.kind !== 'attestation' && !e.recordedBy.startsWith('check:'))
    .map(e => e.recordedAt)
    .sort();
  return drills[drills.length - 1];
}

/**
 * The card's plan-decided part from a plan's template, task states, score and what-if
 * (as `scorePlan` and `whatIf` computed them at the same instant). Pure.
 * @public
 */
export function readinessCard(input: {
  template: ReadinessTemplate;
  tasks: ScoredTaskState[];
  score: ReadinessScore;
  whatIf: WhatIf[];
}): ReadinessCard {
  const { template, tasks, score: s } = input;
  const templateTasks = new Map(
    template.phases.flatMap(p => p.tasks).map(t => [t.id, t]),
  );
  const evaluatedAt = Date.parse(s.evaluatedAt);
  // Only expiries move a score with time (see evaluateTask).
  const expiries = tasks
    .flatMap(t => [...t.evidence.map(e => e.expiresAt), t.exemption?.expiresAt])
    .filter((at): at is string => at !== undefined)
    .map(at => Date.parse(at))
    .filter(at => at > evaluatedAt);
  const lastDrillAt = lastRestoreDrill(template, tasks);
  return {
    format: READINESS_CARD_FORMAT,
    score: {
      overall: s.overall,
      uncapped: s.uncapped,
      capped: s.capped,
      status: s.status,
      dimensions: s.dimensions,
      phases: s.phases,
      blockers: s.blockers,
      stage: s.stage,
      evaluatedAt: s.evaluatedAt,
    },
    blockers: s.blockers.flatMap(b => {
      const task = templateTasks.get(b.taskId);
      return task
        ? [{ taskId: b.taskId, verification: task.verification }]
        : [];
    }),
    next: input.whatIf
      .filter(w => w.gain > 0)
      .slice(0, NEXT_MAX)
      .map(w => ({ taskId: w.taskId, title: w.title, gain: w.gain })),
    expiring: tasks
      .flatMap(t => t.evidence.map(e => ({ taskId: t.taskId, e })))
      // Automatic checks refresh their own short-lived evidence; people act on the rest.
      .filter(
        ({ e }) => e.kind !== 'check' || !e.recordedBy.startsWith('check:'),
      )
      .filter(({ e }) => e.expiresAt)
      // Ties in id order, so a card stored from either read path is the same.
      .sort(
        (a, b) =>
          Date.parse(a.e.expiresAt!) - Date.parse(b.e.expiresAt!) ||
          (a.e.id < b.e.id ? -1 : Number(a.e.id > b.e.id)),
      )
      .slice(0, EXPIRING_MAX)
      .map(({ taskId, e }) => ({
        id: e.id,
        taskId,
        summary: e.summary,
        expiresAt: e.expiresAt!,
      })),
    ...(lastDrillAt ? { lastDrillAt } : {}),
    ...(expiries.length
      ? { validUntil: new Date(Math.min(...expiries)).toISOString() }
      : {}),
  };
}

/** What a summary adds to a stored card: the parts that change without a re-score. @public */
export type CardContext = Pick<
  EntityReadinessResponse,
  | 'entityRef'
  | 'plan'
  | 'pending'
  | 'checkRuns'
  | 'dependencies'
  | 'sentry'
  | 'backupPolicy'
> & {
  runbooks: Array<
    Pick<
      EntityReadinessResponse['runbooks'][number],
      'id' | 'type' | 'title' | 'url' | 'lastReviewedAt'
    >
  >;
};

/**
 * The card's summary from its stored part and what changes without a re-score, at `now`.
 * Pure.
 * @public
 */
export function summaryFromCard(
  card: ReadinessCard,
  context: CardContext,
  now: number = Date.now(),
): EntityReadinessSummary {
  const runs = new Map((context.checkRuns ?? []).map(r => [r.taskId, r]));
  const soon = now + EXPIRING_WITHIN_DAYS * 86_400_000;
  const { templateId, templateVersion, createdAt, updatedAt } = context.plan;
  return {
    entityRef: context.entityRef,
    plan: { templateId, templateVersion, createdAt, updatedAt },
    ...(context.pending ? { pending: true as const } : {}),
    score: card.score,
    blockerProofs: card.blockers.map(b => {
      const run = runs.get(b.taskId);
      return { ...b, ...(run ? { run } : {}) };
    }),
    next: card.next,
    expiring: card.expiring.filter(e => Date.parse(e.expiresAt) < soon),
    notReadyDependencies: (context.dependencies ?? []).filter(
      d => d.status === 'not_ready',
    ),
    ...(context.sentry ? { sentry: context.sentry } : {}),
    ...(context.backupPolicy ? { backupPolicy: context.backupPolicy } : {}),
    runbooks: context.runbooks.map(r => ({
      id: r.id,
      type: r.type,
      title: r.title,
      url: r.url,
      ...(r.lastReviewedAt ? { lastReviewedAt: r.lastReviewedAt } : {}),
    })),
  };
}

/**
 * The card's view of a full read: the same numbers, fewer fields. Pure; the backend's
 * summary route (when no stored card is fresh) and the entity tab both use it, so the card
 * and the tab cannot disagree.
 * @public
 */
export function summarizeEntityReadiness(
  data: EntityReadinessResponse,
  now: number = Date.now(),
): EntityReadinessSummary {
  return summaryFromCard(readinessCard(data), data, now);
}
