/*
 * The app's own Sentry set-up, loaded first by index.ts so that @sentry/node is initialised
 * before any other module, once per process (Backstage's recommended instrument file). Plugins
 * such as readiness only report through the client started here; without SENTRY_DSN nothing
 * is sent.
 */
import * as Sentry from '@sentry/node';
import { scrubSentryEvent } from '@prodready/plugin-readiness-node';

if (process.env.SENTRY_DSN) {
  Sentry.init({
    dsn: process.env.SENTRY_DSN,
    environment: process.env.SENTRY_ENVIRONMENT ?? process.env.NODE_ENV,
    release: process.env.SENTRY_RELEASE,
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
}
