export { ImportDialog } from './ImportDialog';
