export { readinessApiRef, ReadinessConflictError } from './ReadinessApi';
export type {
  ReadinessApi,
  ReadinessFilters,
  ScoreSnapshot,
  TaskWriteResult,
  ImportPreview,
} from './ReadinessApi';
export { ReadinessClient } from './ReadinessClient';
