/**
 * Building blocks of the readiness backend for benchmarks and integration harnesses that
 * load data through the plugin's own store and run its jobs outside a backend.
 *
 * @packageDocumentation
 */
export { DatabaseReadinessStore } from './database/DatabaseReadinessStore';
export type { BulkPlan } from './database/DatabaseReadinessStore';
export { ReadinessService } from './service/ReadinessService';
export { CatalogSync } from './sync/CatalogSync';
export { TemplateRegistry } from './templates/TemplateRegistry';
export { defaultTemplate } from './templates/defaultTemplate';
export type { ImportPreview } from './import/preview';
export { PreviewRunner } from './import/PreviewRunner';
