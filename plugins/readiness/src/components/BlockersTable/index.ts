export { BlockersTable } from './BlockersTable';
