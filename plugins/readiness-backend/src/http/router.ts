import {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  blockersQuerySchema,
  evidenceInputSchema,
  evidenceReviewSchema,
  isoDateTimeSchema,
  readinessEvidenceReviewPermission,
  readinessEvidenceVerifyPermission,
  expiringQuerySchema,
  trendQuerySchema,
  exemptionInputSchema,
  formatZodIssues,
  gateQuerySchema,
  readinessAdminPermission,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
  rollupQuerySchema,
  runbookInputSchema,
  runbookPatchSchema,
  servicesQuerySchema,
  taskUpdateSchema,
} from '@prodready/plugin-readiness-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ReadinessService, StaleVersionError } from './ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { MarkdownReports } from '../import/MarkdownReports';
import { ReportTooComplexError } from '../import/PreviewRunner';
import { captureReadinessError } from '../sentry/reportErrors';
import { CiPrincipals } from './CiPrincipals';
import { InitiativeService } from './InitiativeService';
import { addInitiativeRoutes } from './initiativeRoutes';

const CLIENT_ERRORS = new Set([
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'AuthenticationError',
  'ConflictError',
  'NotModifiedError',
]);

/** Connection-level database failures (server down, restarting, unreachable). */
function isDatabaseUnavailable(error: any): boolean {
  const code = error?.code ?? error?.cause?.code;
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
  if (codes.includes(code)) return true;
  return /Connection terminated|Timeout acquiring a connection|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    String(error?.message ?? ''),
  );
}

const refPart = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Parses `:kind/:namespace/:name`, rejecting malformed parts with a 400 naming the part. */
function parseRef(params: Record<string, string>): CompoundEntityRef {
  for (const key of ['kind', 'namespace', 'name'] as const) {
    if (!refPart.test(params[key] ?? '')) {
      throw new InputError(
        `Malformed entity ref: invalid ${key} "${params[key]}"`,
      );
    }
  }
  return { kind: params.kind, namespace: params.namespace, name: params.name };
}

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(`Invalid request: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}

const historyQuerySchema = z
  .object({
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
  })
  .strict();

const runbookIdSchema = z.object({ id: z.string().uuid() });
const evidenceIdSchema = z.object({ evidenceId: z.string().uuid() });

const versionQuerySchema = z
  .object({ expectedVersion: z.coerce.number().int().min(0) })
  .strict();

const importQuerySchema = z
  .object({
    apply: z
      .enum(['true', 'false'])
      .default('false')
      .transform(v => v === 'true'),
  })
  .strict();

const importBodySchema = z
  .object({
    markdown: z.string().min(1).max(1_000_000),
    // The user's corrections of the preview: report item id ("L12") → template task id or null.
    mapping: z
      .record(
        z.string().regex(/^L\d{1,7}$/, 'must be a report item id such as L12'),
        z.string().min(1).max(64).nullable(),
      )
      .refine(m => Object.keys(m).length <= 2000, 'at most 2000 corrections')
      .optional(),
  })
  .strict();

const actorOf = (
  credentials: BackstageCredentials<
    BackstageUserPrincipal | BackstageServicePrincipal
  >,
) =>
  credentials.principal.type === 'user'
    ? credentials.principal.userEntityRef
    : `service:${credentials.principal.subject}`;

/** JSON bodies nested deeper than this are refused (no request of ours needs more than 4). */
const MAX_BODY_DEPTH = 32;

/**
 * The dotted path of the first string holding a NUL character, if any; iterative, so a
 * deeply nested body cannot overflow the stack. Throws an InputError past MAX_BODY_DEPTH.
 */
function fieldWithNul(body: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [
    { value: body, path: [] },
  ];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path.join('.');
    } else if (value && typeof value === 'object') {
      if (path.length >= MAX_BODY_DEPTH) {
        throw new InputError(
          `Invalid request: ${path
            .slice(0, 3)
            .join('.')}…: nested deeper than ${MAX_BODY_DEPTH} levels`,
        );
      }
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return [...path, '(key)'].join('.');
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** Creates the readiness HTTP router, mounted at `/api/readiness`. @internal */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  service: ReadinessService;
  templates: TemplateRegistry;
  reports: MarkdownReports;
  ciPrincipals: CiPrincipals;
  initiatives: InitiativeService;
}): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    auditor,
    service,
    templates,
    reports,
    userInfo,
    ciPrincipals,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(
    express.text({ type: ['text/markdown', 'text/plain'], limit: '1mb' }),
  );
  // PostgreSQL text cannot hold NUL: refuse it up front with the field's name (a markdown
  // report is cleaned instead, see the import route).
  router.use((req: Request, _res: Response, next: express.NextFunction) => {
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
  });

  const entityPath = '/entities/:kind/:namespace/:name';

  type Permission = 'update' | 'approve' | 'review' | 'admin';
  const resourcePermissions = {
    update: readinessPlanUpdatePermission,
    approve: readinessExemptionApprovePermission,
    review: readinessEvidenceReviewPermission,
  };

  async function authorize(
    credentials: BackstageCredentials,
    entityRef: string,
    permission: Permission,
  ) {
    const [decision] =
      permission === 'admin'
        ? await permissions.authorize(
            [{ permission: readinessAdminPermission as BasicPermission }],
            { credentials },
          )
        : await permissions.authorize(
            [
              {
                permission: resourcePermissions[permission],
                resourceRef: entityRef,
              },
            ],
            { credentials },
          );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const what = {
        update: `update the readiness plan of ${entityRef}`,
        approve: `approve exemptions on ${entityRef}`,
        review: `review evidence of ${entityRef}`,
        admin: 'administer readiness',
      }[permission];
      throw new NotAllowedError(`You may not ${what}`);
    }
  }

  /** The caller's user ref and ownership claims (user and groups), for separation of duties. */
  async function ownershipOf(credentials: BackstageCredentials) {
    if (!credentials || (credentials.principal as any).type !== 'user') {
      return { user: '', ownership: [] as string[] };
    }
    const info = await userInfo.getUserInfo(
      credentials as BackstageCredentials<BackstageUserPrincipal>,
    );
    return { user: info.userEntityRef, ownership: info.ownershipEntityRefs };
  }

  /**
   * A service principal reads only the plans it is bound to in `readiness.ci.principals`
   * (their entity and gate), never org-wide lists.
   */
  async function checkServiceRead(
    credentials: BackstageCredentials,
    entityRef: string,
  ) {
    if ((credentials.principal as any).type !== 'service') return;
    const subject = (credentials.principal as BackstageServicePrincipal)
      .subject;
    const plan = await service.getPlanSummary(entityRef);
    if (!plan || !ciPrincipals.mayRead(subject, plan)) {
      throw new NotAllowedError(
        `Service principal ${subject} is not bound to ${entityRef} in readiness.ci.principals`,
      );
    }
  }

  /**
   * Runs an audited write for an entity: resolves the entity as the caller, checks the
   * permission, records success or failure, and turns stale versions into 409 + state.
   */
  async function write(
    req: Request,
    res: Response,
    opts: {
      eventId: string;
      /** Bound service principals may call this write for this task. */
      serviceTask?: string;
      permission: Permission;
      meta?: Record<string, unknown>;
      run: (ctx: {
        entityRef: string;
        actor: string;
        producer: 'person' | 'ci';
        ownership: string[];
      }) => Promise<{ status?: number; body?: unknown }>;
    },
  ) {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req, {
      allow: opts.serviceTask ? ['user', 'service'] : ['user'],
    });
    const audit = await auditor.createEvent({
      eventId: opts.eventId,
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: stringifyEntityRef(ref), ...(opts.meta as any) },
    });
    try {
      // Services (CI) prove only what they are bound to in readiness.ci.principals; the
      // binding is checked before the catalog is asked, so an unbound token learns nothing.
      if (credentials.principal.type === 'service') {
        const subject = credentials.principal.subject;
        const plan = await service.getPlanSummary(stringifyEntityRef(ref));
        if (
          !plan ||
          !opts.serviceTask ||
          !ciPrincipals.mayProve(subject, plan, opts.serviceTask)
        ) {
          throw new NotAllowedError(
            `Service principal ${subject} is not bound to task ${
              opts.serviceTask
            } of ${stringifyEntityRef(ref)} in readiness.ci.principals`,
          );
        }
        const [decision] = await permissions.authorize(
          [
            {
              permission: readinessEvidenceVerifyPermission,
              resourceRef: plan.entityRef,
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `The permission policy does not let ${subject} record evidence on ${plan.entityRef}`,
          );
        }
      }
      const entity = await service.getEntity(ref, credentials);
      const entityRef = stringifyEntityRef(entity);
      if (credentials.principal.type === 'user') {
        await authorize(credentials, entityRef, opts.permission);
      }
      await service.ensurePlan(entity);
      const { ownership } = await ownershipOf(credentials);
      const result = await opts.run({
        entityRef,
        actor: actorOf(credentials),
        producer: credentials.principal.type === 'user' ? 'person' : 'ci',
        ownership,
      });
      await audit.success({ meta: { result: result.body as any } });
      if (result.body === undefined) res.status(result.status ?? 204).end();
      else res.status(result.status ?? 200).json(result.body);
    } catch (error) {
      await audit.fail({ error: error as Error });
      if (error instanceof StaleVersionError) {
        res.status(409).json({
          error: { name: 'ConflictError', message: error.message },
          current: error.current,
        });
        return;
      }
      throw error;
    }
  }

  router.get('/templates', async (_req, res) => {
    res.json({ items: templates.list() });
  });

  router.get('/scores', async (req, res) => {
    const query = parse(rollupQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      groupBy: query.groupBy,
      items: await service.rollup(query, credentials),
    });
  });

  router.get('/services', async (req, res) => {
    const query = parse(servicesQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.listServices(query, credentials));
  });

  router.get('/blockers', async (req, res) => {
    const query = parse(blockersQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await service.listBlockers(query, credentials) });
  });

  router.get('/trend', async (req, res) => {
    const query = parse(trendQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      days: query.days,
      items: await service.trend(query, credentials),
    });
  });

  router.get('/evidence/expiring', async (req, res) => {
    const { days } = parse(expiringQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      days,
      items: await service.expiringEvidence(days, credentials),
    });
  });

  router.get('/export', async (req, res) => {
    const query = parse(rollupQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.type('text/markdown').send(await reports.exportOrg(query, credentials));
  });

  router.get('/reviews', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { user, ownership } = await ownershipOf(credentials);
    // Read more than a page, then keep what the permission allows (a filter applied after a
    // limit would hide reviewable items behind others').
    const items = await service.reviewQueue({
      reviewer: user,
      reviewerOwnership: ownership,
      credentials,
      limit: 1000,
    });
    // Only entities the caller holds the review permission on.
    const decisions = items.length
      ? await permissions.authorize(
          items.map(i => ({
            permission: readinessEvidenceReviewPermission,
            resourceRef: i.entityRef,
          })),
          { credentials },
        )
      : [];
    res.json({
      items: items
        .filter((_, k) => decisions[k].result === AuthorizeResult.ALLOW)
        .slice(0, 200),
    });
  });

  router.get(entityPath, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await checkServiceRead(
      credentials,
      stringifyEntityRef(parseRef(req.params)),
    );
    res.json(
      await service.getEntityReadiness(parseRef(req.params), credentials),
    );
  });

  router.get(`${entityPath}/history`, async (req, res) => {
    const ref = parseRef(req.params);
    const query = parse(historyQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req);
    await checkServiceRead(credentials, stringifyEntityRef(ref));
    const entity = await service.getEntity(ref, credentials);
    const items = await service.getHistory(stringifyEntityRef(entity), {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.json({ items });
  });

  router.get(`${entityPath}/changes`, async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await checkServiceRead(credentials, stringifyEntityRef(ref));
    const entity = await service.getEntity(ref, credentials);
    res.json({ items: await service.getChangeLog(stringifyEntityRef(entity)) });
  });

  router.get(`${entityPath}/gate`, async (req, res) => {
    const ref = parseRef(req.params);
    const query = parse(gateQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await checkServiceRead(credentials, stringifyEntityRef(ref));
    const result = await service.gate(ref, query, credentials);
    // 412 lets a pipeline fail with `curl --fail`; the body says why.
    res.status(result.pass ? 200 : 412).json(result);
  });

  router.get(`${entityPath}/export`, async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await checkServiceRead(credentials, stringifyEntityRef(ref));
    const data = await service.getEntityReadiness(ref, credentials);
    res.type('text/markdown').send(reports.exportEntity(data));
  });

  router.post(`${entityPath}/import`, async (req, res) => {
    const query = parse(importQuerySchema, req.query);
    // NUL has no place in a report and cannot be stored: it is dropped, not refused.
    const body =
      typeof req.body === 'string'
        ? { markdown: req.body, mapping: undefined }
        : parse(importBodySchema, req.body);
    const markdown = body.markdown.replaceAll('\u0000', '');
    const overrides = body.mapping ?? {};
    if (!query.apply) {
      const ref = parseRef(req.params);
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const data = await service.getEntityReadiness(ref, credentials);
      res.json(await reports.preview(markdown, data.template, overrides));
      return;
    }
    await write(req, res, {
      eventId: 'plan-import',
      permission: 'update',
      meta: {
        bytes: markdown.length,
        corrections: Object.keys(overrides).length,
      },
      run: async ({ entityRef, actor }) => ({
        body: await reports.apply(entityRef, markdown, actor, overrides),
      }),
    });
  });

  router.post(`${entityPath}/upgrade`, async (req, res) => {
    await write(req, res, {
      eventId: 'plan-upgrade',
      permission: 'update',
      run: async ({ entityRef, actor }) => ({
        body: await service.upgradePlan(entityRef, actor),
      }),
    });
  });

  router.patch(`${entityPath}/tasks/:taskId`, async (req, res) => {
    const input = parse(taskUpdateSchema, req.body);
    await write(req, res, {
      eventId: 'task-update',
      permission: 'update',
      meta: { taskId: req.params.taskId, change: input },
      run: async ({ entityRef, actor }) => ({
        body: await service.updateTask({
          entityRef,
          taskId: req.params.taskId,
          input,
          actor,
        }),
      }),
    });
  });

  router.post(`${entityPath}/tasks/:taskId/evidence`, async (req, res) => {
    const input = parse(evidenceInputSchema, req.body);
    await write(req, res, {
      eventId: 'evidence-add',
      permission: 'update',
      serviceTask: req.params.taskId,
      meta: {
        taskId: req.params.taskId,
        kind: input.kind,
        url: input.url ?? null,
      },
      run: async ({ entityRef, actor, producer }) => ({
        status: 201,
        body: await service.addEvidence({
          entityRef,
          taskId: req.params.taskId,
          input,
          actor,
          producer,
        }),
      }),
    });
  });

  router.post(
    `${entityPath}/tasks/:taskId/evidence/:evidenceId/review`,
    async (req, res) => {
      const { evidenceId } = parse(evidenceIdSchema, {
        evidenceId: req.params.evidenceId,
      });
      const input = parse(evidenceReviewSchema, req.body);
      await write(req, res, {
        eventId: 'evidence-review',
        permission: 'review',
        meta: {
          taskId: req.params.taskId,
          evidenceId,
          decision: input.decision,
        },
        run: async ({ entityRef, actor, ownership }) => ({
          body: await service.reviewEvidence({
            entityRef,
            taskId: req.params.taskId,
            evidenceId,
            input,
            reviewer: actor,
            reviewerOwnership: ownership,
          }),
        }),
      });
    },
  );

  router.put(`${entityPath}/tasks/:taskId/exemption`, async (req, res) => {
    const input = parse(exemptionInputSchema, req.body);
    await write(req, res, {
      eventId: 'exemption-approve',
      permission: 'approve',
      meta: {
        taskId: req.params.taskId,
        reason: input.reason,
        expiresAt: input.expiresAt,
      },
      run: async ({ entityRef, actor, ownership }) => ({
        body: await service.setExemption({
          entityRef,
          taskId: req.params.taskId,
          input,
          approver: actor,
          approverOwnership: ownership,
        }),
      }),
    });
  });

  router.post(
    `${entityPath}/tasks/:taskId/exemption-request`,
    async (req, res) => {
      const input = parse(exemptionInputSchema, req.body);
      await write(req, res, {
        eventId: 'exemption-request',
        permission: 'update',
        meta: {
          taskId: req.params.taskId,
          reason: input.reason,
          expiresAt: input.expiresAt,
        },
        run: async ({ entityRef, actor }) => ({
          body: await service.requestExemption({
            entityRef,
            taskId: req.params.taskId,
            input,
            actor,
          }),
        }),
      });
    },
  );

  router.delete(`${entityPath}/tasks/:taskId/exemption`, async (req, res) => {
    const { expectedVersion } = parse(versionQuerySchema, req.query);
    await write(req, res, {
      eventId: 'exemption-revoke',
      permission: 'update',
      meta: { taskId: req.params.taskId },
      run: async ({ entityRef, actor }) => ({
        body: await service.revokeExemption({
          entityRef,
          taskId: req.params.taskId,
          expectedVersion,
          actor,
        }),
      }),
    });
  });

  router.post(`${entityPath}/runbooks`, async (req, res) => {
    const input = parse(runbookInputSchema, req.body);
    await write(req, res, {
      eventId: 'runbook-add',
      permission: 'update',
      meta: { type: input.type, url: input.url },
      run: async ({ entityRef, actor }) => ({
        status: 201,
        body: await service.addRunbook(entityRef, input, actor),
      }),
    });
  });

  router.patch(`${entityPath}/runbooks/:id`, async (req, res) => {
    parse(runbookIdSchema, { id: req.params.id });
    const patch = parse(runbookPatchSchema, req.body);
    await write(req, res, {
      eventId: 'runbook-update',
      permission: 'update',
      meta: { id: req.params.id },
      run: async ({ entityRef, actor }) => ({
        body: await service.updateRunbook(
          entityRef,
          req.params.id,
          patch,
          actor,
        ),
      }),
    });
  });

  router.delete(`${entityPath}/runbooks/:id`, async (req, res) => {
    parse(runbookIdSchema, { id: req.params.id });
    await write(req, res, {
      eventId: 'runbook-delete',
      permission: 'update',
      meta: { id: req.params.id },
      run: async ({ entityRef, actor }) => {
        await service.deleteRunbook(entityRef, req.params.id, actor);
        return {};
      },
    });
  });

  // Unknown paths get the same JSON error shape as everything else.
  addInitiativeRoutes(router, {
    httpAuth,
    auditor,
    initiatives: options.initiatives,
    authorizeAdmin: credentials => authorize(credentials, '', 'admin'),
  });

  router.use((req: Request) => {
    throw new NotFoundError(`No readiness endpoint ${req.method} ${req.path}`);
  });

  // The backend's own failures (not bad input or denied access) go to Sentry when configured.
  router.use(
    (error: Error, req: Request, res: Response, next: express.NextFunction) => {
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
