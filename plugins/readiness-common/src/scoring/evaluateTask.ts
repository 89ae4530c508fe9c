import { ScoredTaskState, TemplateTask } from '../types';
import { TaskEvaluation, TaskValueKind } from './scoreTypes';
import { isExpired, isFailedCheck, isTrusted, isValidProof } from './trust';

/** Scores one task according to the honesty rules. @public */
export function evaluateTask(
  task: TemplateTask,
  state: ScoredTaskState | undefined,
  now: Date,
): TaskEvaluation {
  const base = { taskId: task.id, possible: task.points };
  const status = state?.status ?? 'todo';
  // A machine's later "no" outweighs every earlier "yes": evidence recorded before the latest
  // failed check (a red CI run after the pipeline reported green) no longer counts.
  const refutedAt = Math.max(
    -Infinity,
    ...(state?.evidence ?? [])
      .filter(isFailedCheck)
      .map(e => Date.parse(e.recordedAt)),
  );
  // Evidence a second person rejected counts for nothing.
  const evidence = (state?.evidence ?? []).filter(
    e =>
      e.review?.state !== 'rejected' &&
      (isFailedCheck(e) || Date.parse(e.recordedAt) > refutedAt),
  );
  const exemption =
    state?.exemption && !isExpired(state.exemption.expiresAt, now)
      ? state.exemption
      : undefined;
  let kind: TaskValueKind;
  if (exemption) {
    kind = exemption.notApplicable ? 'not_applicable' : 'exempt';
  } else if (status !== 'done') {
    // A `not_applicable` status without an approved exemption is open.
    kind = 'open';
  } else if (evidence.some(e => isValidProof(e, now))) {
    kind = 'proven';
  } else if (evidence.some(isTrusted)) {
    // Proof that expired, or a machine's "no", stands until new proof: the team's own word
    // on top of it (a claim, a link awaiting review) neither renews nor overrides it.
    kind = 'expired';
  } else if (
    evidence.length === 0 ||
    evidence.some(e => !isTrusted(e) && !isExpired(e.expiresAt, now))
  ) {
    kind = 'attested';
  } else {
    // Claims age like proofs: stale evidence of any kind is worth nothing.
    kind = 'expired';
  }

  const blocker =
    task.severity === 'p0' &&
    kind !== 'proven' &&
    kind !== 'exempt' &&
    kind !== 'not_applicable';
  switch (kind) {
    case 'not_applicable':
      return { ...base, kind, earned: 0, possible: 0, blocker: false };
    case 'proven':
    case 'exempt':
      return { ...base, kind, earned: task.points, blocker: false };
    case 'attested':
      return { ...base, kind, earned: task.points / 2, blocker };
    default:
      return {
        ...base,
        kind,
        earned: 0,
        blocker,
        ...(kind === 'expired' && refutedAt > -Infinity
          ? { refuted: true as const }
          : {}),
      };
  }
}
