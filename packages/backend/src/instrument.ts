/*
 * Loaded first by index.ts so that @sentry/node is initialised before any other module, once
 * per process. Without SENTRY_DSN this does nothing (readiness.sentry.dsn in app-config is
 * picked up later by the readiness plugin if no DSN was given here).
 */
import { initBackendSentry } from '@internal/plugin-readiness-node';

initBackendSentry({
  dsn: process.env.SENTRY_DSN,
  environment: process.env.SENTRY_ENVIRONMENT ?? process.env.NODE_ENV,
  release: process.env.SENTRY_RELEASE,
});
