import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityInitiative,
  EntityPlanResponse,
  EntityReadinessResponse,
  EntityReadinessSummary,
  Evidence,
  EvidenceInput,
  InitiativeDetail,
  InitiativeSummary,
  ReadinessScore,
  ReadinessTemplate,
  ReviewQueueItem,
  RollupGroup,
  ServiceScoreRow,
  TaskState,
  TaskUpdateInput,
  ExpiringEvidenceItem,
  OrgBlocker,
} from '@prodready/plugin-readiness-common';

/** Filters of the org views; each value is one or more comma-separated values. @public */
export interface ReadinessFilters {
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tier?: string;
  status?: string;
}

/** A score snapshot. @public */
export interface ScoreSnapshot {
  overall: number;
  status: string;
  blockers: number;
  reason: string;
  recordedAt: string;
}

/** What a task write returns. @public */
export interface TaskWriteResult {
  task: TaskState;
  score: ReadinessScore;
}

/** A task the importer found in a report. @public */
export interface ImportedItem {
  /** `L<line>`: the key of a mapping correction. */
  id: string;
  line: number;
  ref?: string;
  title: string;
  status: string;
  p0: boolean;
  checklist: Array<{ text: string; done: boolean; line: number }>;
  mappedTo?: { taskId: string; title: string; confidence: number };
}

/** Preview of a markdown import (see the backend's import endpoint). @public */
export interface ImportPreview {
  title?: string;
  phases?: Array<{ title: string; line: number; tasks: ImportedItem[] }>;
  mapping: Array<{
    taskId: string;
    title: string;
    status: string;
    from: string[];
  }>;
  templateTasks?: Array<{ id: string; title: string }>;
  claimedScore?: number;
  evidenceBasedScore: number;
  blockers: Array<{ text: string; open: boolean; line?: number }>;
  risks?: Array<{
    risk: string;
    mitigation?: string;
    impact?: string;
    status?: string;
    line: number;
  }>;
  unmapped?: Array<{ line: number; text: string; reason: string }>;
  warnings: string[];
}

/** Corrections of an import's mapping: item id → template task id, or null to leave it out. @public */
export type ImportMapping = Record<string, string | null>;

/** A reviewer's decision on a person's evidence. @public */
export interface EvidenceReviewDecision {
  decision: 'approve' | 'reject';
  /** Required (at least 3 characters) on a rejection. */
  comment?: string;
}

/** Body of an exemption request. @public */
export interface ExemptionRequestInput {
  expectedVersion: number;
  reason: string;
  expiresAt: string;
  /** Ask for the task to be treated as not applicable (never on a P0). */
  notApplicable?: boolean;
}

/** The formats of an initiative's export: one row per covered service, or a report. @public */
export type InitiativeExportFormat = 'csv' | 'markdown';

/** A page of open P0 blockers, as `ReadinessApi.listBlockers` returns it. @public */
export interface BlockersPage {
  items: OrgBlocker[];
  total: number;
  nextCursor?: string;
}

/** A page of expiring evidence, as `ReadinessApi.getExpiringEvidence` returns it. @public */
export interface ExpiringEvidencePage {
  items: ExpiringEvidenceItem[];
  nextCursor?: string;
}

/** Client for the readiness backend. @public */
export interface ReadinessApi {
  /**
   * The plan, task states, runbooks and computed score of one entity, with its template
   * ({@link ReadinessApi.getEntityPlan} and {@link ReadinessApi.getTemplateVersion}).
   */
  getEntityReadiness(ref: CompoundEntityRef): Promise<EntityReadinessResponse>;
  /** {@link ReadinessApi.getEntityReadiness} without the template's text. */
  getEntityPlan(ref: CompoundEntityRef): Promise<EntityPlanResponse>;
  /**
   * A template at one version; with `key` (a plan read's `plan.templateKey`) exactly that
   * content, which never changes, so implementations may keep it.
   */
  getTemplateVersion(
    id: string,
    version: number,
    key?: string,
  ): Promise<ReadinessTemplate>;
  /**
   * What the entity card shows (a few KB): the same numbers as
   * {@link ReadinessApi.getEntityReadiness}, without the template and task states.
   */
  getEntitySummary(ref: CompoundEntityRef): Promise<EntityReadinessSummary>;
  getHistory(ref: CompoundEntityRef): Promise<ScoreSnapshot[]>;
  /** Rejects with {@link ReadinessConflictError} when someone else changed the task. */
  updateTask(
    ref: CompoundEntityRef,
    taskId: string,
    input: TaskUpdateInput,
  ): Promise<TaskWriteResult>;
  addEvidence(
    ref: CompoundEntityRef,
    taskId: string,
    /** The server assigns provenance: no `source` is sent. */
    input: Omit<EvidenceInput, 'source'>,
  ): Promise<{ evidence: Evidence; score: ReadinessScore }>;
  /**
   * Approves or rejects a person's evidence (a rejection needs a comment of at least 3
   * characters). The submitter and members of the owning group get a 403.
   */
  reviewEvidence(
    ref: CompoundEntityRef,
    taskId: string,
    evidenceId: string,
    input: EvidenceReviewDecision,
  ): Promise<{ evidence: Evidence; score: ReadinessScore }>;
  /** Evidence awaiting a review that the caller may give. */
  listReviews(): Promise<ReviewQueueItem[]>;
  /**
   * Grants the pending exemption request of a task; `reason` is the approver's comment.
   * Rejected by the server when nothing was requested.
   */
  grantExemption(
    ref: CompoundEntityRef,
    taskId: string,
    input: { expectedVersion: number; reason: string; expiresAt: string },
  ): Promise<TaskWriteResult>;
  /**
   * Asks an approver for an exemption, or with `notApplicable` for the task to be treated
   * as not applicable; it counts for nothing until granted.
   */
  requestExemption(
    ref: CompoundEntityRef,
    taskId: string,
    input: ExemptionRequestInput,
  ): Promise<TaskWriteResult>;
  previewImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ): Promise<ImportPreview>;
  applyImport(
    ref: CompoundEntityRef,
    markdown: string,
    mapping?: ImportMapping,
  ): Promise<{ applied: Array<{ taskId: string; status: string }> }>;
  getRollup(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters?: ReadinessFilters,
    /** With `groupBy: 'group'`: the group whose sub-groups to roll up (default: the roots). */
    parent?: string,
  ): Promise<RollupGroup[]>;
  listServices(
    query: ReadinessFilters & {
      sort?: 'overall' | 'entityRef' | 'blockers' | 'computedAt';
      order?: 'asc' | 'desc';
      limit?: number;
      cursor?: string;
    },
  ): Promise<{ items: ServiceScoreRow[]; total: number; nextCursor?: string }>;
  /**
   * A page of the open P0 blockers matching the filters, by service; `total` counts all of
   * them and `nextCursor` asks for the next page while there is one.
   */
  listBlockers(
    filters?: ReadinessFilters,
    page?: { cursor?: string; limit?: number },
  ): Promise<BlockersPage>;
  getTrend(
    days: number,
    filters?: ReadinessFilters,
  ): Promise<
    Array<{ day: string; average: number; services: number; ready: number }>
  >;
  /**
   * A page of the evidence expired or expiring within `days` days, soonest first;
   * `nextCursor` asks for the next page while there is one.
   */
  getExpiringEvidence(
    days: number,
    page?: { cursor?: string; limit?: number },
  ): Promise<ExpiringEvidencePage>;
  /** The org status report as markdown. */
  exportOrg(
    groupBy: 'owner' | 'system' | 'domain' | 'group',
    filters?: ReadinessFilters,
  ): Promise<string>;
  /** Every initiative (campaign) with its progress over the services the caller can see. */
  listInitiatives(): Promise<InitiativeSummary[]>;
  /** The initiatives a service is in, with what it still lacks for each. */
  getEntityInitiatives(ref: CompoundEntityRef): Promise<EntityInitiative[]>;
  /** One initiative with its teams, services and daily burn-up points. */
  getInitiative(id: string): Promise<InitiativeDetail>;
  /** An initiative as CSV (one row per covered service) or a markdown report. */
  exportInitiative(id: string, format: InitiativeExportFormat): Promise<string>;
}

/** ApiRef of {@link ReadinessApi}. @public */
export const readinessApiRef = createApiRef<ReadinessApi>({
  id: 'plugin.readiness.service',
});

/** A task write lost to a newer one; `current` is the state now stored. @public */
export class ReadinessConflictError extends Error {
  name = 'ReadinessConflictError';
  constructor(message: string, readonly current: TaskState) {
    super(message);
  }
}
