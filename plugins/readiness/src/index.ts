/**
 * Production readiness frontend plugin: entity card and tab, team card, org-wide page.
 *
 * @packageDocumentation
 */
export {
  readinessPlugin,
  EntityReadinessCard,
  EntityReadinessContent,
  GroupReadinessCard,
  ReadinessPage,
} from './plugin';
export { initiativeRouteRef, rootRouteRef } from './routes';
export {
  readinessApiRef,
  ReadinessClient,
  ReadinessConflictError,
} from './api';
export type {
  BlockersPage,
  ReadinessApi,
  ReadinessFilters,
  EvidenceReviewDecision,
  ExemptionRequestInput,
  ExpiringEvidencePage,
  ImportMapping,
  ImportPreview,
  ImportedItem,
  InitiativeExportFormat,
  ScoreSnapshot,
  TaskWriteResult,
} from './api';
