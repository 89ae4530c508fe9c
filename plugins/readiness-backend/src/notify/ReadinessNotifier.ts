import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ExpiringEvidenceItem,
  Initiative,
  InitiativeMilestone,
  ReadinessStatus,
} from '@prodready/plugin-readiness-common';
import { NotificationClaimStore } from '../database/NotificationClaimStore';
import { normalizeRef } from '../database/refs';

const RANK: Record<string, number> = { ready: 2, at_risk: 1, not_ready: 0 };
const LABEL: Record<string, string> = {
  ready: 'Ready',
  at_risk: 'At risk',
  not_ready: 'Not ready',
};
/** Evidence expiring this soon is announced in advance. */
export const EXPIRY_WARNING_DAYS = 14;
/** A fall of at least this many points is announced even without a status change. */
const SCORE_DROP_POINTS = 10;

const entityLink = (entityRef: string) => {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind}/${name}`;
};

/**
 * Tells a service's owners about evidence that will expire or has expired, and about
 * status drops or score falls of 10 points or more. Each event is claimed in the database
 * first, so it is sent once across re-runs and replicas.
 * @internal
 */
export class ReadinessNotifier {
  constructor(
    private readonly deps: {
      notifications: NotificationService;
      /** Claims on notification events: the notifier's own idempotency records. */
      store: { notifications: NotificationClaimStore };
      logger: LoggerService;
      /** Users or groups told when evidence awaits review (`readiness.review.notify`). */
      reviewers?: string[];
    },
  ) {}

  /** Tells the configured reviewers that a person's evidence awaits a second person. */
  async evidenceAwaitsReview(options: {
    entityRef: string;
    taskId: string;
    evidence: { id: string; summary: string; recordedBy: string };
  }) {
    const { entityRef, taskId, evidence } = options;
    for (const reviewer of this.deps.reviewers ?? []) {
      await this.send(
        entityRef,
        reviewer,
        `review:${evidence.id}:${reviewer}`,
        {
          title: `Evidence for task ${taskId} of ${entityRef} awaits your review`,
          description: `${evidence.summary} (by ${evidence.recordedBy}). Approve it on the Readiness page's review queue, or reject it with a comment.`,
          severity: 'normal',
        },
      );
    }
  }

  /** Tells the owners that a reviewer rejected their evidence, and why. */
  async evidenceRejected(options: {
    entityRef: string;
    owner?: string;
    taskId: string;
    evidence: {
      id: string;
      summary: string;
      review?: { comment?: string; reviewedBy?: string };
    };
  }) {
    const { entityRef, owner, taskId, evidence } = options;
    if (!owner) return;
    await this.send(entityRef, owner, `rejected:${evidence.id}`, {
      title: `Evidence for task ${taskId} of ${entityRef} was rejected`,
      description: `${evidence.summary}: ${
        evidence.review?.comment ?? 'no comment'
      } (${evidence.review?.reviewedBy ?? 'reviewer'}).`,
      severity: 'normal',
    });
  }

  /** Called after a score was recomputed. */
  async scoreChanged(options: {
    entityRef: string;
    owner?: string;
    before?: { overall: number; status: string };
    after: { overall: number; status: ReadinessStatus; evaluatedAt: string };
  }) {
    const { entityRef, owner, before, after } = options;
    if (!before || !owner) return;
    const dropped = RANK[after.status] < RANK[before.status];
    const fell = before.overall - after.overall >= SCORE_DROP_POINTS;
    if (!dropped && !fell) return;
    const title = dropped
      ? `${entityRef} is now ${LABEL[after.status]} (was ${
          LABEL[before.status]
        })`
      : `${entityRef} readiness fell from ${before.overall} to ${after.overall}`;
    await this.send(entityRef, owner, `drop:${after.evaluatedAt}`, {
      title,
      description: `Readiness score ${before.overall} → ${after.overall}.`,
      severity: 'high',
    });
  }

  /**
   * Warns the owners about `expiring` evidence (the expiry job reads what expires within 14
   * days) and reports what has expired by `now`. Returns how many notifications were sent.
   */
  async evidenceExpiry(
    expiring: ExpiringEvidenceItem[],
    now: Date = new Date(),
  ): Promise<number> {
    let sent = 0;
    for (const e of expiring) {
      if (!e.owner) continue;
      const expired = Date.parse(e.expiresAt) <= now.getTime();
      const ok = await this.send(
        e.entityRef,
        e.owner,
        `${expired ? 'expired' : 'expiring'}:${e.evidenceId}`,
        {
          title: expired
            ? `Evidence for task ${e.taskId} of ${e.entityRef} expired`
            : `Evidence for task ${e.taskId} of ${
                e.entityRef
              } expires ${e.expiresAt.slice(0, 10)}`,
          description: `${e.summary}. Record fresh evidence to keep the points.`,
          severity: expired ? 'high' : 'normal',
        },
      );
      if (ok) sent += 1;
    }
    return sent;
  }

  /**
   * Reminds `recipient` (a team owning services that miss the goal, or the initiative's
   * owner) of an initiative's deadline: 14 and 7 days before, and once overdue; each once.
   */
  async initiativeDeadline(options: {
    initiative: Pick<Initiative, 'id' | 'title' | 'deadline'>;
    milestone: InitiativeMilestone;
    recipient: string;
    /** The recipient's services that miss the goal (all of them, for the owner). */
    lacking: number;
    of: number;
  }): Promise<boolean> {
    const { initiative, milestone, recipient, lacking, of } = options;
    const when =
      milestone === 'overdue'
        ? `was due ${initiative.deadline}`
        : `is due ${initiative.deadline} (${milestone.replace('d', ' days')})`;
    return this.send(
      `initiative:${initiative.id}`,
      recipient,
      // The deadline is part of the event: a moved deadline earns its own reminders.
      `${initiative.deadline}:${milestone}:${normalizeRef(recipient)}`,
      {
        title: `${initiative.title} ${when}`,
        description: `${lacking} of ${of} services still miss the goal.`,
        severity: milestone === 'overdue' ? 'high' : 'normal',
      },
      `/readiness/initiatives/${encodeURIComponent(initiative.id)}`,
    );
  }

  private async send(
    entityRef: string,
    owner: string,
    eventKey: string,
    payload: {
      title: string;
      description: string;
      severity: 'high' | 'normal';
    },
    link: string = entityLink(entityRef),
  ): Promise<boolean> {
    const { store, notifications, logger } = this.deps;
    if (!(await store.notifications.claim(entityRef, eventKey))) return false;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          ...payload,
          link,
          topic: 'production-readiness',
          scope: `readiness:${entityRef}:${eventKey}`,
        },
      });
      return true;
    } catch (error) {
      await store.notifications.release(entityRef, eventKey);
      logger.warn(
        `Could not send readiness notification for ${entityRef}: ${error}`,
      );
      return false;
    }
  }
}
