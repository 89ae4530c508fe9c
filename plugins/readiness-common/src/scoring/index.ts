export type {
  Blocker,
  DimensionScore,
  PhaseProgress,
  ReadinessScore,
  ReadinessStage,
  TaskEvaluation,
  TaskValueKind,
  WhatIf,
} from './scoreTypes';
export {
  evidenceExpiry,
  isFailedCheck,
  isTrusted,
  isValidProof,
} from './trust';
export { evaluateTask } from './evaluateTask';
export { scorePlan, scoreWithWhatIf, whatIf } from './scoring';
