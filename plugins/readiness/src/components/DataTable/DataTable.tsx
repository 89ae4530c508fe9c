import { Table, TableColumn, TableOptions } from '@backstage/core-components';
import { useLayoutEffect, useMemo, useRef } from 'react';

/** Rows above which a table pages (20 a page) instead of growing. */
const PAGE_SIZE = 20;

/**
 * The core `Table` as the plugin's cards use it: dense, without its own toolbar or paper
 * (the card around it has the title), client-side sorting, paging only past 20 rows, and an
 * accessible name on the `<table>` itself so it can be found as `table "<label>"`.
 */
export function DataTable<T extends object>(props: {
  /** The table's accessible name. */
  label: string;
  /** A row's unique key: keeps rows (and what is focused in them) across new data. */
  rowKey: (row: T) => string;
  columns: TableColumn<T>[];
  data: readonly T[];
  options?: TableOptions<T>;
}) {
  const { label, rowKey, columns, data, options } = props;
  const ref = useRef<HTMLDivElement>(null);
  // The core Table takes no props for its <table>: name it once it is in the page.
  useLayoutEffect(() => {
    ref.current?.querySelector('table')?.setAttribute('aria-label', label);
  });
  // The table writes its own bookkeeping into the rows: give it copies. It keys rows by their
  // `uuid` (made up anew for every new array otherwise) and keeps their state by `id`.
  const rows = useMemo(
    () =>
      data.map(d => {
        const key = rowKey(d);
        return { id: key, ...d, uuid: key } as T;
      }),
    [data, rowKey],
  );
  return (
    <div ref={ref}>
      <Table<T>
        columns={columns}
        data={rows}
        style={{ boxShadow: 'none' }}
        options={{
          toolbar: false,
          padding: 'dense',
          draggable: false,
          thirdSortClick: false,
          paging: data.length > PAGE_SIZE,
          pageSize: PAGE_SIZE,
          pageSizeOptions: [PAGE_SIZE, 50, 100],
          emptyRowsWhenPaging: false,
          ...options,
        }}
      />
    </div>
  );
}
