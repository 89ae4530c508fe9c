import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { DependencyList, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

const sameDeps = (a: DependencyList, b: DependencyList) =>
  a.length === b.length && a.every((d, i) => Object.is(d, b[i]));

/**
 * Pages through a list the API pages with an opaque cursor: `load` is called with the cursor
 * of the page to show (none for the first). The pages walked so far are kept as a stack of
 * cursors, dropped as soon as `deps` change (a cursor belongs to the query that handed it out).
 */
export function useCursorPages<T extends { nextCursor?: string }>(
  load: (cursor: string | undefined) => Promise<T>,
  deps: DependencyList,
) {
  const [pager, setPager] = useState<{
    deps: DependencyList;
    cursors: string[];
  }>({ deps, cursors: [] });
  const changed = !sameDeps(pager.deps, deps);
  // New deps drop the walk in state too (adjusting state while rendering, as React
  // documents): otherwise going back to earlier deps would bring their cursors back.
  if (changed) setPager({ deps, cursors: [] });
  const cursors = changed ? [] : pager.cursors;
  const cursor = cursors[cursors.length - 1];
  // `load` reads only what `deps` lists (each caller's own query).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const page = useAsync(() => load(cursor), [...deps, cursor]);
  // While a page loads, the answer on hand is the previous query's: its cursor is no way on.
  const nextCursor = page.loading ? undefined : page.value?.nextCursor;
  return {
    page,
    /** 1 for the first page. */
    number: cursors.length + 1,
    previous:
      cursors.length > 0 && !page.loading
        ? () => setPager({ deps, cursors: cursors.slice(0, -1) })
        : undefined,
    next: nextCursor
      ? () => setPager({ deps, cursors: [...cursors, nextCursor] })
      : undefined,
  };
}

/** `n` and the noun, plural unless one: "1 service", "2 services". */
export const plural = (n: number, noun: string) =>
  `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The line under a cursor-paged table: where the reader is, and the previous/next buttons. */
export function CursorPager(props: {
  /** What is paged, for the buttons' accessible names ("Next page of <what>"). */
  what: string;
  status: string;
  previous?: () => void;
  next?: () => void;
}) {
  return (
    <Box
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      style={{ gap: 8 }}
      mt={1}
    >
      <Typography variant="body2" color="textSecondary">
        {props.status}
      </Typography>
      <Button
        size="small"
        disabled={!props.previous}
        aria-label={`Previous page of ${props.what}`}
        onClick={props.previous}
      >
        Previous page
      </Button>
      <Button
        size="small"
        disabled={!props.next}
        aria-label={`Next page of ${props.what}`}
        onClick={props.next}
      >
        Next page
      </Button>
    </Box>
  );
}
