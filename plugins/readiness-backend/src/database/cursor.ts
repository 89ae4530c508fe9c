import { InputError } from '@backstage/errors';

/**
 * A keyset cursor: the sort value and entity ref of the last row of a page, and the total
 * counted for the first page (absent in cursors handed out before it was carried).
 */
export interface Cursor {
  v: unknown;
  r: string;
  t?: unknown;
}

const invalid = () =>
  new InputError('Invalid request: cursor: not a cursor returned by this API');

/** The opaque form of a cursor handed to clients. */
export const encodeCursor = (c: Cursor) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

/** A cursor from its opaque form; an InputError for anything this API did not hand out. */
export const decodeCursor = (cursor: string): Cursor => {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // `r` reaches PostgreSQL as text: an entity ref, so short and free of control characters.
    if (
      typeof c?.r === 'string' &&
      c.r.length <= 300 &&
      // eslint-disable-next-line no-control-regex
      !/[\u0000-\u001f\u007f]/.test(c.r)
    )
      return c;
  } catch {
    // fall through
  }
  throw invalid();
};

/** A cursor's timestamp: only years PostgreSQL's timestamptz holds as JavaScript writes them. */
const cursorTime = (v: unknown): Date | undefined => {
  const at = typeof v === 'string' ? new Date(v) : undefined;
  const year = at?.getUTCFullYear() ?? NaN;
  return at && year >= 1 && year <= 9999 ? at : undefined;
};

/** The sort value of a decoded cursor, checked against the column it pages through. */
export const cursorValue = (v: unknown, sort: string): number | Date => {
  if (sort === 'computedAt') {
    const at = cursorTime(v);
    if (at) return at;
  } else {
    // numeric columns come back from pg as strings; cursors carry either form
    const n =
      typeof v === 'string' && /^-?\d{1,12}(\.\d{1,6})?$/.test(v)
        ? Number(v)
        : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  throw invalid();
};

/** The total a cursor carries, when it is a count (otherwise the page counts again). */
export const cursorTotal = (c: Cursor): number | undefined =>
  typeof c.t === 'number' && Number.isSafeInteger(c.t) && c.t >= 0
    ? c.t
    : undefined;

/** Where a page of expiring evidence ended: the last item's expiry and evidence id. */
export interface EvidenceCursor {
  expiresAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque form of an expiring-evidence cursor. */
export const encodeEvidenceCursor = (c: { expiresAt: string; id: string }) =>
  encodeCursor({ v: c.expiresAt, r: c.id });

/** An expiring-evidence cursor from its opaque form; an InputError for anything else. */
export const decodeEvidenceCursor = (cursor: string): EvidenceCursor => {
  const c = decodeCursor(cursor);
  // Expiries are written from JavaScript dates, so the millisecond ISO form is exact.
  const expiresAt = cursorTime(c.v);
  if (expiresAt && UUID.test(c.r)) return { expiresAt, id: c.r };
  throw invalid();
};

/** Where a page of blockers ended: the service and the last of its blockers on the page. */
export interface BlockerCursor {
  entityRef: string;
  taskId: string;
  /** The count of every blocker, from the first page. */
  total?: number;
}

/** The opaque form of a blockers cursor. */
export const encodeBlockerCursor = (c: BlockerCursor) =>
  encodeCursor({ v: c.taskId, r: c.entityRef, t: c.total });

/** A blockers cursor from its opaque form; an InputError for anything else. */
export const decodeBlockerCursor = (cursor: string): BlockerCursor => {
  const c = decodeCursor(cursor);
  if (
    typeof c.v === 'string' &&
    c.v.length <= 100 &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(c.v)
  )
    return { entityRef: c.r, taskId: c.v, total: cursorTotal(c) };
  throw invalid();
};
