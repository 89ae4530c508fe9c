export {
  EntityReadinessCard,
  ReadinessSummary,
  STATUS_LABELS,
} from './EntityReadinessCard';
