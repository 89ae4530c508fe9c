import { ScoredEvidence, TemplateTask } from '../types';

/** True when `expiresAt` is set and not after `now`. */
export const isExpired = (expiresAt: string | undefined, now: Date) =>
  expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();

/**
 * True when the evidence's provenance makes it proof: verified or reviewed, and not a bare
 * attestation (whoever sends it, an attestation is a claim).
 * @public
 */
export function isTrusted(
  evidence: Pick<ScoredEvidence, 'trust' | 'kind'>,
): boolean {
  return (
    evidence.kind !== 'attestation' &&
    (evidence.trust === 'verified' || evidence.trust === 'reviewed')
  );
}

/**
 * True when the evidence counts as proof at `now`: verified or reviewed, and unexpired.
 * A person's unreviewed evidence is a claim, however it is labelled.
 * @public
 */
export function isValidProof(evidence: ScoredEvidence, now: Date): boolean {
  return isTrusted(evidence) && !isExpired(evidence.expiresAt, now);
}

/**
 * True for the record of a machine-verified automatic check that failed: the backend writes it
 * (people cannot send `kind: check`) as already expired, its summary starting with "Failed: ".
 * A check that only reads what the team declared (trust `claimed`) refutes nothing.
 * @public
 */
export function isFailedCheck(
  evidence: Pick<ScoredEvidence, 'kind' | 'trust' | 'recordedBy' | 'summary'>,
): boolean {
  return (
    evidence.kind === 'check' &&
    evidence.trust === 'verified' &&
    evidence.recordedBy.startsWith('check:') &&
    evidence.summary.startsWith('Failed: ')
  );
}

/** Expiry for new evidence on a task, from its `maxAgeDays`. @public */
export function evidenceExpiry(
  task: Pick<TemplateTask, 'maxAgeDays'>,
  recordedAt: Date,
): string | undefined {
  if (!task.maxAgeDays) return undefined;
  return new Date(
    recordedAt.getTime() + task.maxAgeDays * 86_400_000,
  ).toISOString();
}
