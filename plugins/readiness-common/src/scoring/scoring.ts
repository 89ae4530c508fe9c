import { ReadinessTemplate, ScoredEvidence, ScoredTaskState } from '../types';
import { aggregate, round1, tally, totals } from './aggregate';
import { evaluateTask } from './evaluateTask';
import { ReadinessScore, WhatIf } from './scoreTypes';

/**
 * Scores a plan: dimension scores, weighted overall, blocker cap and status.
 * Pure: the same template, states and `now` always give the same result.
 * @public
 */
export function scorePlan(
  template: ReadinessTemplate,
  states: Record<string, ScoredTaskState | undefined>,
  now: Date = new Date(),
): ReadinessScore {
  return aggregate(
    template,
    template.phases.flatMap(p =>
      p.tasks.map(task => evaluateTask(task, states[task.id], now)),
    ),
    now,
  );
}

// One collator: `localeCompare` with options builds a new one per comparison.
const taskOrder = new Intl.Collator(undefined, { numeric: true });

/**
 * For every task not yet worth its full points, the overall score gained by finishing
 * it with valid evidence, best first.
 * @public
 */
export function whatIf(
  template: ReadinessTemplate,
  states: Record<string, ScoredTaskState | undefined>,
  now: Date = new Date(),
): WhatIf[] {
  return scoreWithWhatIf(template, states, now).whatIf;
}

/**
 * `scorePlan` and `whatIf` from one evaluation of the tasks (what the backend stores with
 * each score).
 * @public
 */
export function scoreWithWhatIf(
  template: ReadinessTemplate,
  states: Record<string, ScoredTaskState | undefined>,
  now: Date = new Date(),
): { score: ReadinessScore; whatIf: WhatIf[] } {
  const evaluations = template.phases.flatMap(p =>
    p.tasks.map(task => evaluateTask(task, states[task.id], now)),
  );
  const current = aggregate(template, evaluations, now);
  // Last wins, as in aggregate's map of dimensions.
  const dimensionIndex = new Map(template.dimensions.map((d, i) => [d.id, i]));
  const dimensionOf = template.phases.flatMap(p =>
    p.tasks.map(t => dimensionIndex.get(t.dimension) ?? -1),
  );
  // Finishing one task changes one evaluation, so the sums change by its difference alone.
  // Points are whole or halves, so these sums are exact and equal to summing afresh.
  const base = tally(template, evaluations, dimensionOf);
  const proof: ScoredEvidence = {
    id: 'what-if',
    kind: 'check',
    summary: 'what-if',
    trust: 'verified',
    recordedAt: now.toISOString(),
    recordedBy: 'what-if',
  };
  const results: WhatIf[] = [];
  let k = 0;
  for (const phase of template.phases) {
    for (const task of phase.tasks) {
      const index = k++;
      const ev = evaluations[index];
      if (ev.kind === 'not_applicable' || ev.earned >= ev.possible) continue;
      const done = evaluateTask(
        task,
        { taskId: task.id, status: 'done', evidence: [proof] },
        now,
      );
      const dimensions = base.dimensions.map((d, i) =>
        i === dimensionOf[index]
          ? {
              ...d,
              earned: d.earned - ev.earned + done.earned,
              possible: d.possible - ev.possible + done.possible,
            }
          : d,
      );
      const after = totals(
        template,
        dimensions,
        base.blockers - Number(ev.blocker) + Number(done.blocker),
        base.expired -
          Number(ev.kind === 'expired') +
          Number(done.kind === 'expired'),
      );
      results.push({
        taskId: task.id,
        title: task.title,
        severity: task.severity,
        gain: round1(after.overall - current.overall),
        statusAfter: after.status,
      });
    }
  }
  return {
    score: current,
    whatIf: results.sort(
      (a, b) => b.gain - a.gain || taskOrder.compare(a.taskId, b.taskId),
    ),
  };
}
