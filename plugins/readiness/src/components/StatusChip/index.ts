export {
  StatusChip,
  ReadinessStatusChip,
  InitiativeStateChip,
  TrustChip,
  SeverityChip,
} from './StatusChip';
