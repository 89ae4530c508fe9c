export { InitiativeStateChip } from './InitiativeStateChip';
