import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  InitiativeDetail,
  InitiativeServiceProgress,
  InitiativeTeamProgress,
} from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Breadcrumbs from '@material-ui/core/Breadcrumbs';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { InitiativeExportFormat, readinessApiRef } from '../../api';
import { download } from '../../utils/download';
import { initiativeRouteRef, rootRouteRef } from '../../routes';
import {
  describeGoal,
  describeSelection,
  percent,
  timeLeftText,
} from '../../utils/initiatives';
import { InitiativeBurnUp } from '../InitiativeBurnUp';
import { DataTable } from '../DataTable';
import { OwnerLink } from '../OwnerLink';
import { InitiativeStateChip } from '../StatusChip';

const pctText = (met: number, of: number) => {
  const pct = percent(met, of);
  return pct === undefined ? '—' : `${pct} %`;
};

/** Services missing the goal first, then by ref. */
const byLacking = (
  a: InitiativeServiceProgress,
  b: InitiativeServiceProgress,
) => Number(a.met) - Number(b.met) || a.entityRef.localeCompare(b.entityRef);

function Summary({ detail }: { detail: InitiativeDetail }) {
  const { met, services } = detail.progress;
  return (
    <List dense disablePadding aria-label="Initiative details">
      <ListItem disableGutters>
        <ListItemText
          primary="Owner"
          secondary={<OwnerLink owner={detail.owner} />}
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText primary="Goal" secondary={describeGoal(detail.goal)} />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary="Covers"
          secondary={describeSelection(detail.selection)}
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary="Timeline"
          secondary={`${detail.startsAt} → ${detail.deadline} · ${timeLeftText(
            detail,
          )}`}
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary="State"
          secondaryTypographyProps={{ component: 'div' }}
          secondary={<InitiativeStateChip state={detail.state} />}
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary="Progress"
          secondaryTypographyProps={{ component: 'div' }}
          secondary={
            <>
              {`${met} of ${services} services meet the goal (${pctText(
                met,
                services,
              )})`}
              <Box mt={0.5}>
                <LinearProgress
                  variant="determinate"
                  value={percent(met, services) ?? 0}
                  aria-label="Services meeting the goal"
                />
              </Box>
            </>
          }
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary="Defined"
          secondary={
            detail.source === 'config'
              ? 'in app-config (change it there)'
              : 'through the API by an admin'
          }
        />
      </ListItem>
    </List>
  );
}

const teamKey = (t: InitiativeTeamProgress) => t.owner;
const serviceKey = (s: InitiativeServiceProgress) => s.entityRef;

const teamColumns: TableColumn<InitiativeTeamProgress>[] = [
  { title: 'Team', field: 'owner', render: t => <OwnerLink owner={t.owner} /> },
  { title: 'Services', field: 'services', type: 'numeric' },
  { title: 'Meet the goal', field: 'met', type: 'numeric' },
  {
    title: '%',
    field: 'met',
    type: 'numeric',
    customSort: (a, b) =>
      (percent(a.met, a.services) ?? -1) - (percent(b.met, b.services) ?? -1),
    render: t => pctText(t.met, t.services),
  },
];

const serviceColumns: TableColumn<InitiativeServiceProgress>[] = [
  {
    title: 'Service',
    field: 'entityRef',
    render: s => (
      <EntityRefLink entityRef={s.entityRef} defaultKind="component" />
    ),
  },
  {
    title: 'Owner',
    field: 'owner',
    render: s => <OwnerLink owner={s.owner} />,
  },
  {
    title: 'Meets the goal',
    field: 'met',
    render: s => (s.met ? '✓ yes' : '✗ no'),
  },
  {
    title: 'Still lacking',
    field: 'lacking',
    sorting: false,
    render: s =>
      `${s.lacking.join('; ')}${
        s.left ? ' (left the selection: still counted)' : ''
      }`,
  },
];

/**
 * One initiative (at `initiatives/:id` under the org page): its goal and dates, the burn-up,
 * progress per team and what each covered service still lacks, with CSV and markdown export.
 */
export function InitiativeView() {
  const { id = '' } = useRouteRefParams(initiativeRouteRef);
  const pageLink = useRouteRef(rootRouteRef)();
  const api = useApi(readinessApiRef);
  const alertApi = useApi(alertApiRef);
  const {
    value: detail,
    loading,
    error,
  } = useAsync(() => api.getInitiative(id), [api, id]);

  const exportAs = async (format: InitiativeExportFormat) => {
    try {
      const text = await api.exportInitiative(id, format);
      if (format === 'csv') download(`${id}.csv`, 'text/csv', text);
      else download(`${id}.md`, 'text/markdown', text);
    } catch (e) {
      alertApi.post({
        message: `Could not export the initiative: ${(e as Error).message}`,
        severity: 'error',
      });
    }
  };

  let content;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (loading || !detail) {
    content = <Progress />;
  } else {
    content = (
      <>
        <ContentHeader title="Progress" description={detail.description}>
          <Button onClick={() => exportAs('csv')}>Export CSV</Button>
          <Button onClick={() => exportAs('markdown')}>Export markdown</Button>
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12} md={5}>
            <InfoCard title="Initiative">
              <Summary detail={detail} />
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={7}>
            <InfoCard title="Burn-up">
              <InitiativeBurnUp
                title={detail.title}
                startsAt={detail.startsAt}
                deadline={detail.deadline}
                total={detail.progress.services}
                history={detail.history}
              />
              <Typography variant="caption" color="textSecondary">
                {detail.historyHidden
                  ? 'The daily history counts services you may not see in the catalog, so it is shown only to those who may see them all.'
                  : 'Services meeting the goal each day (recorded daily over all services), against the services covered now.'}
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={`Teams (${detail.teams.length})`}>
              <DataTable
                label="Teams"
                rowKey={teamKey}
                columns={teamColumns}
                data={detail.teams}
              />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={`Services (${detail.services.length})`}>
              <DataTable
                label="Covered services"
                rowKey={serviceKey}
                columns={serviceColumns}
                data={[...detail.services].sort(byLacking)}
              />
            </InfoCard>
          </Grid>
        </Grid>
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title={detail?.title ?? 'Initiative'}
        subtitle="Production readiness initiative"
      />
      <Content>
        <Box mb={2}>
          <Breadcrumbs aria-label="Breadcrumb">
            <Link to={pageLink}>Production readiness</Link>
            <Typography color="textPrimary">{detail?.title ?? id}</Typography>
          </Breadcrumbs>
        </Box>
        {content}
      </Content>
    </Page>
  );
}
