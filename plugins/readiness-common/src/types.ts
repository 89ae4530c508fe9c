/**
 * Domain types shared by the readiness backend and frontend.
 *
 * @packageDocumentation
 */

/** Severity of a readiness task; any open `p0` task blocks readiness. @public */
export type TaskSeverity = 'p0' | 'p1' | 'p2';

/**
 * Workflow status of a task. `not_applicable` is kept for stored rows only: a task is not
 * applicable through an approved exemption, never through its status.
 * @public
 */
export type TaskStatus =
  | 'todo'
  | 'in_progress'
  | 'done'
  | 'blocked'
  | 'not_applicable';

/** All task statuses, in workflow order. @public */
export const TASK_STATUSES: readonly TaskStatus[] = [
  'todo',
  'in_progress',
  'done',
  'blocked',
  'not_applicable',
];

/** The statuses a person may set; `not_applicable` needs an approved exemption. @public */
export const SETTABLE_TASK_STATUSES: readonly TaskStatus[] =
  TASK_STATUSES.filter(s => s !== 'not_applicable');

/** Kind of a piece of evidence. An `attestation` is a claim, not proof. @public */
export type EvidenceKind =
  | 'link'
  | 'commit'
  | 'document'
  | 'check'
  | 'attestation';

/** Who or what produced a piece of evidence. @public */
export type EvidenceSource =
  | 'manual'
  | 'ci'
  | 'sentry'
  | 'catalog'
  | 'backup'
  | 'pagerduty'
  | 'probe';

/** Phase risk level as written in readiness plans. @public */
export type RiskLevel = 'low' | 'medium' | 'high';

/** Runbook categories. @public */
export type RunbookType =
  | 'dr'
  | 'incident'
  | 'deploy'
  | 'rollback'
  | 'database'
  | 'on-call'
  | 'other';

/** All runbook types; `runbook-<type>` link types use these. @public */
export const RUNBOOK_TYPES: readonly RunbookType[] = [
  'dr',
  'incident',
  'deploy',
  'rollback',
  'database',
  'on-call',
  'other',
];

/** A scoring dimension of a template. @public */
export interface TemplateDimension {
  id: string;
  title: string;
  weight: number;
}

/** A checklist item inside a task. @public */
export interface TemplateChecklistItem {
  id: string;
  title: string;
}

/** One task of a template. @public */
export interface TemplateTask {
  /** Stable id such as `3.1`; task state is keyed by it across template versions. */
  id: string;
  title: string;
  description?: string;
  dimension: string;
  points: number;
  severity: TaskSeverity;
  checklist: TemplateChecklistItem[];
  docsUrl?: string;
  /** `manual`, or the id of an automatic check that produces evidence. */
  verification: string;
  /** Evidence older than this no longer counts. */
  maxAgeDays?: number;
}

/** An ordered phase of a template. @public */
export interface TemplatePhase {
  id: string;
  title: string;
  description?: string;
  risk: RiskLevel;
  estimateHours?: number;
  tasks: TemplateTask[];
}

/** Matches entities by kind, `spec.type` and `spec.lifecycle` (case-insensitive). @public */
export interface TemplateSelector {
  kind?: string[];
  type?: string[];
  lifecycle?: string[];
}

/** A readiness template: what "production ready" means for a class of services. @public */
export interface ReadinessTemplate {
  id: string;
  version: number;
  title: string;
  description?: string;
  /** Minimum overall score for "Ready". */
  readyThreshold: number;
  /** Below this overall score the status is "Not ready" even without blockers. */
  atRiskThreshold: number;
  /** The overall score is capped here while any P0 task is open. */
  blockerCap: number;
  /** Entities this template applies to when no annotation names a template. */
  selector?: TemplateSelector;
  dimensions: TemplateDimension[];
  phases: TemplatePhase[];
}

/**
 * How far a piece of evidence can be trusted; assigned by the server, never by the client.
 * - `verified`: produced by the backend's own checks or by a service principal bound to
 *   the entity and task in config
 * - `reviewed`: a person's evidence approved by a second person
 * - `claimed`: a person's word (unreviewed links and documents, attestations, imports)
 * @public
 */
export type EvidenceTrust = 'verified' | 'reviewed' | 'claimed';

/** The review of a person's evidence. @public */
export interface EvidenceReview {
  state: 'pending' | 'approved' | 'rejected';
  reviewedBy?: string;
  reviewedAt?: string;
  comment?: string;
}

/** A piece of evidence attached to a task. @public */
export interface Evidence {
  id: string;
  kind: EvidenceKind;
  url?: string;
  summary: string;
  source: EvidenceSource;
  recordedAt: string;
  recordedBy: string;
  expiresAt?: string;
  /** Provenance; rows written before the trust model are `claimed`. */
  trust: EvidenceTrust;
  /** Present on a person's reviewable evidence (not on attestations or machine evidence). */
  review?: EvidenceReview;
}

/** An accepted risk: counts as satisfied until it expires, and is always shown. @public */
export interface Exemption {
  reason: string;
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  /** Who asked for it (never the approver). */
  requestedBy?: string;
  /** The task does not apply: it leaves the denominator instead of counting as satisfied. */
  notApplicable?: boolean;
  /** The approver's comment. */
  comment?: string;
}

/** An owner's request for an exemption, waiting for an approver. @public */
export interface ExemptionRequest {
  reason: string;
  /** Asks for the task to be treated as not applicable. */
  notApplicable?: boolean;
  expiresAt: string;
  requestedBy: string;
  requestedAt: string;
}

/** The state of one task in one service's plan. @public */
export interface TaskState {
  taskId: string;
  status: TaskStatus;
  assignee?: string;
  notes?: string;
  /** Checklist item id → ticked. */
  checklist: Record<string, boolean>;
  evidence: Evidence[];
  exemption?: Exemption;
  /** A pending request for an exemption; it never counts until an approver grants it. */
  exemptionRequest?: ExemptionRequest;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/**
 * What scoring reads of a piece of evidence (any {@link Evidence} is one).
 * @public
 */
export type ScoredEvidence = Pick<
  Evidence,
  | 'id'
  | 'kind'
  | 'summary'
  | 'recordedAt'
  | 'recordedBy'
  | 'expiresAt'
  | 'trust'
> & { review?: Pick<EvidenceReview, 'state'> };

/**
 * What scoring reads of a task's state (any {@link TaskState} is one): the backend's
 * re-evaluation loads only this.
 * @public
 */
export type ScoredTaskState = Pick<
  TaskState,
  'taskId' | 'status' | 'exemption'
> & {
  evidence: ScoredEvidence[];
};

/** A runbook link for a service. @public */
export interface RunbookLink {
  id: string;
  type: RunbookType;
  title: string;
  url: string;
  source: 'catalog' | 'api';
  lastReviewedAt?: string;
  /** Whole days since `lastReviewedAt` (set in API responses). */
  reviewAgeDays?: number;
}

/** Overall readiness status. @public */
export type ReadinessStatus = 'ready' | 'at_risk' | 'not_ready';
