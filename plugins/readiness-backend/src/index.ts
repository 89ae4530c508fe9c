/**
 * Production readiness backend plugin: plans, tasks, evidence, scores and history.
 *
 * @packageDocumentation
 */
export { readinessPlugin as default } from './plugin';
