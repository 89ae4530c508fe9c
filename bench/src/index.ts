/**
 * The readiness benchmark harness (see scripts/bench.mjs and bench/README.md).
 *
 * @packageDocumentation
 */
export * from './generate';
export * from './load';
