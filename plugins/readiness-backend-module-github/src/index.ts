/**
 * Readiness checks proven by GitHub, through the readiness checks extension point.
 *
 * @packageDocumentation
 */
export { readinessModuleGithub as default } from './module';
