export { RollupTable } from './RollupTable';
export type { GroupBy } from './RollupTable';
