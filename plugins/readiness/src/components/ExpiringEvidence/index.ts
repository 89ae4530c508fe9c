export { ExpiringEvidence } from './ExpiringEvidence';
