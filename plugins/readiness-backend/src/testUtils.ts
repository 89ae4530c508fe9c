/*
 * Building blocks of the readiness backend for the benchmark (bench/src/backend.ts), which
 * loads data through the plugin's own store and runs its jobs outside a backend. Not exported
 * from the package: these are internals.
 */
export { DatabaseReadinessStore } from './database/DatabaseReadinessStore';
export type { BulkPlan } from './database/DatabaseReadinessStore';
export { ReadinessService } from './service/ReadinessService';
export { CatalogSync } from './sync/CatalogSync';
export { TemplateRegistry } from './templates/TemplateRegistry';
export { defaultTemplate } from './templates/defaultTemplate';
export type { ImportPreview } from './import/preview';
export { PreviewRunner } from './import/PreviewRunner';
export { CheckRunner } from './checks/CheckRunner';
export { builtinChecks } from './checks/builtinChecks';
