export { ReadinessPage } from './ReadinessPage';
