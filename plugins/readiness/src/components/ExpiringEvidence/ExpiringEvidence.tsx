import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';

const PAGE_SIZE = 20;

/**
 * Evidence expired or expiring within `days` days, soonest first, a page at a time through
 * the API's cursor: across a large catalog the list runs to thousands, so it is never read
 * whole (and so has no total or client-side sorting).
 */
export function ExpiringEvidence({ days }: { days: number }) {
  const api = useApi(readinessApiRef);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useAsync(
    () => api.getExpiringEvidence(days, { limit: PAGE_SIZE, cursor }),
    [api, days, cursor],
  );
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
            : `${
                items.length === 0 && cursors.length === 0
                  ? 'None'
                  : `${items.length} on this page`
              } · page ${cursors.length + 1}`}
        </Typography>
        <Button
          size="small"
          disabled={cursors.length === 0}
          aria-label="Previous page of expiring evidence"
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          size="small"
          disabled={!page.value?.nextCursor}
          aria-label="Next page of expiring evidence"
          onClick={() => setCursors([...cursors, page.value!.nextCursor!])}
        >
          Next page
        </Button>
      </Box>
    </>
  );
}
