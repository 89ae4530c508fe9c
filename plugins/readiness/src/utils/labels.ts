import {
  CheckRun,
  Evidence,
  InitiativeState,
  ReadinessStatus,
  TaskSeverity,
  TaskStatus,
  TaskValueKind,
} from '@prodready/plugin-readiness-common';
import { humanizeActor } from './humanize';

/**
 * The words and colours of every status the plugin shows (readiness status, initiative
 * state, task status, evidence trust, check outcome, severity), in one place so the card,
 * the tab, the org page and the initiative view say the same thing the same way.
 */

/** A colour of the theme's palette (success, info, warning, error), or none. */
export type Tone = 'success' | 'info' | 'warning' | 'error' | 'default';

/** Human label of a readiness status. */
export const STATUS_LABELS: Record<ReadinessStatus, string> = {
  ready: 'Ready',
  at_risk: 'At risk',
  not_ready: 'Not ready',
};

/** The readiness statuses from best to worst, as the org page's cards and filter list them. */
export const STATUS_ORDER: readonly ReadinessStatus[] = [
  'ready',
  'at_risk',
  'not_ready',
];

export const STATUS_TONES: Record<ReadinessStatus, Tone> = {
  ready: 'success',
  at_risk: 'warning',
  not_ready: 'error',
};

/** The colour of a readiness score's gauge: a key of the Backstage theme's `palette.status`. */
export const STATUS_GAUGE_COLORS: Record<
  ReadinessStatus,
  'ok' | 'warning' | 'error'
> = {
  ready: 'ok',
  at_risk: 'warning',
  not_ready: 'error',
};

/** Human label of an initiative's state. */
export const INITIATIVE_STATE_LABELS: Record<InitiativeState, string> = {
  upcoming: 'Upcoming',
  active: 'Active',
  met: 'Met',
  overdue: 'Overdue',
};

export const INITIATIVE_STATE_TONES: Record<InitiativeState, Tone> = {
  upcoming: 'default',
  active: 'info',
  met: 'success',
  overdue: 'error',
};

/** A task's status in words ("in progress"), as the status menu and the import list it. */
export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  todo: 'todo',
  in_progress: 'in progress',
  done: 'done',
  blocked: 'blocked',
  not_applicable: 'not applicable',
};

/** A task status in words; statuses this UI does not know yet are shown as they are. */
export const taskStatusLabel = (status: string) =>
  TASK_STATUS_LABELS[status as TaskStatus] ?? status.replace(/_/g, ' ');

/** How a task counts towards the score, in words. */
export const TASK_KIND_LABELS: Record<TaskValueKind, string> = {
  proven: 'proven',
  attested: 'claimed, not verified or reviewed (half points)',
  expired: 'evidence expired',
  exempt: 'exempt',
  not_applicable: 'not applicable',
  open: 'open',
};

/** Why a P0 task still blocks when it is not simply open (the entity card's sentence). */
export const BLOCKER_REASONS: Partial<Record<TaskValueKind, string>> = {
  attested:
    "marked done, but a P0 needs verified or reviewed proof (CI evidence or a second person's review)",
  expired: 'its proof expired',
};

/** The same, as a short suffix after the task in the org page's blocker list. */
const BLOCKER_SUFFIXES: Partial<Record<TaskValueKind, string>> = {
  attested: ' (done on a claim: needs verified or reviewed proof)',
  expired: ' (proof expired)',
};

/** The suffix of a blocker of that kind; nothing for a plainly open task. */
export const blockerSuffix = (kind: string) =>
  BLOCKER_SUFFIXES[kind as TaskValueKind] ?? '';

/** How far a piece of evidence can be trusted, in words. */
export interface Provenance {
  /** Short label: "Verified", "Reviewed by alice", "Claimed · awaiting review", … */
  label: string;
  /** What the label means, for a tooltip. */
  description: string;
  /** A rejection, with the reviewer and their comment. */
  detail?: string;
  tone: 'verified' | 'reviewed' | 'claimed' | 'pending' | 'rejected';
}

/** Where a piece of evidence stands, from its server-assigned trust and review. */
export function provenance(evidence: Evidence): Provenance {
  if (evidence.trust === 'verified') {
    return {
      label: 'Verified',
      description: 'Recorded by an automatic check or a bound CI principal',
      tone: 'verified',
    };
  }
  const review = evidence.review;
  if (evidence.trust === 'reviewed') {
    return {
      label: review?.reviewedBy
        ? `Reviewed by ${humanizeActor(review.reviewedBy)}`
        : 'Reviewed',
      description: 'Approved by a second person',
      tone: 'reviewed',
    };
  }
  const claimed =
    "A person's word: half points, and not enough for a P0 until verified or reviewed";
  if (review?.state === 'pending') {
    return {
      label: 'Claimed · awaiting review',
      description: claimed,
      tone: 'pending',
    };
  }
  if (review?.state === 'rejected') {
    const by = review.reviewedBy
      ? ` by ${humanizeActor(review.reviewedBy)}`
      : '';
    return {
      label: 'Claimed · rejected',
      description: claimed,
      detail: `Rejected${by}${review.comment ? `: ${review.comment}` : ''}`,
      tone: 'rejected',
    };
  }
  return { label: 'Claimed', description: claimed, tone: 'claimed' };
}

/** How a piece of evidence's trust chip looks: filled for proof, outlined for a claim. */
export const TRUST_CHIPS: Record<
  Provenance['tone'],
  { tone: Tone; variant: 'default' | 'outlined' }
> = {
  verified: { tone: 'success', variant: 'default' },
  reviewed: { tone: 'info', variant: 'default' },
  claimed: { tone: 'default', variant: 'outlined' },
  pending: { tone: 'warning', variant: 'outlined' },
  rejected: { tone: 'error', variant: 'outlined' },
};

/** What the last run of an automatic check found, in words. */
export const CHECK_OUTCOME_LABELS: Record<CheckRun['outcome'], string> = {
  passed: 'passed',
  failed: 'failed',
  unknown: 'could not tell',
};

/** The text colour of a proof line after a run with that outcome. */
export const CHECK_OUTCOME_COLORS: Record<
  CheckRun['outcome'],
  'textSecondary' | 'error'
> = {
  passed: 'textSecondary',
  failed: 'error',
  unknown: 'textSecondary',
};

/** "P0", "P1", … */
export const severityLabel = (severity: TaskSeverity) => severity.toUpperCase();
