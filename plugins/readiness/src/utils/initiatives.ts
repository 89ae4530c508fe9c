import {
  InitiativeGoal,
  InitiativeSelection,
  initiativeGoalParts,
} from '@prodready/plugin-readiness-common';
import { humanizeActor } from './humanize';

const DAY_MS = 86_400_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "tasks 3.2, 5.1 proven · score at least 80 · no open P0". */
export function describeGoal(goal: InitiativeGoal): string {
  return initiativeGoalParts(goal).join(' · ');
}

/** "owners payments-team · tiers 1, 2", or "every scored service". */
export function describeSelection(selection: InitiativeSelection = {}): string {
  const parts: string[] = [];
  const list = (label: string, values?: string[]) => {
    if (values?.length) parts.push(`${label} ${values.join(', ')}`);
  };
  list(
    selection.owners?.length === 1 ? 'owner' : 'owners',
    selection.owners?.map(humanizeActor),
  );
  list('systems', selection.systems);
  list('domains', selection.domains);
  list('lifecycles', selection.lifecycles);
  list('tiers', selection.tiers);
  list('types', selection.types);
  return parts.length ? parts.join(' · ') : 'every scored service';
}

/** Whole UTC days from today to `day` (negative once it has passed). */
function daysUntil(day: string, now = new Date()): number {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return Math.round((Date.parse(`${day}T00:00:00Z`) - today) / DAY_MS);
}

/**
 * "12 days left", "due today" or "overdue by 3 days": the deadline is the last day on which
 * services may still meet the goal.
 */
export function deadlineText(deadline: string, now = new Date()): string {
  const days = daysUntil(deadline, now);
  if (days > 0) return `${plural(days, 'day')} left`;
  if (days === 0) return 'due today';
  return `overdue by ${plural(-days, 'day')}`;
}

/** Like {@link deadlineText}, or "starts in 5 days" before the start. */
export function timeLeftText(
  initiative: { startsAt: string; deadline: string },
  now = new Date(),
): string {
  const toStart = daysUntil(initiative.startsAt, now);
  return toStart > 0
    ? `starts in ${plural(toStart, 'day')}`
    : deadlineText(initiative.deadline, now);
}

/** Whole percent of `met` in `of`, or undefined when there is nothing to count. */
export const percent = (met: number, of: number) =>
  of === 0 ? undefined : Math.round((met / of) * 100);
