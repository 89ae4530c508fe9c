export { OverviewFilters } from './OverviewFilters';
