import {
  Evidence,
  ReadinessStatus,
  ReadinessTemplate,
  TaskState,
  TemplateTask,
} from '../types';

/**
 * How a task counts towards the score:
 * - `proven`: verified or reviewed, unexpired evidence; full points
 * - `attested`: done on a person's word (claimed evidence, or none); half points, and a
 *   P0 stays a blocker
 * - `expired`: done, but all its evidence has expired; 0 points
 * - `exempt`: approved, unexpired exemption; full points, flagged
 * - `not_applicable`: approved "not applicable" exemption; leaves the denominator
 * - `open`: anything else, 0 points
 * @public
 */
export type TaskValueKind =
  | 'proven'
  | 'attested'
  | 'expired'
  | 'exempt'
  | 'not_applicable'
  | 'open';

/** The evaluation of one task at one instant. @public */
export interface TaskEvaluation {
  taskId: string;
  kind: TaskValueKind;
  /** Points earned. */
  earned: number;
  /** Points that count in the denominator (0 when not applicable). */
  possible: number;
  /** A P0 task without verified or reviewed, unexpired proof (and not exempt). */
  blocker: boolean;
  /** Done, but a machine check failed after its last proof (worth nothing, like expired). */
  refuted?: true;
}

/** Score of one dimension; `score` is null when nothing in it applies. @public */
export interface DimensionScore {
  id: string;
  title: string;
  weight: number;
  earned: number;
  possible: number;
  score: number | null;
}

/** Progress of one phase. @public */
export interface PhaseProgress {
  id: string;
  title: string;
  /** Tasks that are satisfied (proven, attested or exempt). */
  satisfied: number;
  applicable: number;
  earned: number;
  possible: number;
}

/**
 * How far a service has climbed the template's phases: the last phase, counted from the first,
 * whose P0 and P1 tasks are all proven (or exempt, or not applicable). `reached: 0` is none.
 * @public
 */
export interface ReadinessStage {
  reached: number;
  of: number;
  /** The last phase reached. */
  phaseId?: string;
  title?: string;
}

/** A blocking P0 task. @public */
export interface Blocker {
  taskId: string;
  title: string;
  phaseId: string;
  kind: TaskValueKind;
}

/** The full score of a plan. @public */
export interface ReadinessScore {
  /** Overall score 0..100 after the blocker cap, one decimal. */
  overall: number;
  /** The weighted score before the blocker cap. */
  uncapped: number;
  capped: boolean;
  status: ReadinessStatus;
  dimensions: DimensionScore[];
  phases: PhaseProgress[];
  blockers: Blocker[];
  /** The phase stage ("Phase 3 of 5 — Operational resilience"). */
  stage: ReadinessStage;
  tasks: TaskEvaluation[];
  counts: {
    proven: number;
    attested: number;
    expired: number;
    exempt: number;
    notApplicable: number;
    open: number;
    /** Of the expired: tasks a machine check refuted after their last proof. */
    refuted: number;
  };
  evaluatedAt: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const isExpired = (expiresAt: string | undefined, now: Date) =>
  expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();

/**
 * True when the evidence's provenance makes it proof: verified or reviewed, and not a bare
 * attestation (whoever sends it, an attestation is a claim).
 * @public
 */
export function isTrusted(evidence: Pick<Evidence, 'trust' | 'kind'>): boolean {
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
export function isValidProof(evidence: Evidence, now: Date): boolean {
  return isTrusted(evidence) && !isExpired(evidence.expiresAt, now);
}

/**
 * True for the record of a machine-verified automatic check that failed: the backend writes it
 * (people cannot send `kind: check`) as already expired, its summary starting with "Failed: ".
 * A check that only reads what the team declared (trust `claimed`) refutes nothing.
 * @public
 */
export function isFailedCheck(evidence: Evidence): boolean {
  return (
    evidence.kind === 'check' &&
    evidence.trust === 'verified' &&
    evidence.recordedBy.startsWith('check:') &&
    evidence.summary.startsWith('Failed: ')
  );
}

/** Scores one task according to the honesty rules. @public */
export function evaluateTask(
  task: TemplateTask,
  state: TaskState | undefined,
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
  const evidence = (state?.evidence ?? []).filter(
    e => isFailedCheck(e) || Date.parse(e.recordedAt) > refutedAt,
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

/** Sums task evaluations (in template order) into a score. */
function aggregate(
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

  let weighted = 0;
  let weights = 0;
  for (const d of dimensions) {
    if (d.possible > 0 && d.weight > 0) {
      weighted += d.weight * (d.earned / d.possible) * 100;
      weights += d.weight;
    }
  }
  const uncapped = weights > 0 ? round1(weighted / weights) : 0;
  const capped = blockers.length > 0 && uncapped > template.blockerCap;
  const overall = capped ? template.blockerCap : uncapped;

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

  let status: ReadinessStatus;
  if (blockers.length > 0 || overall < template.atRiskThreshold) {
    status = 'not_ready';
  } else if (overall >= template.readyThreshold && counts.expired === 0) {
    status = 'ready';
  } else {
    status = 'at_risk';
  }

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

/** What proving one task (verified or reviewed evidence) would add. @public */
export interface WhatIf {
  taskId: string;
  title: string;
  severity: TemplateTask['severity'];
  /** Overall points gained, including a lifted blocker cap. */
  gain: number;
  /** Status the plan would have afterwards. */
  statusAfter: ReadinessStatus;
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
