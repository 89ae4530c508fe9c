/*
 * Rows of the readiness_* tables as the pg driver returns them (see ../../migrations), and the
 * readers for their column types. Entity refs are stored lower-cased (see ./refs).
 */
import {
  CheckRun,
  Evidence,
  EvidenceReview,
  Exemption,
  ExemptionRequest,
  Initiative,
  ReadinessCard,
  ReadinessScore,
  ReadinessTemplate,
  RunbookLink,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';

/** A jsonb column: written as JSON text, read back parsed. */
export type JsonColumn<T> = T | string;

/** A timestamptz column: written as a Date, read back as a Date (as text inside json_agg). */
export type Timestamp = Date | string;

/** A numeric or bigint column: pg returns these as strings, they are written as numbers. */
export type Numeric = number | string;

/** Parses a jsonb column value (text when it reaches us as text). */
export const json = <T>(v: JsonColumn<T>): T =>
  (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** A timestamp column as an ISO string; undefined for null. */
export const iso = (v: Timestamp | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : new Date(v).toISOString();

/**
 * The rows of a query whose result columns knex cannot type (aggregates over raw selects),
 * as the caller declares them.
 */
export async function rowsOf<T>(query: Knex.QueryBuilder): Promise<T[]> {
  return query;
}

/** `readiness_plans`: one readiness plan per catalog entity. */
export type DbPlansRow = {
  entity_ref: string;
  template_id: string;
  template_version: number;
  owner: string | null;
  system: string | null;
  domain: string | null;
  lifecycle: string | null;
  tier: string | null;
  archived_at: Timestamp | null;
  template_snapshot: JsonColumn<ReadinessTemplate> | null;
  entity_snapshot: JsonColumn<Entity> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** A plan's catalog fields, as its columns (the same names prefixed `p.` where joined). */
export const PLAN_CATALOG_COLUMNS = [
  'owner',
  'system',
  'domain',
  'lifecycle',
  'tier',
] as const;

/** A plan's catalog fields from its row; a null column is undefined. */
export const catalogFieldsOf = (
  row: Pick<DbPlansRow, (typeof PLAN_CATALOG_COLUMNS)[number]>,
) => ({
  owner: row.owner ?? undefined,
  system: row.system ?? undefined,
  domain: row.domain ?? undefined,
  lifecycle: row.lifecycle ?? undefined,
  tier: row.tier ?? undefined,
});

/** `readiness_task_states`: the state of one task in one plan. */
export type DbTaskStatesRow = {
  entity_ref: string;
  task_id: string;
  status: TaskStatus;
  assignee: string | null;
  notes: string | null;
  checklist: JsonColumn<Record<string, boolean>>;
  exemption: JsonColumn<Exemption> | null;
  exemption_request: JsonColumn<ExemptionRequest> | null;
  version: number;
  updated_at: Timestamp;
  updated_by: string | null;
};

/** `readiness_evidence`: evidence attached to a task, with its provenance and review. */
export type DbEvidenceRow = {
  id: string;
  entity_ref: string;
  task_id: string;
  kind: Evidence['kind'];
  url: string | null;
  summary: string;
  source: Evidence['source'];
  recorded_at: Timestamp;
  recorded_by: string;
  expires_at: Timestamp | null;
  trust: Evidence['trust'];
  review_state: EvidenceReview['state'] | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_comment: string | null;
};

/** `readiness_runbook_links`: runbook links from the catalog or added through the API. */
export type DbRunbookLinksRow = {
  id: string;
  entity_ref: string;
  type: RunbookLink['type'];
  title: string;
  url: string;
  source: RunbookLink['source'];
  last_reviewed_at: Timestamp | null;
};

/** `readiness_scores`: the latest computed score of each plan. */
export type DbScoresRow = {
  entity_ref: string;
  overall: Numeric;
  status: ReadinessScore['status'];
  blockers: number;
  stage: number;
  blocker_list: JsonColumn<ReadinessScore['blockers']>;
  proven_tasks: JsonColumn<string[]>;
  dimensions: JsonColumn<Record<string, number | null>>;
  computed_at: Timestamp;
  /** The card's plan-decided part, stored with the score; null until the next re-score. */
  card?: JsonColumn<ReadinessCard> | null;
};

/** `readiness_score_snapshots`: score history, per change that moved a score and daily. */
export type DbScoreSnapshotsRow = {
  id: Numeric;
  entity_ref: string;
  overall: Numeric;
  status: string;
  blockers: number;
  dimensions: JsonColumn<Record<string, number | null>>;
  reason: string;
  recorded_at: Timestamp;
};

/** `readiness_change_log`: append-only log of every write. */
export type DbChangeLogRow = {
  id: Numeric;
  entity_ref: string;
  task_id: string | null;
  action: string;
  actor: string;
  before: JsonColumn<unknown> | null;
  after: JsonColumn<unknown> | null;
  at: Timestamp;
};

/** `readiness_notifications_sent`: one row per notified event. */
export type DbNotificationsSentRow = {
  entity_ref: string;
  event_key: string;
  sent_at: Timestamp;
};

/** `readiness_check_runs`: the last run of each automatic check per task. */
export type DbCheckRunsRow = {
  entity_ref: string;
  task_id: string;
  check_id: string;
  check_title: string;
  outcome: CheckRun['outcome'];
  summary: string;
  url: string | null;
  ran_at: Timestamp;
};

/** `readiness_org_groups`: groups of the org chart with their parent. */
export type DbOrgGroupsRow = {
  group_ref: string;
  parent_ref: string | null;
  title: string | null;
};

/** `readiness_org_members`: closure of the org chart (ancestor group, group or user beneath). */
export type DbOrgMembersRow = {
  ancestor_ref: string;
  member_ref: string;
};

/** `readiness_initiatives`: initiative definitions from config or the API. */
export type DbInitiativesRow = {
  id: string;
  definition: JsonColumn<Initiative>;
  source: 'config' | 'api';
  updated_by: string;
  updated_at: Timestamp;
};

/** `readiness_initiative_progress`: an initiative's burn-up point per day. */
export type DbInitiativeProgressRow = {
  initiative_id: string;
  day: string | Date;
  services: number;
  met: number;
  recorded_at: Timestamp;
};

/** `readiness_initiative_members`: the services an initiative covered, and when they left. */
export type DbInitiativeMembersRow = {
  initiative_id: string;
  entity_ref: string;
  joined_at: Timestamp;
  left_at: Timestamp | null;
};
