import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Evidence,
  EvidenceInput,
  EvidenceReviewInput,
  ReadinessScore,
  TaskState,
  TaskStatus,
  TaskUpdateInput,
  evidenceExpiry,
} from '@prodready/plugin-readiness-common';
import { EvidenceStore } from '../database/EvidenceStore';
import { TaskStore } from '../database/TaskStore';
import { ReadinessNotifier } from '../notify/ReadinessNotifier';
import { CatalogAccess } from './CatalogAccess';
import { CommandLayer } from './CommandLayer';
import { PlanLookup } from './PlanLookup';
import { checkNotOwnerGroup } from './secondPerson';

/**
 * Task commands: status and checklist updates, evidence from people and CI, and the
 * second person's review of a person's evidence (with the queue of what awaits it).
 * @internal
 */
export class TaskCommands {
  constructor(
    private readonly deps: {
      evidence: EvidenceStore;
      notifier?: ReadinessNotifier;
      catalog: CatalogAccess;
      commands: CommandLayer;
      plans: PlanLookup;
      /** `readiness.review.allowOwnerGroup`: the owning group may review its own evidence. */
      ownerGroupMayReview: boolean;
    },
  ) {}

  /** Changes a task's status, assignee, notes or checklist at `expectedVersion`. */
  async updateTask(options: {
    entityRef: string;
    taskId: string;
    input: TaskUpdateInput;
    actor: string;
  }): Promise<{ task: TaskState; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor } = options;
    const { task } = await this.deps.plans.requireTask(entityRef, taskId);
    const unknown = Object.keys(input.checklist ?? {}).filter(
      id => !task.checklist.some(c => c.id === id),
    );
    if (unknown.length) {
      throw new InputError(
        `Invalid request: checklist: task ${taskId} has no item(s) ${unknown.join(
          ', ',
        )}`,
      );
    }
    return this.deps.commands.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      actor,
      'task.update',
      {
        status: input.status as TaskStatus | undefined,
        assignee: input.assignee,
        notes: input.notes,
        checklist: input.checklist,
      },
    );
  }

  /**
   * Records evidence. Its provenance comes from who sends it, never from the body: a
   * person's evidence is `claimed` (links, commits and documents await a second person's
   * review); a bound CI principal's is `verified` and marks the task done, like a check.
   */
  async addEvidence(options: {
    entityRef: string;
    taskId: string;
    input: EvidenceInput;
    actor: string;
    producer: 'person' | 'ci';
    /** Only for imports of past evidence; defaults to now. */
    recordedAt?: Date;
  }): Promise<{ evidence: Evidence; score: ReadinessScore }> {
    const { entityRef, taskId, input, actor, producer } = options;
    const { task } = await this.deps.plans.requireTask(entityRef, taskId);
    const recordedAt = options.recordedAt ?? new Date();
    const expiresAt = evidenceExpiry(task, recordedAt);
    const { result, score } = await this.deps.commands.command(
      entityRef,
      `evidence added to ${taskId}`,
      async store => {
        const evidence = await store.evidence.add({
          entityRef,
          taskId,
          evidence: {
            kind: input.kind,
            ...(input.url ? { url: input.url } : {}),
            summary: input.summary,
            source: producer === 'ci' ? 'ci' : 'manual',
            recordedAt: recordedAt.toISOString(),
            recordedBy: actor,
            ...(expiresAt ? { expiresAt } : {}),
            // Whoever sends it, a bare attestation is a claim.
            trust:
              producer === 'ci' && input.kind !== 'attestation'
                ? 'verified'
                : 'claimed',
            ...(producer === 'person' && input.kind !== 'attestation'
              ? { review: { state: 'pending' as const } }
              : {}),
          },
        });
        if (producer === 'ci') {
          await this.markDone(
            store.tasks,
            entityRef,
            taskId,
            actor,
            'ci.passed',
          );
        }
        return evidence;
      },
    );
    if (result.review?.state === 'pending') {
      await this.deps.commands.notify(() =>
        this.deps.notifier?.evidenceAwaitsReview({
          entityRef,
          taskId,
          evidence: result,
        }),
      );
    }
    return { evidence: result, score };
  }

  /** Sets a task done on a machine's proof, unless it already is. */
  private async markDone(
    tasks: TaskStore,
    entityRef: string,
    taskId: string,
    actor: string,
    action: string,
  ) {
    const [state] = (await tasks.list(entityRef)).filter(
      t => t.taskId === taskId,
    );
    if (state?.status === 'done') return;
    await tasks.update({
      entityRef,
      taskId,
      expectedVersion: state?.version ?? 0,
      actor,
      action,
      patch: { status: 'done' },
    });
  }

  /**
   * A second person approves or rejects a person's evidence. Refused for the submitter and,
   * unless `readiness.review.allowOwnerGroup`, for members of the owning group.
   */
  async reviewEvidence(options: {
    entityRef: string;
    taskId: string;
    evidenceId: string;
    input: EvidenceReviewInput;
    reviewer: string;
    reviewerOwnership: string[];
  }): Promise<{ evidence: Evidence; score: ReadinessScore }> {
    const { entityRef, taskId, evidenceId, input, reviewer } = options;
    const { plan } = await this.deps.plans.requireTask(entityRef, taskId);
    const evidence = await this.deps.evidence.get(
      entityRef,
      taskId,
      evidenceId,
    );
    if (!evidence) {
      throw new NotFoundError(`Task ${taskId} has no evidence ${evidenceId}`);
    }
    if (!evidence.review) {
      throw new InputError(
        "Invalid request: evidenceId: only a person's link, commit or document can be reviewed",
      );
    }
    if (evidence.recordedBy === reviewer) {
      throw new NotAllowedError('You may not review evidence you submitted');
    }
    await checkNotOwnerGroup(
      this.deps.catalog,
      plan,
      options.reviewerOwnership,
      this.deps.ownerGroupMayReview,
      'review evidence of a service your group owns',
    );
    const { result, score } = await this.deps.commands.command(
      entityRef,
      `evidence ${
        input.decision === 'approve' ? 'approved' : 'rejected'
      } on ${taskId}`,
      store =>
        store.evidence.review({
          entityRef,
          taskId,
          evidenceId,
          approved: input.decision === 'approve',
          reviewer,
          comment: input.comment,
          at: new Date(),
        }),
    );
    if (!result) {
      throw new ConflictError(
        `Evidence ${evidenceId} was already ${
          evidence.review.state === 'pending'
            ? 'reviewed'
            : evidence.review.state
        }`,
      );
    }
    if (input.decision === 'reject') {
      await this.deps.commands.notify(() =>
        this.deps.notifier?.evidenceRejected({
          entityRef: plan.entityRef,
          owner: plan.owner,
          taskId,
          evidence: result,
        }),
      );
    }
    return { evidence: result, score };
  }

  /** Evidence awaiting a review that `reviewer` may give, oldest first. */
  async reviewQueue(options: {
    reviewer: string;
    reviewerOwnership: string[];
    credentials: BackstageCredentials;
    limit?: number;
  }) {
    const { catalog } = this.deps;
    const items = await this.deps.evidence.listPendingReviews({
      reviewer: options.reviewer,
      excludeOwners: this.deps.ownerGroupMayReview
        ? []
        : [...(await catalog.withAncestors(options.reviewerOwnership))],
      visible: await catalog.visibleRefs(options.credentials),
      limit: options.limit ?? 200,
    });
    return items.flatMap(({ template, ...item }) => {
      const task = template?.phases
        .flatMap(p => p.tasks)
        .find(t => t.id === item.taskId);
      return task
        ? [{ ...item, taskTitle: task.title, severity: task.severity }]
        : [];
    });
  }
}
