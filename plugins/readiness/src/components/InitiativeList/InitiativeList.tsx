import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { InitiativeSummary } from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';
import { humanizeActor } from '../../utils/humanize';
import { catalogPath, percent, timeLeftText } from '../../utils/initiatives';
import { InitiativeStateChip } from '../InitiativeStateChip';

/** Open initiatives first, the nearest deadline first; those met at the end. */
const byUrgency = (a: InitiativeSummary, b: InitiativeSummary) =>
  Number(a.state === 'met') - Number(b.state === 'met') ||
  a.deadline.localeCompare(b.deadline) ||
  a.title.localeCompare(b.title);

/**
 * The initiatives (campaigns) of the org page: each with its owner, deadline, state and the
 * services meeting its goal; the title opens the initiative's view (a sub-path of the page).
 */
export function InitiativeList() {
  const api = useApi(readinessApiRef);
  const { value, loading, error } = useAsync(
    () => api.listInitiatives(),
    [api],
  );
  const items = [...(value ?? [])].sort(byUrgency);

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
      <Table size="small" aria-label="Initiatives">
        <TableHead>
          <TableRow>
            <TableCell>Initiative</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Deadline</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Services meeting the goal</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(i => {
            const { met, services } = i.progress;
            const pct = percent(met, services);
            return (
              <TableRow key={i.id}>
                <TableCell>
                  <Link to={`initiatives/${encodeURIComponent(i.id)}`}>
                    {i.title}
                  </Link>
                </TableCell>
                <TableCell>
                  <Link to={catalogPath(i.owner)}>
                    {humanizeActor(i.owner)}
                  </Link>
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {i.deadline}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {timeLeftText(i)}
                  </Typography>
                </TableCell>
                <TableCell>
                  <InitiativeStateChip state={i.state} />
                </TableCell>
                <TableCell style={{ minWidth: 160 }}>
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
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Initiatives">{content}</InfoCard>;
}
