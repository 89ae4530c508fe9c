import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { InitiativeSummary } from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';
import { useInitiativeLink } from '../../hooks/useReadinessRoutes';
import { percent, timeLeftText } from '../../utils/initiatives';
import { INITIATIVE_STATE_LABELS } from '../../utils/labels';
import { DataTable } from '../DataTable';
import { OwnerLink } from '../OwnerLink';
import { InitiativeStateChip } from '../StatusChip';

/** Open initiatives first, the nearest deadline first; those met at the end. */
const byUrgency = (a: InitiativeSummary, b: InitiativeSummary) =>
  Number(a.state === 'met') - Number(b.state === 'met') ||
  a.deadline.localeCompare(b.deadline) ||
  a.title.localeCompare(b.title);

const initiativeKey = (i: InitiativeSummary) => i.id;

const share = (i: InitiativeSummary) =>
  percent(i.progress.met, i.progress.services) ?? -1;

/**
 * The initiatives (campaigns) of the org page: each with its owner, deadline, state and the
 * services meeting its goal; the title opens the initiative's view (a sub-route of the page).
 */
export function InitiativeList() {
  const api = useApi(readinessApiRef);
  const initiativeLink = useInitiativeLink();
  const { value, loading, error } = useAsync(
    () => api.listInitiatives(),
    [api],
  );
  const items = useMemo(() => [...(value ?? [])].sort(byUrgency), [value]);
  const columns = useMemo(
    (): TableColumn<InitiativeSummary>[] => [
      {
        title: 'Initiative',
        field: 'title',
        render: i =>
          initiativeLink ? (
            <Link to={initiativeLink(i.id)}>{i.title}</Link>
          ) : (
            i.title
          ),
      },
      {
        title: 'Owner',
        field: 'owner',
        render: i => <OwnerLink owner={i.owner} />,
      },
      {
        title: 'Deadline',
        field: 'deadline',
        cellStyle: { whiteSpace: 'nowrap' },
        render: i => (
          <>
            {i.deadline}
            <Typography variant="caption" color="textSecondary" component="div">
              {timeLeftText(i)}
            </Typography>
          </>
        ),
      },
      {
        title: 'State',
        field: 'state',
        customSort: (a, b) =>
          INITIATIVE_STATE_LABELS[a.state].localeCompare(
            INITIATIVE_STATE_LABELS[b.state],
          ),
        render: i => <InitiativeStateChip state={i.state} />,
      },
      {
        title: 'Services meeting the goal',
        field: 'progress.met',
        customSort: (a, b) => share(a) - share(b),
        cellStyle: { minWidth: 160 },
        render: i => {
          const { met, services } = i.progress;
          const pct = percent(met, services);
          return (
            <>
              <Typography variant="body2">
                {`${met} of ${services}${
                  pct === undefined ? '' : ` (${pct} %)`
                }`}
              </Typography>
              <Box mt={0.5}>
                <LinearProgress
                  variant="determinate"
                  value={pct ?? 0}
                  aria-label={`Services meeting the goal of ${i.title}`}
                />
              </Box>
            </>
          );
        },
      },
    ],
    [initiativeLink],
  );

  let content;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (loading) {
    content = <Progress />;
  } else if (items.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No initiatives yet. Admins define them in app-config
        (readiness.initiatives) or through the API.
      </Typography>
    );
  } else {
    content = (
      <DataTable
        label="Initiatives"
        rowKey={initiativeKey}
        columns={columns}
        data={items}
      />
    );
  }
  return <InfoCard title="Initiatives">{content}</InfoCard>;
}
