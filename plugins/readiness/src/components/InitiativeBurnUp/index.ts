export { InitiativeBurnUp, burnUpSummary } from './InitiativeBurnUp';
