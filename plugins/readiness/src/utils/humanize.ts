import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { Evidence } from '@prodready/plugin-readiness-common';

/**
 * A person or team as the rest of the UI names them (`user:default/alice` → `alice`);
 * other actors (`check:sentry-errors`, service principals) are shown as they are.
 */
export function humanizeActor(actor: string | undefined): string {
  if (!actor) return 'unknown';
  if (/^(user|group):/i.test(actor)) {
    try {
      const ref = parseEntityRef(actor);
      return humanizeEntityRef(ref, {
        defaultKind: ref.kind.toLocaleLowerCase('en-US'),
      });
    } catch {
      // not an entity ref: shown as it is
    }
  }
  return actor;
}

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
