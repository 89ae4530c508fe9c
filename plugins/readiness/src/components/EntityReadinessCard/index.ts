export { EntityReadinessCard, ReadinessSummary } from './EntityReadinessCard';
