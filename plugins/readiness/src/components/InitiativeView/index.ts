export { InitiativeView } from './InitiativeView';
