import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  InitiativeDetail,
  InitiativeServiceProgress,
} from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Breadcrumbs from '@material-ui/core/Breadcrumbs';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { InitiativeExportFormat, readinessApiRef } from '../../api';
import { download } from '../../utils/download';
import { humanizeActor } from '../../utils/humanize';
import {
  catalogPath,
  describeGoal,
  describeSelection,
  percent,
  timeLeftText,
} from '../../utils/initiatives';
import { InitiativeBurnUp } from '../InitiativeBurnUp';
import { InitiativeStateChip } from '../InitiativeStateChip';

const pctText = (met: number, of: number) => {
  const pct = percent(met, of);
  return pct === undefined ? '—' : `${pct} %`;
};

/** A team (direct owner) as a link to its catalog page; services without an owner as they are. */
function Owner({ owner }: { owner?: string }) {
  if (!owner || !owner.includes(':')) return <>{owner ?? '(none)'}</>;
  return <Link to={catalogPath(owner)}>{humanizeActor(owner)}</Link>;
}

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
          secondary={<Owner owner={detail.owner} />}
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

function Teams({ detail }: { detail: InitiativeDetail }) {
  return (
    <Table size="small" aria-label="Teams">
      <TableHead>
        <TableRow>
          <TableCell>Team</TableCell>
          <TableCell align="right">Services</TableCell>
          <TableCell align="right">Meet the goal</TableCell>
          <TableCell align="right">%</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {detail.teams.map(t => (
          <TableRow key={t.owner}>
            <TableCell>
              <Owner owner={t.owner} />
            </TableCell>
            <TableCell align="right">{t.services}</TableCell>
            <TableCell align="right">{t.met}</TableCell>
            <TableCell align="right">{pctText(t.met, t.services)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Services({ detail }: { detail: InitiativeDetail }) {
  return (
    <Table size="small" aria-label="Covered services">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Meets the goal</TableCell>
          <TableCell>Still lacking</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {[...detail.services].sort(byLacking).map(s => (
          <TableRow key={s.entityRef}>
            <TableCell>
              <Link to={catalogPath(s.entityRef)} title={s.entityRef}>
                {humanizeEntityRef(parseEntityRef(s.entityRef), {
                  defaultKind: 'component',
                })}
              </Link>
            </TableCell>
            <TableCell>
              <Owner owner={s.owner} />
            </TableCell>
            <TableCell>{s.met ? '✓ yes' : '✗ no'}</TableCell>
            <TableCell>
              {s.lacking.join('; ')}
              {s.left ? ' (left the selection: still counted)' : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * One initiative (at `initiatives/:id` under the org page): its goal and dates, the burn-up,
 * progress per team and what each covered service still lacks, with CSV and markdown export.
 */
export function InitiativeView() {
  const { id = '' } = useParams();
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
              <Teams detail={detail} />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title={`Services (${detail.services.length})`}>
              <Services detail={detail} />
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
            <Link to="..">Production readiness</Link>
            <Typography color="textPrimary">{detail?.title ?? id}</Typography>
          </Breadcrumbs>
        </Box>
        {content}
      </Content>
    </Page>
  );
}
