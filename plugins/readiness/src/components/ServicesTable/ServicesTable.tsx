import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { useState } from 'react';
import { ReadinessFilters, readinessApiRef } from '../../api';
import { STATUS_LABELS } from '../../utils/labels';
import { CursorPager, plural, useCursorPages } from '../CursorPager';
import { OwnerLink } from '../OwnerLink';

type Sort = 'overall' | 'entityRef' | 'blockers';

/**
 * The services matching the filters, sorted by the API and paged through its cursor. A plain
 * MUI table rather than the core `Table`: the core one sorts and pages what it holds (or by
 * page offsets), while this list is sorted on the server over every service and paged with an
 * opaque cursor, which its first/last-page controls and page numbers cannot follow.
 */
export function ServicesTable({ filters }: { filters: ReadinessFilters }) {
  const api = useApi(readinessApiRef);
  const [sort, setSort] = useState<Sort>('overall');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const pages = useCursorPages(
    cursor => api.listServices({ ...filters, sort, order, limit: 20, cursor }),
    [api, JSON.stringify(filters), sort, order],
  );
  const { page } = pages;
  const sortBy = (s: Sort) => {
    setOrder(sort === s && order === 'asc' ? 'desc' : 'asc');
    setSort(s);
  };
  if (page.error) return <ResponseErrorPanel error={page.error} />;
  const header = (s: Sort, label: string, align: 'left' | 'right' = 'left') => (
    <TableCell align={align} sortDirection={sort === s ? order : false}>
      <TableSortLabel
        active={sort === s}
        direction={sort === s ? order : 'asc'}
        onClick={() => sortBy(s)}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );
  return (
    <>
      <Table size="small" aria-label="Services">
        <TableHead>
          <TableRow>
            {header('entityRef', 'Service')}
            <TableCell>Owner</TableCell>
            {header('overall', 'Score', 'right')}
            <TableCell>Status</TableCell>
            {header('blockers', 'Open P0', 'right')}
            <TableCell align="right">Stage</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(page.value?.items ?? []).map(s => (
            <TableRow key={s.entityRef}>
              <TableCell>
                <EntityRefLink
                  entityRef={s.entityRef}
                  defaultKind="component"
                />
              </TableCell>
              <TableCell>
                <OwnerLink owner={s.owner} />
              </TableCell>
              <TableCell align="right">{s.overall}</TableCell>
              <TableCell>{STATUS_LABELS[s.status]}</TableCell>
              <TableCell align="right">{s.blockers}</TableCell>
              <TableCell align="right">{s.stage}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <CursorPager
        what="services"
        status={
          page.loading
            ? 'Loading…'
            : `${plural(page.value?.total ?? 0, 'service')} · page ${
                pages.number
              }`
        }
        previous={pages.previous}
        next={pages.next}
      />
    </>
  );
}
