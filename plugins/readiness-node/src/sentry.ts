import * as Sentry from '@sentry/node';

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

/**
 * `beforeSend` for the backend's own error reports: drops cookies, Authorization headers
 * and user identity, and masks e-mails, bearer/API tokens and secret-looking fields anywhere
 * in the event.
 * @public
 */
export function scrubSentryEvent<T extends Sentry.Event>(event: T): T {
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

/**
 * Initialises `@sentry/node` once per process for the backend's own errors. Call it from
 * the backend's first import (an instrument file). Does nothing without a DSN.
 * @public
 */
export function initBackendSentry(options: {
  dsn?: string;
  environment?: string;
  release?: string;
}): boolean {
  if (!options.dsn || Sentry.getClient()) return false;
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    // @sentry/node 11 replaced sendDefaultPii with per-category switches: collect no PII.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
    },
    beforeSend: event => scrubSentryEvent(event),
    beforeSendTransaction: event => scrubSentryEvent(event),
    tracesSampleRate: 0,
  });
  return true;
}

/**
 * Reports an error of the readiness plugin, tagged with the plugin and what it was doing,
 * when Sentry was initialised; otherwise does nothing.
 * @public
 */
export function captureReadinessError(
  error: unknown,
  context: { operation: string; entityRef?: string },
) {
  if (!Sentry.getClient()) return;
  Sentry.withScope(scope => {
    scope.setTag('plugin', 'readiness');
    scope.setTag('operation', context.operation);
    if (context.entityRef) scope.setTag('entityRef', context.entityRef);
    Sentry.captureException(error);
  });
}

/** Waits until queued reports are sent (tests, shutdown). @public */
export const flushSentry = (timeoutMs = 2000) => Sentry.flush(timeoutMs);
