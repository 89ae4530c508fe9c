/**
 * Readiness checks proven by PagerDuty, through the readiness checks extension point.
 *
 * @packageDocumentation
 */
export { readinessModulePagerduty as default } from './module';
