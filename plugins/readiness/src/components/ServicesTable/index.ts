export { ServicesTable } from './ServicesTable';
