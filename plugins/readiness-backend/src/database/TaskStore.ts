import {
  Evidence,
  Exemption,
  ExemptionRequest,
  ScoredEvidence,
  ScoredTaskState,
  TaskState,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import { ChangeLogStore } from './ChangeLogStore';
import { toEvidence } from './EvidenceStore';
import { normalizeRef } from './refs';
import { DbEvidenceRow, DbTaskStatesRow, iso, json } from './tables';

/** Fields a task update may change. @internal */
export interface TaskPatch {
  status?: TaskStatus;
  assignee?: string | null;
  notes?: string | null;
  checklist?: Record<string, boolean>;
  exemption?: Exemption | null;
  exemptionRequest?: ExemptionRequest | null;
}

/** Result of an optimistic-concurrency task update. @internal */
export type TaskUpdateResult =
  | { ok: true; state: TaskState }
  | { ok: false; current: TaskState };

/** A task state from its row and its evidence. */
function toTaskState(row: DbTaskStatesRow, evidence: Evidence[]): TaskState {
  const exemption = row.exemption ? json(row.exemption) : undefined;
  const exemptionRequest = row.exemption_request
    ? json(row.exemption_request)
    : undefined;
  return {
    taskId: row.task_id,
    status: row.status,
    assignee: row.assignee ?? undefined,
    notes: row.notes ?? undefined,
    checklist: json(row.checklist) ?? {},
    evidence,
    ...(exemption ? { exemption } : {}),
    ...(exemptionRequest ? { exemptionRequest } : {}),
    version: row.version,
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by ?? undefined,
  };
}

/** Task states from state rows and evidence rows (oldest first) of one plan. */
export function assembleTaskStates(
  rows: DbTaskStatesRow[],
  evidence: DbEvidenceRow[],
): TaskState[] {
  const byTask = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const list = byTask.get(e.task_id) ?? [];
    list.push(toEvidence(e));
    byTask.set(e.task_id, list);
  }
  const states = rows.map(r => toTaskState(r, byTask.get(r.task_id) ?? []));
  // Evidence may arrive (e.g. from CI) before anyone touched the task.
  for (const [taskId, list] of byTask) {
    if (!states.some(s => s.taskId === taskId)) {
      states.push({
        taskId,
        status: 'todo',
        checklist: {},
        evidence: list,
        version: 0,
      });
    }
  }
  return states;
}

/** Evidence recorded at the same instant, in the order of its ids (as the database orders it). */
const byId = (a: { id: string }, b: { id: string }) =>
  a.id < b.id ? -1 : Number(a.id > b.id);

/** The task-state columns scoring reads (see `ScoredTaskState`). */
export const SCORED_STATE_COLUMNS = [
  'entity_ref',
  'task_id',
  'status',
  'exemption',
] as const;

/** The evidence columns scoring reads (see `ScoredEvidence`). */
export const SCORED_EVIDENCE_COLUMNS = [
  'id',
  'entity_ref',
  'task_id',
  'kind',
  'summary',
  'recorded_at',
  'recorded_by',
  'expires_at',
  'trust',
  'review_state',
] as const;

/** A task-state row as the re-evaluation reads it. */
export type ScoredStateRow = Pick<
  DbTaskStatesRow,
  (typeof SCORED_STATE_COLUMNS)[number]
>;
/** An evidence row as the re-evaluation reads it. */
export type ScoredEvidenceRow = Pick<
  DbEvidenceRow,
  (typeof SCORED_EVIDENCE_COLUMNS)[number]
>;

/**
 * What scoring reads of one plan's task states, from lean rows in any order: each task's
 * evidence oldest first, as `assembleTaskStates` gives it. Reading only these columns, and
 * ordering in here rather than sorting the whole page in the database, made loading a page
 * of the re-evaluation about twice as fast.
 */
export function assembleScoredStates(
  rows: ScoredStateRow[],
  evidence: ScoredEvidenceRow[],
): ScoredTaskState[] {
  const byTask = new Map<string, Array<{ at: number; e: ScoredEvidence }>>();
  for (const row of evidence) {
    const recorded = new Date(row.recorded_at);
    const list = byTask.get(row.task_id) ?? [];
    list.push({
      at: recorded.getTime(),
      e: {
        id: row.id,
        kind: row.kind,
        summary: row.summary,
        recordedAt: recorded.toISOString(),
        recordedBy: row.recorded_by,
        ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
        trust: row.trust ?? 'claimed',
        ...(row.review_state ? { review: { state: row.review_state } } : {}),
      },
    });
    byTask.set(row.task_id, list);
  }
  const oldestFirst = (taskId: string) =>
    (byTask.get(taskId) ?? [])
      .sort((a, b) => a.at - b.at || byId(a.e, b.e))
      .map(x => x.e);
  const states: ScoredTaskState[] = rows.map(r => {
    const exemption = r.exemption ? json(r.exemption) : undefined;
    return {
      taskId: r.task_id,
      status: r.status,
      evidence: oldestFirst(r.task_id),
      ...(exemption ? { exemption } : {}),
    };
  });
  // Evidence may arrive (e.g. from CI) before anyone touched the task.
  const touched = new Set(rows.map(r => r.task_id));
  for (const taskId of byTask.keys()) {
    if (!touched.has(taskId))
      states.push({ taskId, status: 'todo', evidence: oldestFirst(taskId) });
  }
  return states;
}

/** Task states of plans (`readiness_task_states`) with their evidence. @internal */
export class TaskStore {
  constructor(private readonly db: Knex) {}

  /** The task states of a plan, with their evidence (also of tasks nobody touched yet). */
  async list(entityRef: string): Promise<TaskState[]> {
    const ref = normalizeRef(entityRef);
    const [rows, evidence] = await Promise.all([
      this.db<DbTaskStatesRow>('readiness_task_states').where({
        entity_ref: ref,
      }),
      this.db<DbEvidenceRow>('readiness_evidence')
        .where({ entity_ref: ref })
        .orderBy([{ column: 'recorded_at' }, { column: 'id' }]),
    ]);
    return assembleTaskStates(rows, evidence);
  }

  /**
   * Applies a patch if the stored version equals `expectedVersion` (0 for a task never
   * written), logging the change. Otherwise returns the current state and writes nothing.
   */
  async update(options: {
    entityRef: string;
    taskId: string;
    patch: TaskPatch;
    expectedVersion: number;
    actor: string;
    action?: string;
  }): Promise<TaskUpdateResult> {
    const ref = normalizeRef(options.entityRef);
    const { taskId, patch, expectedVersion, actor } = options;
    return this.db.transaction(async tx => {
      const states = () => tx<DbTaskStatesRow>('readiness_task_states');
      const existing = await states()
        .where({ entity_ref: ref, task_id: taskId })
        .forUpdate()
        .first();
      const evidence = (
        await tx<DbEvidenceRow>('readiness_evidence')
          .where({ entity_ref: ref, task_id: taskId })
          .orderBy([{ column: 'recorded_at' }, { column: 'id' }])
      ).map(toEvidence);
      const before: TaskState = existing
        ? toTaskState(existing, evidence)
        : { taskId, status: 'todo', checklist: {}, evidence, version: 0 };
      if (before.version !== expectedVersion) {
        return { ok: false as const, current: before };
      }
      const exemption =
        patch.exemption === undefined ? before.exemption : patch.exemption;
      const request =
        patch.exemptionRequest === undefined
          ? before.exemptionRequest
          : patch.exemptionRequest;
      const next: DbTaskStatesRow = {
        entity_ref: ref,
        task_id: taskId,
        status: patch.status ?? before.status,
        assignee:
          patch.assignee === undefined
            ? before.assignee ?? null
            : patch.assignee,
        notes: patch.notes === undefined ? before.notes ?? null : patch.notes,
        checklist: JSON.stringify({
          ...before.checklist,
          ...(patch.checklist ?? {}),
        }),
        exemption: exemption ? JSON.stringify(exemption) : null,
        exemption_request: request ? JSON.stringify(request) : null,
        version: before.version + 1,
        updated_at: new Date(),
        updated_by: actor,
      };
      let saved: DbTaskStatesRow | undefined;
      if (existing) {
        [saved] = await states()
          .where({ entity_ref: ref, task_id: taskId, version: expectedVersion })
          .update(next)
          .returning('*');
      } else {
        // A concurrent first write makes this insert a no-op: report the winner's state.
        [saved] = await states()
          .insert(next)
          .onConflict(['entity_ref', 'task_id'])
          .ignore()
          .returning('*');
      }
      if (!saved) {
        const current = await states()
          .where({ entity_ref: ref, task_id: taskId })
          .first();
        return {
          ok: false as const,
          current: toTaskState(current!, evidence),
        };
      }
      const state = toTaskState(saved, evidence);
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        taskId,
        action: options.action ?? 'task.update',
        actor,
        before,
        after: state,
      });
      return { ok: true as const, state };
    });
  }
}
