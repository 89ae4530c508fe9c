import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter } from '../schema/openapi';
import { ReportTooComplexError } from '../import/PreviewRunner';
import { captureReadinessError } from '../sentry/reportErrors';
import { createRouteContext, RouterOptions } from './context';
import { addEntityRoutes } from './entityRoutes';
import { addImportRoutes } from './importRoutes';
import { addInitiativeRoutes } from './initiativeRoutes';
import { addOrgRoutes } from './orgRoutes';
import { addTaskRoutes } from './taskRoutes';
import {
  fieldWithNul,
  fromSpecValidation,
  nameUnknownFields,
} from './validation';

const CLIENT_ERRORS = new Set([
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'AuthenticationError',
  'ConflictError',
  'NotModifiedError',
]);

/** Connection-level database failures (server down, restarting, unreachable). */
function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as
    | { code?: unknown; message?: unknown; cause?: { code?: unknown } }
    | undefined;
  const code = e?.code ?? e?.cause?.code;
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    '57P01',
    '57P02',
    '57P03',
    '08000',
    '08003',
    '08006',
  ];
  if (codes.includes(code as string)) return true;
  return /Connection terminated|Timeout acquiring a connection|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    String(e?.message ?? ''),
  );
}

/** PostgreSQL text cannot hold NUL: refuse it up front with the field's name (a markdown
 * report is cleaned instead, see the import route). */
function refuseNul(req: Request, _res: Response, next: express.NextFunction) {
  if (req.body && typeof req.body === 'object') {
    const field = fieldWithNul(req.body);
    if (field !== undefined && field !== 'markdown') {
      throw new InputError(
        `Invalid request: ${
          field || '(body)'
        }: must not contain NUL characters`,
      );
    }
  }
  next();
}

/**
 * The hot reads the spec's validator leaves to their handlers: the entity card's summary
 * (every entity page view) and the org rollups. The validator (express-openapi-validator
 * 5.6) compiles the path pattern of every route it scans on every request, about twenty
 * before these two (upstream cdimascio/express-openapi-validator#1217, unreleased), a tenth
 * of the card read's CPU. Both handlers take no body and check everything they read with
 * zod (`parseRef`, the strict `rollupQuerySchema`), so bad input is still a 400 naming the
 * field; the spec still documents and types them.
 */
const VALIDATED_BY_HANDLER =
  /^\/(?:scores|entities\/[^/]+\/[^/]+\/[^/]+\/summary)\/?$/;

/**
 * Whether the validator should skip a path. It passes `${baseUrl}/${path}` (a double slash
 * where the plugin's base ends) or, at the root, the path alone.
 */
export function validatedByHandler(path: string): boolean {
  return VALIDATED_BY_HANDLER.test(path.slice(path.lastIndexOf('//') + 1));
}

/**
 * Creates the readiness HTTP router, mounted at `/api/readiness`: the router generated from
 * schema/openapi.yaml (requests validated against the spec, handlers typed from it) with the
 * routes of each area.
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  // Body parsers and the NUL check come first, outside the generated router: its error
  // transformer would turn a body parser's 413 (too large) into a 400.
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(
    express.text({ type: ['text/markdown', 'text/plain'], limit: '1mb' }),
  );
  router.use(refuseNul);

  // The routes themselves on the router generated from the spec, which validates each
  // request against it first.
  const api = await createOpenApiRouter({
    middleware: [(_req, _res, next) => next()],
    validatorOptions: {
      // Credentials are the httpAuth service's to check, per route (users, services, guests).
      validateSecurity: false,
      ignorePaths: validatedByHandler,
      validateRequests: {
        // The library's default, kept: bodies are not coerced (query values always are).
        coerceTypes: false,
        // Unknown query parameters (a cache buster) are ignored, as they always were, except
        // by the operations the spec marks `x-eov-allow-unknown-query-parameters: false`
        // (their handlers' zod schemas are strict too).
        allowUnknownQueryParameters: true,
      },
    },
  });
  router.use(api);
  const ctx = createRouteContext(options);

  addOrgRoutes(api, ctx);
  addEntityRoutes(api, ctx);
  addImportRoutes(api, ctx);
  addTaskRoutes(api, ctx);
  addInitiativeRoutes(api, {
    httpAuth: options.httpAuth,
    auditor: options.auditor,
    initiatives: options.initiatives,
    authorizeAdmin: credentials => ctx.authorize(credentials, '', 'admin'),
  });

  // Unknown paths get the same JSON error shape as everything else.
  router.use((req: Request) => {
    throw new NotFoundError(`No readiness endpoint ${req.method} ${req.path}`);
  });

  // The backend's own failures (not bad input or denied access) go to Sentry when configured.
  router.use(
    (error: Error, req: Request, res: Response, next: express.NextFunction) => {
      // Express cannot decode a path parameter (`%E0%A4%A`): bad input, not our failure.
      if (error instanceof URIError) {
        next(new InputError(`Invalid request: ${error.message}`));
        return;
      }
      // The spec's validation names the field the way the rest of the API does.
      if (error?.name === 'InputError') {
        const message = nameUnknownFields(
          fromSpecValidation(error.message),
          req,
        );
        if (message !== error.message) {
          next(new InputError(message));
          return;
        }
      }
      // A report too complex to parse within the budget is well-formed but unprocessable.
      if (error instanceof ReportTooComplexError) {
        res.status(422).json({
          error: {
            name: error.name,
            message: `Invalid report: ${error.message}`,
          },
        });
        return;
      }
      // A database outage is answered 503 so clients retry instead of seeing a 500.
      if (isDatabaseUnavailable(error)) {
        // The cause stays out of the response (it names hosts); Sentry gets it.
        captureReadinessError(error, { operation: 'database' });
        next(
          new ServiceUnavailableError(
            'The readiness database is unavailable; try again shortly',
          ),
        );
        return;
      }
      if (!CLIENT_ERRORS.has(error?.name)) {
        captureReadinessError(error, {
          operation: `${req.method} ${req.route?.path ?? req.path}`,
        });
      }
      next(error);
    },
  );

  return router;
}
