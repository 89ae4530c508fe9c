import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { HttpRequest, HttpResponse } from './context';

const gzipped = promisify(gzip);

/** A short hash of a value's JSON (or of bytes), for ETags. */
const contentHash = (value: unknown) =>
  createHash('sha256')
    .update(Buffer.isBuffer(value) ? value : JSON.stringify(value))
    .digest('base64url')
    .slice(0, 27);

/** What an entity read's tag leaves out: the instants that only say when it was computed. */
interface EntityRead {
  pending?: true;
  plan: { createdAt: string; updatedAt: string };
  score: { evaluatedAt: string };
}

/**
 * A weak ETag of an entity read: a hash of its content, leaving out `score.evaluatedAt` and,
 * for a preview (`pending`), the plan's instants, which are "now" on every read. Anything
 * else that changes the answer (a task, evidence or runbook write, expiry as time passes, a
 * check run, a dependency's score, the catalog's fields, the template version, the pending
 * flag) changes the tag. Weak: equal tags mean the same content, not the same bytes.
 */
export function entityReadTag(view: string, body: EntityRead): string {
  const content = {
    ...body,
    plan: body.pending
      ? { ...body.plan, createdAt: undefined, updatedAt: undefined }
      : body.plan,
    score: { ...body.score, evaluatedAt: undefined },
  };
  return `W/"${view}-${contentHash(content)}"`;
}

/** A strong ETag of a JSON answer whose bytes follow from its content alone. */
export function strongTag(body: unknown): string {
  return `"${contentHash(body)}"`;
}

/** Whether an `If-None-Match` header names `tag` (weak comparison, as for GET). */
export function ifNoneMatchHas(
  header: string | undefined,
  tag: string,
): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some(t => opaque(t) === opaque(tag));
}

/**
 * Answers below this size go uncompressed (`no-transform`): gzip would cost every card read
 * more CPU than the kilobyte or two it saves. The tab's larger reads are gzipped by the root
 * router as before.
 */
const COMPRESS_FROM_BYTES = 8 * 1024;

/**
 * Answers an entity read that the caller may see (the access checks ran while `body` was
 * computed): 304 without a body when `If-None-Match` names its tag, else 200 with the body.
 * Either way `ETag` and `Cache-Control: private, no-cache` (per user, always revalidated),
 * plus `no-transform` on small answers (see COMPRESS_FROM_BYTES).
 */
export function sendEntityRead(
  req: HttpRequest,
  res: HttpResponse,
  view: string,
  body: EntityRead,
) {
  const tag = entityReadTag(view, body);
  const json = JSON.stringify(body);
  res.set('ETag', tag);
  res.set(
    'Cache-Control',
    json.length < COMPRESS_FROM_BYTES
      ? 'private, no-cache, no-transform'
      : 'private, no-cache',
  );
  if (ifNoneMatchHas(req.header('if-none-match'), tag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(json);
}

/** An answer encoded once: its JSON, the same gzipped, and a tag of the content. */
interface EncodedAnswer {
  tag: string;
  json: Buffer;
  gzip: Buffer;
}

/** Encoded answers by the object they were encoded from; each goes when its object does. */
const encodedAnswers = new WeakMap<object, Promise<EncodedAnswer>>();

async function encodeAnswer(body: unknown): Promise<EncodedAnswer> {
  const json = Buffer.from(JSON.stringify(body));
  // On libuv's thread pool: a few hundred KB must not hold the shared event loop.
  return { tag: `W/"${contentHash(json)}"`, json, gzip: await gzipped(json) };
}

/**
 * Answers with a JSON body that many callers share (a whole-catalog rollup, the same array
 * until scores change): serialised, tagged and gzipped once per `key` object, then sent as
 * bytes — gzipped when the client accepts it (the root router's compression leaves an
 * encoded answer alone), 304 when `If-None-Match` names its tag. `body` builds the answer
 * from `key` on first use; the same `key` must always give the same answer.
 */
export async function sendSharedJson(
  req: HttpRequest,
  res: HttpResponse,
  key: object,
  body: () => unknown,
) {
  let answer = encodedAnswers.get(key);
  if (!answer) {
    answer = encodeAnswer(body());
    encodedAnswers.set(key, answer);
    answer.catch(() => encodedAnswers.delete(key));
  }
  const { tag, json, gzip: zipped } = await answer;
  res.set('ETag', tag);
  res.set('Cache-Control', 'private, no-cache');
  res.vary('Accept-Encoding');
  if (ifNoneMatchHas(req.header('if-none-match'), tag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('Content-Encoding', 'gzip');
    res.send(zipped);
  } else {
    res.send(json);
  }
}
