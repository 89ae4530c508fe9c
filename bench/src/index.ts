/**
 * The readiness benchmark harness (see bench/run.mjs and bench/README.md).
 *
 * @packageDocumentation
 */
export * from './generate';
export * from './load';
