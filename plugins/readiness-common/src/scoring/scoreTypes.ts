import { ReadinessStatus, TemplateTask } from '../types';

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
