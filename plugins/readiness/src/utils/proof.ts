import {
  CheckRun,
  TemplateTask,
  VERIFICATION_CI_PRINCIPAL,
} from '@prodready/plugin-readiness-common';
import { CHECK_OUTCOME_LABELS } from './labels';

/** What proves a task, in words: its check and the check's last run, or who else may. */
export interface ProofDescription {
  /** "Checked by …", "Proven by a bound CI principal", or "Proven by a second person's review". */
  by: string;
  /** The last run: outcome, age and what it found; absent when nothing ran. */
  lastRun?: string;
  outcome?: CheckRun['outcome'];
  url?: string;
}

/** "just now", "25 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Which check proves `task` and what its last run found. */
export function describeProof(
  task: Pick<TemplateTask, 'verification'>,
  run: CheckRun | undefined,
  now = Date.now(),
): ProofDescription {
  if (task.verification === VERIFICATION_CI_PRINCIPAL)
    return {
      by: 'Proven by a CI principal bound to this task, or a second person’s review',
    };
  if (task.verification === 'manual')
    return { by: 'Proven by a second person’s review of the evidence' };
  if (!run)
    return {
      by: `Checked by ${task.verification}`,
      lastRun: 'not run yet',
    };
  return {
    by: `Checked by ${run.checkTitle}`,
    lastRun: `${CHECK_OUTCOME_LABELS[run.outcome]} ${ago(run.ranAt, now)}: ${
      run.summary
    }`,
    outcome: run.outcome,
    ...(run.url ? { url: run.url } : {}),
  };
}
