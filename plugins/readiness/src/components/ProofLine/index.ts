export { ProofLine } from './ProofLine';
