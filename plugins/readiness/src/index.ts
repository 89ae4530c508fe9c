/**
 * Production readiness frontend plugin: entity card, tab and org-wide scores.
 *
 * @packageDocumentation
 */
export { readinessPlugin, EntityReadinessCard } from './plugin';
export { readinessApiRef, ReadinessClient } from './api';
export type { ReadinessApi } from './api';
