const SECRET_KEY =
  /authorization|cookie|token|password|passwd|secret|api[-_]?key|dsn/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const TOKENISH = /\b(sntrys_|sntryu_|ghp_|glpat-|xox[bp]-)[A-Za-z0-9_=-]+/g;
const QUERY_SECRET =
  /([?&](?:token|access_token|api_key|key|password)=)[^&\s]+/gi;

function scrubString(value: string): string {
  return value
    .replace(BEARER, '$1 [redacted]')
    .replace(TOKENISH, '[redacted]')
    .replace(QUERY_SECRET, '$1[redacted]')
    .replace(EMAIL, '[email]');
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[truncated]';
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map(v => scrubValue(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : scrubValue(v, depth + 1),
      ]),
    );
  }
  return value;
}

/** The parts of a Sentry event the scrubber changes beyond its strings. @public */
export interface ScrubbableEvent {
  request?: { cookies?: unknown; headers?: Record<string, unknown> };
  user?: { id?: unknown; [key: string]: unknown };
}

/**
 * A `beforeSend` for the adopter's own `Sentry.init` (in the backend's instrument file): drops
 * cookies, Authorization headers and user identity, and masks e-mails, bearer/API tokens and
 * secret-looking fields anywhere in the event. Needs no Sentry SDK itself.
 * @public
 */
export function scrubSentryEvent<T extends ScrubbableEvent>(event: T): T {
  const copy = scrubValue(event) as T;
  if (copy.request) {
    delete copy.request.cookies;
    if (copy.request.headers) {
      for (const h of Object.keys(copy.request.headers)) {
        if (/^(authorization|cookie|x-api-key)$/i.test(h))
          delete copy.request.headers[h];
      }
    }
  }
  if (copy.user) copy.user = copy.user.id ? { id: String(copy.user.id) } : {};
  return copy;
}
