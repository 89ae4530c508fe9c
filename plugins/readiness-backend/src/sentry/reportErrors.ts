import type * as SentryNode from '@sentry/node';

type Sdk = Pick<
  typeof SentryNode,
  'getClient' | 'withScope' | 'captureException'
>;

let sdk: Sdk | null | undefined;

/**
 * The Sentry SDK of the backend this plugin runs in, if it has one. The plugin is a guest: it
 * never initialises Sentry (that is the adopter's instrument file) and only reports through a
 * client someone else started. `@sentry/node` is an optional peer dependency.
 */
function findSentry(): Sdk | null {
  if (sdk === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sdk = require('@sentry/node') as Sdk;
    } catch {
      sdk = null;
    }
  }
  return sdk;
}

/**
 * Reports an error of the readiness plugin, tagged with the plugin and what it was doing, when
 * the backend has initialised Sentry; otherwise does nothing.
 */
export function captureReadinessError(
  error: unknown,
  context: { operation: string; entityRef?: string },
) {
  const sentry = findSentry();
  if (!sentry?.getClient()) return;
  sentry.withScope(scope => {
    scope.setTag('plugin', 'readiness');
    scope.setTag('operation', context.operation);
    if (context.entityRef) scope.setTag('entityRef', context.entityRef);
    sentry.captureException(error);
  });
}
