/**
 * Catalog backend module validating the readiness annotations.
 *
 * @packageDocumentation
 */
export { catalogModuleReadiness as default } from './module';
export { ReadinessAnnotationsProcessor } from './processor/ReadinessAnnotationsProcessor';
