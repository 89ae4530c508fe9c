import { Link } from '@backstage/core-components';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { RollupGroup } from '@prodready/plugin-readiness-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { catalogPath } from '../../utils/initiatives';

/** What the org overview rolls services up by. */
export type GroupBy = 'owner' | 'system' | 'domain' | 'group';

/** Scores rolled up per group: services, average, status counts, blockers and stages. */
export function RollupTable({
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
                <Link to={catalogPath(g.key)} title={g.key}>
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
