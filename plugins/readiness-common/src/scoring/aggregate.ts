import { ReadinessStatus, ReadinessTemplate } from '../types';
import {
  Blocker,
  DimensionScore,
  PhaseProgress,
  ReadinessScore,
  ReadinessStage,
  TaskEvaluation,
  TaskValueKind,
} from './scoreTypes';

/** Rounds to one decimal. */
export const round1 = (n: number) => Math.round(n * 10) / 10;

/** Sums task evaluations (in template order) into a score. */
export function aggregate(
  template: ReadinessTemplate,
  evaluations: TaskEvaluation[],
  now: Date,
): ReadinessScore {
  const tasks: TaskEvaluation[] = [];
  const blockers: Blocker[] = [];
  const dims = new Map(
    template.dimensions.map(d => [d.id, { ...d, earned: 0, possible: 0 }]),
  );
  const phases: PhaseProgress[] = [];
  const stage: ReadinessStage = { reached: 0, of: template.phases.length };
  let climbing = true;

  for (const phase of template.phases) {
    let phaseProven = true;
    const progress: PhaseProgress = {
      id: phase.id,
      title: phase.title,
      satisfied: 0,
      applicable: 0,
      earned: 0,
      possible: 0,
    };
    for (const task of phase.tasks) {
      const ev = evaluations[tasks.length];
      tasks.push(ev);
      const dim = dims.get(task.dimension);
      if (dim) {
        dim.earned += ev.earned;
        dim.possible += ev.possible;
      }
      if (ev.kind !== 'not_applicable') {
        progress.applicable += 1;
        progress.earned += ev.earned;
        progress.possible += ev.possible;
        if (
          ev.kind === 'proven' ||
          ev.kind === 'attested' ||
          ev.kind === 'exempt'
        ) {
          progress.satisfied += 1;
        }
      }
      if (
        (task.severity === 'p0' || task.severity === 'p1') &&
        ev.kind !== 'proven' &&
        ev.kind !== 'exempt' &&
        ev.kind !== 'not_applicable'
      ) {
        phaseProven = false;
      }
      if (ev.blocker) {
        blockers.push({
          taskId: task.id,
          title: task.title,
          phaseId: phase.id,
          kind: ev.kind,
        });
      }
    }
    phases.push(progress);
    climbing &&= phaseProven;
    if (climbing) {
      stage.reached += 1;
      stage.phaseId = phase.id;
      stage.title = phase.title;
    }
  }

  const dimensions: DimensionScore[] = [...dims.values()].map(d => ({
    id: d.id,
    title: d.title,
    weight: d.weight,
    earned: d.earned,
    possible: d.possible,
    score: d.possible > 0 ? round1((d.earned / d.possible) * 100) : null,
  }));

  const byKind: Record<TaskValueKind, number> = {
    proven: 0,
    attested: 0,
    expired: 0,
    exempt: 0,
    not_applicable: 0,
    open: 0,
  };
  for (const t of tasks) byKind[t.kind] += 1;
  const counts = {
    proven: byKind.proven,
    attested: byKind.attested,
    expired: byKind.expired,
    exempt: byKind.exempt,
    notApplicable: byKind.not_applicable,
    open: byKind.open,
    refuted: tasks.filter(t => t.refuted).length,
  };

  const { overall, uncapped, capped, status } = totals(
    template,
    dimensions,
    blockers.length,
    counts.expired,
  );

  return {
    overall,
    uncapped,
    capped,
    status,
    dimensions,
    phases,
    blockers,
    stage,
    tasks,
    counts,
    evaluatedAt: now.toISOString(),
  };
}

/**
 * The weighted overall (capped while P0 blockers are open) and the status: the one formula
 * behind `aggregate` and the what-if.
 */
export function totals(
  template: ReadinessTemplate,
  dimensions: Array<{ weight: number; earned: number; possible: number }>,
  blockers: number,
  expired: number,
) {
  let weighted = 0;
  let weights = 0;
  for (const d of dimensions) {
    if (d.possible > 0 && d.weight > 0) {
      weighted += d.weight * (d.earned / d.possible) * 100;
      weights += d.weight;
    }
  }
  const uncapped = weights > 0 ? round1(weighted / weights) : 0;
  const capped = blockers > 0 && uncapped > template.blockerCap;
  const overall = capped ? template.blockerCap : uncapped;
  let status: ReadinessStatus;
  if (blockers > 0 || overall < template.atRiskThreshold) {
    status = 'not_ready';
  } else if (overall >= template.readyThreshold && expired === 0) {
    status = 'ready';
  } else {
    status = 'at_risk';
  }
  return { overall, uncapped, capped, status };
}

/**
 * The per-dimension sums, open P0 blockers and expired tasks of `evaluations`: what
 * `totals` needs. `dimensionOf[i]` is the index in `template.dimensions` of the i-th task's
 * dimension (-1 for none).
 */
export function tally(
  template: ReadinessTemplate,
  evaluations: TaskEvaluation[],
  dimensionOf: number[],
) {
  const dimensions = template.dimensions.map(d => ({
    weight: d.weight,
    earned: 0,
    possible: 0,
  }));
  let blockers = 0;
  let expired = 0;
  for (let i = 0; i < evaluations.length; i++) {
    const ev = evaluations[i];
    const dim = dimensions[dimensionOf[i]];
    if (dim) {
      dim.earned += ev.earned;
      dim.possible += ev.possible;
    }
    if (ev.blocker) blockers += 1;
    if (ev.kind === 'expired') expired += 1;
  }
  return { dimensions, blockers, expired };
}
