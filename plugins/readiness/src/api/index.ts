export { readinessApiRef, ReadinessConflictError } from './ReadinessApi';
export type {
  BlockersPage,
  ReadinessApi,
  ReadinessFilters,
  ScoreSnapshot,
  TaskWriteResult,
  ImportPreview,
  ImportedItem,
  ImportMapping,
  EvidenceReviewDecision,
  ExemptionRequestInput,
  ExpiringEvidencePage,
  InitiativeExportFormat,
} from './ReadinessApi';
export { ReadinessClient } from './ReadinessClient';
