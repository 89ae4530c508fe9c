import { Evidence, ReadinessTemplate, TaskState } from '../types';
import { aggregate, round1 } from './aggregate';
import { evaluateTask } from './evaluateTask';
import { ReadinessScore, WhatIf } from './scoreTypes';

/**
 * Scores a plan: dimension scores, weighted overall, blocker cap and status.
 * Pure: the same template, states and `now` always give the same result.
 * @public
 */
export function scorePlan(
  template: ReadinessTemplate,
  states: Record<string, TaskState | undefined>,
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

/**
 * For every task not yet worth its full points, the overall score gained by finishing
 * it with valid evidence, best first.
 * @public
 */
export function whatIf(
  template: ReadinessTemplate,
  states: Record<string, TaskState | undefined>,
  now: Date = new Date(),
): WhatIf[] {
  const evaluations = template.phases.flatMap(p =>
    p.tasks.map(task => evaluateTask(task, states[task.id], now)),
  );
  const current = aggregate(template, evaluations, now);
  const proof: Evidence = {
    id: 'what-if',
    kind: 'check',
    summary: 'what-if',
    source: 'ci',
    trust: 'verified',
    recordedAt: now.toISOString(),
    recordedBy: 'what-if',
  };
  const results: WhatIf[] = [];
  // Only the finished task is re-evaluated; the others keep their evaluation.
  let k = 0;
  for (const phase of template.phases) {
    for (const task of phase.tasks) {
      const index = k++;
      const ev = evaluations[index];
      if (ev.kind === 'not_applicable' || ev.earned >= ev.possible) continue;
      const prev = states[task.id];
      const changed = evaluations.slice();
      changed[index] = evaluateTask(
        task,
        {
          taskId: task.id,
          checklist: prev?.checklist ?? {},
          version: prev?.version ?? 0,
          status: 'done',
          evidence: [proof],
        },
        now,
      );
      const after = aggregate(template, changed, now);
      results.push({
        taskId: task.id,
        title: task.title,
        severity: task.severity,
        gain: round1(after.overall - current.overall),
        statusAfter: after.status,
      });
    }
  }
  return results.sort(
    (a, b) =>
      b.gain - a.gain ||
      a.taskId.localeCompare(b.taskId, undefined, { numeric: true }),
  );
}
