import {
  Evidence,
  ReadinessTemplate,
} from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ChangeLogStore } from './ChangeLogStore';
import type { PlanStore } from './PlanStore';
import { normalizeRef } from './refs';
import { DbEvidenceRow, DbPlansRow, iso } from './tables';

/** Evidence as stored, from its row. */
export function toEvidence(row: DbEvidenceRow): Evidence {
  return {
    id: row.id,
    kind: row.kind,
    ...(row.url ? { url: row.url } : {}),
    summary: row.summary,
    source: row.source,
    recordedAt: iso(row.recorded_at)!,
    recordedBy: row.recorded_by,
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
    trust: row.trust ?? 'claimed',
    ...(row.review_state
      ? {
          review: {
            state: row.review_state,
            ...(row.reviewed_by ? { reviewedBy: row.reviewed_by } : {}),
            ...(row.reviewed_at ? { reviewedAt: iso(row.reviewed_at) } : {}),
            ...(row.review_comment ? { comment: row.review_comment } : {}),
          },
        }
      : {}),
  };
}

/** The row of a piece of evidence of `taskId` in the plan of (normalised) `entityRef`. */
export function toEvidenceRow(
  entityRef: string,
  taskId: string,
  e: Evidence,
): DbEvidenceRow {
  return {
    id: e.id,
    entity_ref: entityRef,
    task_id: taskId,
    kind: e.kind,
    url: e.url ?? null,
    summary: e.summary,
    source: e.source,
    recorded_at: new Date(e.recordedAt),
    recorded_by: e.recordedBy,
    expires_at: e.expiresAt ? new Date(e.expiresAt) : null,
    trust: e.trust,
    review_state: e.review?.state ?? null,
    reviewed_by: e.review?.reviewedBy ?? null,
    reviewed_at: e.review?.reviewedAt ? new Date(e.review.reviewedAt) : null,
    review_comment: e.review?.comment ?? null,
  };
}

/** Evidence attached to tasks (`readiness_evidence`) and its review. @internal */
export class EvidenceStore {
  constructor(private readonly db: Knex, private readonly plans: PlanStore) {}

  /** Attaches evidence to a task, logging the change. */
  async add(options: {
    entityRef: string;
    taskId: string;
    evidence: Omit<Evidence, 'id'>;
  }): Promise<Evidence> {
    const ref = normalizeRef(options.entityRef);
    const e = { ...options.evidence, id: randomUUID() };
    await this.db.transaction(async tx => {
      await tx<DbEvidenceRow>('readiness_evidence').insert(
        toEvidenceRow(ref, options.taskId, e),
      );
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        taskId: options.taskId,
        action: 'evidence.add',
        actor: e.recordedBy,
        after: e,
      });
    });
    return e;
  }

  /**
   * Replaces the evidence one automatic check keeps on a task (one row per check, so
   * hourly runs do not grow the table). Without `evidence` it only deletes; returns the
   * number of rows removed.
   */
  async replaceCheckEvidence(
    entityRef: string,
    taskId: string,
    recordedBy: string,
    evidence: Omit<Evidence, 'id'> | undefined,
  ): Promise<number> {
    const ref = normalizeRef(entityRef);
    return this.db.transaction(async tx => {
      const removed = await tx<DbEvidenceRow>('readiness_evidence')
        .where({
          entity_ref: ref,
          task_id: taskId,
          kind: 'check',
          recorded_by: recordedBy,
        })
        .delete();
      if (evidence) {
        await tx<DbEvidenceRow>('readiness_evidence').insert(
          toEvidenceRow(ref, taskId, {
            ...evidence,
            id: randomUUID(),
            recordedBy,
          }),
        );
      }
      return removed;
    });
  }

  /** One piece of evidence of a task. */
  async get(
    entityRef: string,
    taskId: string,
    evidenceId: string,
  ): Promise<Evidence | undefined> {
    const row = await this.db<DbEvidenceRow>('readiness_evidence')
      .where({
        entity_ref: normalizeRef(entityRef),
        task_id: taskId,
        id: evidenceId,
      })
      .first();
    return row ? toEvidence(row) : undefined;
  }

  /** Records a second person's decision on pending evidence; undefined when not pending. */
  async review(options: {
    entityRef: string;
    taskId: string;
    evidenceId: string;
    approved: boolean;
    reviewer: string;
    comment?: string;
    at: Date;
  }): Promise<Evidence | undefined> {
    const ref = normalizeRef(options.entityRef);
    const [row] = await this.db<DbEvidenceRow>('readiness_evidence')
      .where({
        entity_ref: ref,
        task_id: options.taskId,
        id: options.evidenceId,
        review_state: 'pending',
      })
      .update({
        review_state: options.approved ? 'approved' : 'rejected',
        trust: options.approved ? 'reviewed' : 'claimed',
        reviewed_by: options.reviewer,
        reviewed_at: options.at,
        review_comment: options.comment ?? null,
      })
      .returning('*');
    if (!row) return undefined;
    const evidence = toEvidence(row);
    await new ChangeLogStore(this.db).append({
      entityRef: ref,
      taskId: options.taskId,
      action: options.approved ? 'evidence.approve' : 'evidence.reject',
      actor: options.reviewer,
      after: evidence,
    });
    return evidence;
  }

  /**
   * Evidence of active plans awaiting review, oldest first, leaving out what `reviewer`
   * submitted and plans owned by `excludeOwners`.
   */
  async listPendingReviews(options: {
    reviewer: string;
    excludeOwners: string[];
    visible?: string[];
    limit: number;
  }): Promise<
    Array<{
      entityRef: string;
      owner?: string;
      taskId: string;
      template: ReadinessTemplate | undefined;
      evidence: Evidence;
    }>
  > {
    const q = this.db('readiness_evidence as e')
      .join('readiness_plans as p', 'p.entity_ref', 'e.entity_ref')
      .whereNull('p.archived_at')
      .where('e.review_state', 'pending')
      .whereNot('e.recorded_by', options.reviewer);
    if (options.excludeOwners.length) {
      q.where(w =>
        w
          .whereNull('p.owner')
          .orWhereRaw('not (lower(p.owner) = any(?))', [options.excludeOwners]),
      );
    }
    if (options.visible) q.whereRaw('p.entity_ref = any(?)', [options.visible]);
    const rows: Array<DbEvidenceRow & { plan_owner: DbPlansRow['owner'] }> =
      await q
        .select(
          'e.*',
          'p.owner as plan_owner',
          'p.template_id as plan_template',
        )
        .orderBy('e.recorded_at')
        .limit(options.limit);
    const plans = await this.plans.getMany([
      ...new Set(rows.map(r => r.entity_ref)),
    ]);
    const templateOf = new Map(
      plans.map(p => [p.entityRef, p.templateSnapshot]),
    );
    return rows.map(r => ({
      entityRef: r.entity_ref,
      owner: r.plan_owner ?? undefined,
      taskId: r.task_id,
      template: templateOf.get(r.entity_ref),
      evidence: toEvidence(r),
    }));
  }
}
