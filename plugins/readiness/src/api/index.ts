export { readinessApiRef, ReadinessConflictError } from './ReadinessApi';
export type {
  ReadinessApi,
  ReadinessFilters,
  ScoreSnapshot,
  TaskWriteResult,
  ImportPreview,
  EvidenceReviewDecision,
  ExemptionRequestInput,
} from './ReadinessApi';
export { ReadinessClient } from './ReadinessClient';
