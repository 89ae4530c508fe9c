import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ReadinessFilters } from '../../api';
import { STATUS_LABELS, STATUS_ORDER } from '../../utils/labels';
import { GroupBy } from '../RollupTable';

/** The org overview's grouping and filters: status, tier, lifecycle, owner and system. */
export function OverviewFilters(props: {
  groupBy: GroupBy;
  filters: ReadinessFilters;
  onChange: (groupBy: GroupBy, filters: ReadinessFilters) => void;
}) {
  const { groupBy, filters, onChange } = props;
  const set = (key: keyof ReadinessFilters, value: string) =>
    onChange(groupBy, { ...filters, [key]: value || undefined });
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      style={{ gap: 16 }}
      mb={2}
      role="search"
      aria-label="Filters"
    >
      <TextField
        id="rollup-group-by"
        select
        label="Group by"
        value={groupBy}
        onChange={e => onChange(e.target.value as GroupBy, filters)}
        style={{ minWidth: 140 }}
      >
        <MenuItem value="owner">Owner group</MenuItem>
        <MenuItem value="system">System</MenuItem>
        <MenuItem value="domain">Domain</MenuItem>
        <MenuItem value="group">Org chart</MenuItem>
      </TextField>
      <TextField
        id="filter-status"
        select
        label="Status"
        value={filters.status ?? ''}
        onChange={e => set('status', e.target.value)}
        style={{ minWidth: 140 }}
      >
        <MenuItem value="">Any</MenuItem>
        {STATUS_ORDER.map(s => (
          <MenuItem key={s} value={s}>
            {STATUS_LABELS[s]}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="filter-tier"
        select
        label="Tier"
        value={filters.tier ?? ''}
        onChange={e => set('tier', e.target.value)}
        style={{ minWidth: 100 }}
      >
        <MenuItem value="">Any</MenuItem>
        {['1', '2', '3', '4'].map(t => (
          <MenuItem key={t} value={t}>{`Tier ${t}`}</MenuItem>
        ))}
      </TextField>
      <TextField
        id="filter-lifecycle"
        label="Lifecycle"
        value={filters.lifecycle ?? ''}
        onChange={e => set('lifecycle', e.target.value)}
      />
      <TextField
        id="filter-owner"
        label="Owner group"
        placeholder="group:default/payments-team"
        value={filters.owner ?? ''}
        onChange={e => set('owner', e.target.value)}
      />
      <TextField
        id="filter-system"
        label="System"
        placeholder="system:default/payments"
        value={filters.system ?? ''}
        onChange={e => set('system', e.target.value)}
      />
    </Box>
  );
}
