import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { ServiceScoreRow } from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Breadcrumbs from '@material-ui/core/Breadcrumbs';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MuiLink from '@material-ui/core/Link';
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
import { servicesToCsv } from '../../utils/csv';
import { download } from '../../utils/download';
import { STATUS_LABELS, STATUS_ORDER } from '../../utils/labels';
import { InitiativeList } from '../InitiativeList';
import { InitiativeView } from '../InitiativeView';
import { OverviewFilters } from '../OverviewFilters';
import { ReviewQueue } from '../ReviewQueue';
import { BlockersTable } from '../BlockersTable';
import { ExpiringEvidence } from '../ExpiringEvidence';
import { GroupBy, RollupTable } from '../RollupTable';
import { ScoreHistoryChart } from '../ScoreHistoryChart';
import { ServicesTable } from '../ServicesTable';

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
        <OverviewFilters
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
            {STATUS_ORDER.map(s => (
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
                <RollupTable
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
              <BlockersTable filters={filters} />
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Services">
                <ServicesTable filters={filters} />
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <InfoCard title="Evidence expired or expiring within 30 days">
                <ExpiringEvidence days={30} />
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
