import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';
import { STATUS_LABELS } from '../EntityReadinessCard';

/**
 * Readiness of a team's services, for Group entity pages, lowest score first.
 * @public
 */
export function GroupReadinessCard() {
  const { entity } = useEntity();
  const api = useApi(readinessApiRef);
  const owner = stringifyEntityRef(entity);
  const { loading, error, value } = useAsync(
    () =>
      api.listServices({ owner, sort: 'overall', order: 'asc', limit: 100 }),
    [api, owner],
  );
  // The groups beneath this one (org chart), each over everything beneath it.
  const subTeams = useAsync(
    () => api.getRollup('group', {}, owner),
    [api, owner],
  );
  let content;
  if (loading) content = <Progress />;
  else if (error) content = <ResponseErrorPanel error={error} />;
  else if (!value?.items.length) {
    content = (
      <Typography variant="body2" color="textSecondary">
        This team owns no services registered for readiness.
      </Typography>
    );
  } else {
    content = (
      <Table size="small" aria-label="Team services readiness">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell align="right">Score</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Open P0</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map(s => {
            const { kind, namespace, name } = parseEntityRef(s.entityRef);
            return (
              <TableRow key={s.entityRef}>
                <TableCell>
                  <Link to={`/catalog/${namespace}/${kind}/${name}`}>
                    {name}
                  </Link>
                </TableCell>
                <TableCell align="right">{s.overall}</TableCell>
                <TableCell>{STATUS_LABELS[s.status]}</TableCell>
                <TableCell align="right">{s.blockers}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title="Production readiness of the team's services">
      {content}
      {(subTeams.value ?? []).length > 0 && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Sub-teams
          </Typography>
          <Table size="small" aria-label="Sub-teams readiness">
            <TableHead>
              <TableRow>
                <TableCell>Group</TableCell>
                <TableCell align="right">Services</TableCell>
                <TableCell align="right">Average</TableCell>
                <TableCell align="right">Not ready</TableCell>
                <TableCell align="right">Open P0</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {subTeams.value!.map(g => {
                const { kind, namespace, name } = parseEntityRef(g.key);
                return (
                  <TableRow key={g.key}>
                    <TableCell>
                      <Link to={`/catalog/${namespace}/${kind}/${name}`}>
                        {name}
                      </Link>
                    </TableCell>
                    <TableCell align="right">{g.services}</TableCell>
                    <TableCell align="right">{g.average}</TableCell>
                    <TableCell align="right">
                      {g.statusCounts.not_ready}
                    </TableCell>
                    <TableCell align="right">{g.blockers}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </>
      )}
    </InfoCard>
  );
}
