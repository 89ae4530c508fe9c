import {
  Evidence,
  Exemption,
  ReadinessTemplate,
  RunbookLink,
  TaskState,
} from './types';
import { ReadinessScore, WhatIf } from './scoring';

/** Response of `GET /entities/:kind/:namespace/:name`. @public */
export interface EntityReadinessResponse {
  entityRef: string;
  plan: {
    templateId: string;
    templateVersion: number;
    /**
     * Identifies the template's exact content (a version's text can change while its number
     * stays): `GET /templates/:id/versions/:version?key=…` serves exactly it.
     */
    templateKey?: string;
    createdAt: string;
    updatedAt: string;
  };
  template: ReadinessTemplate;
  /**
   * The plan is not stored yet (or archived): this is a preview the registration job or the
   * first write will store. Reads never write.
   */
  pending?: true;
  tasks: TaskState[];
  runbooks: RunbookLink[];
  score: ReadinessScore;
  whatIf: WhatIf[];
  /**
   * The stored readiness of the components and resources this entity `dependsOn` (those with
   * a plan, and that the caller may see). A not-ready one is flagged on the card and the gate.
   */
  dependencies?: DependencyReadiness[];
  /** The last run of the automatic check of each task that names one (absent before the first run). */
  checkRuns?: CheckRun[];
  /** The Sentry project from `sentry.io/project-slug`, with its link when Sentry is configured. */
  sentry?: { project: string; url?: string };
  /** The backup policy named by `readiness/backup-policy` (absent or unknown → undefined). */
  backupPolicy?: BackupPolicy & { id: string; lastDrillAt?: string };
}

/**
 * Response of `GET /entities/:kind/:namespace/:name/plan`: the full read without the
 * template's text, which `GET /templates/:id/versions/:version` serves once per version (it
 * never changes within a version, so clients cache it for good).
 * @public
 */
export type EntityPlanResponse = Omit<EntityReadinessResponse, 'template'>;

/**
 * The last run of a task's automatic check: which check proves the task, when it last ran and
 * what it found. `unknown` means the check could not tell (its integration did not answer).
 * @public
 */
export interface CheckRun {
  taskId: string;
  checkId: string;
  checkTitle: string;
  outcome: 'passed' | 'failed' | 'unknown';
  summary: string;
  url?: string;
  ranAt: string;
}

/** The stored readiness of a dependency. @public */
export interface DependencyReadiness {
  entityRef: string;
  overall: number;
  status: 'ready' | 'at_risk' | 'not_ready';
}

/** A backup policy from `readiness.backupPolicies`. @public */
export interface BackupPolicy {
  title: string;
  rpoHours: number;
  rtoHours: number;
  retentionDays: number;
  restoreDrillEveryDays: number;
}

export type { Exemption };

/** One item of the review queue (`GET /reviews`): a person's evidence awaiting a second person. @public */
export interface ReviewQueueItem {
  entityRef: string;
  owner?: string;
  taskId: string;
  taskTitle: string;
  severity: 'p0' | 'p1' | 'p2';
  evidence: Evidence;
}

/** Response of `GET /reviews`. @public */
export interface ReviewQueueResponse {
  items: ReviewQueueItem[];
}
