/**
 * Readiness checks proven by probing the service (TLS, security headers, a health
 * endpoint) on allow-listed hosts only, through the readiness checks extension point.
 *
 * @packageDocumentation
 */
export { readinessModuleProbes as default } from './module';
