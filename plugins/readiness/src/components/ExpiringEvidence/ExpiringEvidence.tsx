import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { readinessApiRef } from '../../api';
import { CursorPager, useCursorPages } from '../CursorPager';

const PAGE_SIZE = 20;

/**
 * Evidence expired or expiring within `days` days, soonest first, a page at a time through
 * the API's cursor: across a large catalog the list runs to thousands, so it is never read
 * whole (and so has no total or client-side sorting).
 */
export function ExpiringEvidence({ days }: { days: number }) {
  const api = useApi(readinessApiRef);
  const pages = useCursorPages(
    cursor => api.getExpiringEvidence(days, { limit: PAGE_SIZE, cursor }),
    [api, days],
  );
  const { page } = pages;
  if (page.error) return <ResponseErrorPanel error={page.error} />;
  const items = page.value?.items ?? [];
  return (
    <>
      <Table size="small" aria-label="Expiring evidence">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Evidence</TableCell>
            <TableCell>Expires</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(e => (
            <TableRow key={e.evidenceId}>
              <TableCell>
                <EntityRefLink
                  entityRef={e.entityRef}
                  defaultKind="component"
                />
              </TableCell>
              <TableCell>{`${e.taskId}: ${e.summary}`}</TableCell>
              <TableCell>{e.expiresAt.slice(0, 10)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <CursorPager
        what="expiring evidence"
        status={
          page.loading
            ? 'Loading…'
            : `${
                items.length === 0 && pages.number === 1
                  ? 'None'
                  : `${items.length} on this page`
              } · page ${pages.number}`
        }
        previous={pages.previous}
        next={pages.next}
      />
    </>
  );
}
