import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  RollupGroup,
  ServiceScoreRow,
} from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Breadcrumbs from '@material-ui/core/Breadcrumbs';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import MuiLink from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { useState } from 'react';
import { Route, Routes } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ReadinessFilters, readinessApiRef } from '../../api';
import { download } from '../../utils/download';
import { STATUS_LABELS } from '../EntityReadinessCard';
import { InitiativeList } from '../InitiativeList';
import { InitiativeView } from '../InitiativeView';
import { ReviewQueue } from '../ReviewQueue';
import { ScoreHistoryChart } from '../ScoreHistoryChart';

type GroupBy = 'owner' | 'system' | 'domain' | 'group';
type Sort = 'overall' | 'entityRef' | 'blockers';

/** Why a P0 still blocks when it is not simply open. */
const BLOCKER_SUFFIXES: Record<string, string> = {
  attested: ' (done on a claim: needs verified or reviewed proof)',
  expired: ' (proof expired)',
};

const entityLink = (ref: string) => {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/${kind}/${name}`;
};

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  // Guard against formula injection when the CSV is opened in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV of services with their scores, for status reports. */
export function servicesToCsv(rows: ServiceScoreRow[]): string {
  const header = [
    'entityRef',
    'owner',
    'system',
    'domain',
    'lifecycle',
    'tier',
    'overall',
    'status',
    'blockers',
    'computedAt',
  ];
  return [
    header.join(','),
    ...rows.map(r => header.map(h => csvCell((r as any)[h])).join(',')),
  ].join('\n');
}

function Filters(props: {
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
        <MenuItem value="ready">Ready</MenuItem>
        <MenuItem value="at_risk">At risk</MenuItem>
        <MenuItem value="not_ready">Not ready</MenuItem>
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

function Rollup({
  groups,
  groupBy,
  onDrill,
}: {
  groups: RollupGroup[];
  groupBy: GroupBy;
  /** With the org chart: opens a group's sub-teams. */
  onDrill?: (group: string) => void;
}) {
  return (
    <Table size="small" aria-label={`Scores by ${groupBy}`}>
      <TableHead>
        <TableRow>
          {[
            groupBy,
            'Services',
            'Average',
            'Ready',
            'At risk',
            'Not ready',
            'Open P0',
            'Blocked by dependencies',
            'Services by phase stage',
          ].map((title, i) => (
            <TableCell
              key={title}
              align={i === 0 ? 'left' : 'right'}
              style={{ whiteSpace: 'nowrap' }}
            >
              {title}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {groups.map(g => (
          <TableRow key={g.key}>
            <TableCell>
              {g.key.includes(':') ? (
                <Link to={entityLink(g.key)} title={g.key}>
                  {humanizeEntityRef(parseEntityRef(g.key), {
                    defaultKind: parseEntityRef(g.key).kind,
                  })}
                </Link>
              ) : (
                g.key
              )}
            </TableCell>
            <TableCell align="right">{g.services}</TableCell>
            <TableCell align="right">{g.average}</TableCell>
            <TableCell align="right">{g.statusCounts.ready}</TableCell>
            <TableCell align="right">{g.statusCounts.at_risk}</TableCell>
            <TableCell align="right">{g.statusCounts.not_ready}</TableCell>
            <TableCell align="right">{g.blockers}</TableCell>
            <TableCell
              align="right"
              title="Services that depend on a Not ready service"
            >
              {g.blockedByDependencies ?? 0}
            </TableCell>
            <TableCell
              align="right"
              title="Services per phase stage reached, from none to the last phase"
            >
              {(g.stageCounts ?? []).join(' · ')}
            </TableCell>
            {onDrill && (
              <TableCell>
                <Button
                  size="small"
                  onClick={() => onDrill(g.key)}
                  aria-label={`Sub-teams of ${g.key}`}
                >
                  Sub-teams
                </Button>
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Services({ filters }: { filters: ReadinessFilters }) {
  const api = useApi(readinessApiRef);
  const [sort, setSort] = useState<Sort>('overall');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useAsync(
    () => api.listServices({ ...filters, sort, order, limit: 20, cursor }),
    [api, JSON.stringify(filters), sort, order, cursor],
  );
  const sortBy = (s: Sort) => {
    setOrder(sort === s && order === 'asc' ? 'desc' : 'asc');
    setSort(s);
    setCursors([]);
  };
  if (page.error) return <ResponseErrorPanel error={page.error} />;
  const header = (s: Sort, label: string, align: 'left' | 'right' = 'left') => (
    <TableCell align={align} sortDirection={sort === s ? order : false}>
      <TableSortLabel
        active={sort === s}
        direction={sort === s ? order : 'asc'}
        onClick={() => sortBy(s)}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );
  return (
    <>
      <Table size="small" aria-label="Services">
        <TableHead>
          <TableRow>
            {header('entityRef', 'Service')}
            <TableCell>Owner</TableCell>
            {header('overall', 'Score', 'right')}
            <TableCell>Status</TableCell>
            {header('blockers', 'Open P0', 'right')}
            <TableCell align="right">Stage</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(page.value?.items ?? []).map(s => (
            <TableRow key={s.entityRef}>
              <TableCell>
                <Link to={entityLink(s.entityRef)}>{s.entityRef}</Link>
              </TableCell>
              <TableCell>{s.owner}</TableCell>
              <TableCell align="right">{s.overall}</TableCell>
              <TableCell>{STATUS_LABELS[s.status]}</TableCell>
              <TableCell align="right">{s.blockers}</TableCell>
              <TableCell align="right">{s.stage}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="flex-end"
        style={{ gap: 8 }}
        mt={1}
      >
        <Typography variant="body2" color="textSecondary">
          {page.loading
            ? 'Loading…'
            : `${page.value?.total ?? 0} services · page ${cursors.length + 1}`}
        </Typography>
        <Button
          size="small"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          size="small"
          disabled={!page.value?.nextCursor}
          onClick={() => setCursors([...cursors, page.value!.nextCursor!])}
        >
          Next page
        </Button>
      </Box>
    </>
  );
}

/**
 * The org overview: the review queue, initiatives, rollups, distribution, trend, blockers,
 * expiring evidence and the services list, with CSV and markdown export.
 */
function OrgOverview() {
  const api = useApi(readinessApiRef);
  const theme = useTheme();
  const [groupBy, setGroupBy] = useState<GroupBy>('owner');
  const [filters, setFilters] = useState<ReadinessFilters>({});
  // The org chart's drill-down: the groups opened from the root, in order.
  const [path, setPath] = useState<string[]>([]);
  const parent = groupBy === 'group' ? path[path.length - 1] : undefined;
  const key = JSON.stringify(filters);
  const rollup = useAsync(
    () => api.getRollup(groupBy, filters, ...(parent ? [parent] : [])),
    [api, groupBy, key, parent],
  );
  const trend = useAsync(() => api.getTrend(90, filters), [api, key]);
  const blockers = useAsync(() => api.listBlockers(filters), [api, key]);
  const expiring = useAsync(() => api.getExpiringEvidence(30), [api]);

  const groups = rollup.value ?? [];
  const totals = groups.reduce(
    (t, g) => ({
      services: t.services + g.services,
      ready: t.ready + g.statusCounts.ready,
      at_risk: t.at_risk + g.statusCounts.at_risk,
      not_ready: t.not_ready + g.statusCounts.not_ready,
    }),
    { services: 0, ready: 0, at_risk: 0, not_ready: 0 },
  );
  const distribution = Array.from({ length: 10 }, (_, i) => ({
    bucket: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`,
    services: groups.reduce((n, g) => n + g.distribution[i], 0),
  }));

  const exportCsv = async () => {
    const rows: ServiceScoreRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.listServices({
        ...filters,
        sort: 'entityRef',
        limit: 500,
        cursor,
      });
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    download('readiness-services.csv', 'text/csv', servicesToCsv(rows));
  };
  const exportMarkdown = async () =>
    download(
      'readiness-report.md',
      'text/markdown',
      await api.exportOrg(groupBy, filters),
    );

  return (
    <Page themeId="tool">
      <Header
        title="Production readiness"
        subtitle="Evidence-based readiness across the organisation"
      />
      <Content>
        <ContentHeader title="Organisation overview">
          <Button onClick={exportCsv}>Export CSV</Button>
          <Button onClick={exportMarkdown}>Export markdown</Button>
        </ContentHeader>
        <Box mb={3}>
          <ReviewQueue />
        </Box>
        <Box mb={3}>
          <InitiativeList />
        </Box>
        <Filters
          groupBy={groupBy}
          filters={filters}
          onChange={(g, f) => {
            setGroupBy(g);
            setPath([]);
            setFilters(f);
          }}
        />
        {rollup.error && <ResponseErrorPanel error={rollup.error} />}
        {rollup.loading && <Progress />}
        {!rollup.loading && !rollup.error && groups.length === 0 && (
          <EmptyState
            missing="data"
            title="No scored services match"
            description="Services appear here once they carry readiness annotations and the catalog sync has registered them."
          />
        )}
        {groups.length > 0 && (
          <Grid container spacing={3}>
            {(['ready', 'at_risk', 'not_ready'] as const).map(s => (
              <Grid item xs={12} sm={4} key={s}>
                <InfoCard title={STATUS_LABELS[s]}>
                  <Typography
                    variant="h3"
                    component="p"
                    aria-label={`${STATUS_LABELS[s]} services`}
                  >
                    {totals[s]}
                  </Typography>
                  <Typography variant="body2" color="textSecondary">
                    of {totals.services} services
                  </Typography>
                </InfoCard>
              </Grid>
            ))}
            <Grid item xs={12}>
              <InfoCard
                title={
                  groupBy === 'group'
                    ? 'Scores by group'
                    : `Scores by ${groupBy}`
                }
              >
                {groupBy === 'group' && (
                  <Breadcrumbs aria-label="Org chart path">
                    <MuiLink component="button" onClick={() => setPath([])}>
                      All groups
                    </MuiLink>
                    {path.map((g, i) => (
                      <MuiLink
                        key={g}
                        component="button"
                        onClick={() => setPath(path.slice(0, i + 1))}
                      >
                        {humanizeEntityRef(parseEntityRef(g), {
                          defaultKind: 'group',
                        })}
                      </MuiLink>
                    ))}
                  </Breadcrumbs>
                )}
                <Rollup
                  groups={groups}
                  groupBy={groupBy}
                  {...(groupBy === 'group'
                    ? { onDrill: (g: string) => setPath([...path, g]) }
                    : {})}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={6}>
              <InfoCard title="Score distribution">
                <figure aria-label="Score distribution" style={{ margin: 0 }}>
                  <ResponsiveContainer width="100%" height={220}>
                    <BarChart data={distribution}>
                      <XAxis
                        dataKey="bucket"
                        fontSize={11}
                        stroke={theme.palette.text.secondary}
                      />
                      <YAxis
                        allowDecimals={false}
                        fontSize={11}
                        stroke={theme.palette.text.secondary}
                      />
                      <Tooltip />
                      <Bar
                        dataKey="services"
                        name="Services"
                        fill={theme.palette.primary.main}
                        isAnimationActive={false}
                      />
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={6}>
              <InfoCard title="Average score, last 90 days">
                <ScoreHistoryChart
                  title="Average score trend"
                  points={(trend.value ?? []).map(p => ({
                    at: p.day,
                    value: p.average,
                  }))}
                />
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={6}>
              <InfoCard
                title={`Open P0 blockers (${blockers.value?.length ?? 0})`}
              >
                <Table size="small" aria-label="Open P0 blockers">
                  <TableBody>
                    {(blockers.value ?? []).slice(0, 50).map(b => (
                      <TableRow key={`${b.entityRef}-${b.taskId}`}>
                        <TableCell>
                          <Link to={entityLink(b.entityRef)}>
                            {b.entityRef}
                          </Link>
                        </TableCell>
                        <TableCell>{`${b.taskId} ${b.title}${
                          BLOCKER_SUFFIXES[b.kind] ?? ''
                        }`}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Services">
                <Services filters={filters} />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard
                title={`Evidence expired or expiring within 30 days (${
                  expiring.value?.length ?? 0
                })`}
              >
                <Table size="small" aria-label="Expiring evidence">
                  <TableBody>
                    {(expiring.value ?? []).slice(0, 50).map(e => (
                      <TableRow
                        key={`${e.entityRef}-${e.taskId}-${e.expiresAt}`}
                      >
                        <TableCell>
                          <Link to={entityLink(e.entityRef)}>
                            {e.entityRef}
                          </Link>
                        </TableCell>
                        <TableCell>{`${e.taskId}: ${e.summary}`}</TableCell>
                        <TableCell>{e.expiresAt.slice(0, 10)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </InfoCard>
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}

/**
 * Org-wide readiness for managers: the overview at the page's root and each initiative at
 * `initiatives/:id` beneath it (the page is mounted with its sub-paths, e.g. `/readiness/*`).
 * @public
 */
export function ReadinessPage() {
  return (
    <Routes>
      <Route path="/" element={<OrgOverview />} />
      <Route path="initiatives/:id" element={<InitiativeView />} />
      <Route path="*" element={<OrgOverview />} />
    </Routes>
  );
}
