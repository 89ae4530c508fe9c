import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ReadinessFilters, readinessApiRef } from '../../api';
import { blockerSuffix } from '../../utils/labels';
import { CursorPager, plural, useCursorPages } from '../CursorPager';

const PAGE_SIZE = 20;

/**
 * The open P0 blockers matching the filters in a card titled with their count, by service and
 * a page at a time through the API's cursor (across a large catalog they run to thousands).
 */
export function BlockersTable({ filters }: { filters: ReadinessFilters }) {
  const api = useApi(readinessApiRef);
  const pages = useCursorPages(
    cursor => api.listBlockers(filters, { limit: PAGE_SIZE, cursor }),
    [api, JSON.stringify(filters)],
  );
  const { page } = pages;
  const items = page.value?.items ?? [];
  return (
    <InfoCard
      title={
        page.value
          ? `Open P0 blockers (${page.value.total})`
          : 'Open P0 blockers'
      }
    >
      {page.error ? (
        <ResponseErrorPanel error={page.error} />
      ) : (
        <>
          <Table size="small" aria-label="Open P0 blockers">
            <TableHead>
              <TableRow>
                <TableCell>Service</TableCell>
                <TableCell>Task</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(b => (
                <TableRow key={`${b.entityRef}|${b.taskId}`}>
                  <TableCell>
                    <EntityRefLink
                      entityRef={b.entityRef}
                      defaultKind="component"
                    />
                  </TableCell>
                  <TableCell>{`${b.taskId} ${b.title}${blockerSuffix(
                    b.kind,
                  )}`}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <CursorPager
            what="blockers"
            status={
              page.loading
                ? 'Loading…'
                : `${plural(page.value?.total ?? 0, 'blocker')} · page ${
                    pages.number
                  }`
            }
            previous={pages.previous}
            next={pages.next}
          />
        </>
      )}
    </InfoCard>
  );
}
