export { ReadinessPage, servicesToCsv } from './ReadinessPage';
