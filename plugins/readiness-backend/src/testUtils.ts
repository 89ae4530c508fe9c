/*
 * Building blocks of the readiness backend for the benchmark (bench/src/backend.ts), which
 * loads data through the plugin's own store and runs its jobs outside a backend. Not exported
 * from the package: these are internals.
 */
import type {
  Evidence,
  ReadinessScore,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import type { PlanInput } from './database/PlanStore';
import type { ScoreSnapshot } from './database/ScoreStore';

export { DatabaseReadinessStore } from './database/DatabaseReadinessStore';
// Row mappers for the benchmark's bulk load (bench/src/bulkLoad.ts).
export { toPlanRow } from './database/PlanStore';
export { toEvidenceRow } from './database/EvidenceStore';
export { provenTasks } from './database/ScoreStore';
export { normalizeRef } from './database/refs';
export type {
  DbPlansRow,
  DbTaskStatesRow,
  DbEvidenceRow,
  DbScoresRow,
  DbScoreSnapshotsRow,
} from './database/tables';

/**
 * A plan with its task states, evidence, current score and score history, for bulk loads
 * (benchmarks, migrations from other tools).
 */
export interface BulkPlan {
  plan: PlanInput;
  tasks: Array<{
    taskId: string;
    status: TaskStatus;
    checklist?: Record<string, boolean>;
    updatedAt: string;
  }>;
  evidence: Array<{ taskId: string; evidence: Omit<Evidence, 'id'> }>;
  score: ReadinessScore;
  history: Array<Omit<ScoreSnapshot, 'dimensions'> & { dimensions: object }>;
}
export { ReadinessService } from './domain/ReadinessService';
export { CatalogSyncJob } from './jobs/CatalogSyncJob';
export { TemplateRegistry } from './templates/TemplateRegistry';
export { defaultTemplate } from './templates/defaultTemplate';
export type { ImportPreview } from './import/preview';
export { PreviewRunner } from './import/PreviewRunner';
export { CheckRunner } from './checks/CheckRunner';
export { builtinChecks } from './checks/builtinChecks';
