/**
 * Common types, annotation constants, permissions, schemas and the scoring rules of the
 * production readiness plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './annotations';
export * from './permissions';
export * from './schemas';
export * from './scoring';
export * from './api';
export * from './queries';
export * from './initiatives';
export * from './summary';
