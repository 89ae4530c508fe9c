import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  evidenceInputSchema,
  formatZodIssues,
  readinessPlanUpdatePermission,
  taskUpdateSchema,
} from '@internal/plugin-readiness-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ReadinessService, StaleVersionError } from './ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';

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
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

/** Creates the readiness HTTP router, mounted at `/api/readiness`. @internal */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  service: ReadinessService;
  templates: TemplateRegistry;
}): Promise<express.Router> {
  const { httpAuth, permissions, auditor, service, templates } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  const entityPath = '/entities/:kind/:namespace/:name';

  router.get('/templates', async (_req, res) => {
    res.json({ items: templates.list() });
  });

  router.get(entityPath, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await service.getEntityReadiness(parseRef(req.params), credentials),
    );
  });

  router.get(`${entityPath}/history`, async (req, res) => {
    const ref = parseRef(req.params);
    const query = parse(historyQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req);
    const entity = await service.getEntity(ref, credentials);
    const items = await service.getHistory(stringifyEntityRef(entity), {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.json({ items });
  });

  router.patch(`${entityPath}/tasks/:taskId`, async (req, res) => {
    const ref = parseRef(req.params);
    const input = parse(taskUpdateSchema, req.body);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = stringifyEntityRef(
      await service.getEntity(ref, credentials),
    );
    const audit = await auditor.createEvent({
      eventId: 'task-update',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef, taskId: req.params.taskId, change: input as any },
    });
    try {
      await authorizeUpdate(permissions, entityRef, credentials);
      const result = await service.updateTask({
        entityRef,
        taskId: req.params.taskId,
        input,
        actor: credentials.principal.userEntityRef,
      });
      await audit.success({
        meta: { version: result.task.version, overall: result.score.overall },
      });
      res.json(result);
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
  });

  router.post(`${entityPath}/tasks/:taskId/evidence`, async (req, res) => {
    const ref = parseRef(req.params);
    const input = parse(evidenceInputSchema, req.body);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = stringifyEntityRef(
      await service.getEntity(ref, credentials),
    );
    const actor =
      credentials.principal.type === 'user'
        ? credentials.principal.userEntityRef
        : `service:${credentials.principal.subject}`;
    const audit = await auditor.createEvent({
      eventId: 'evidence-add',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef,
        taskId: req.params.taskId,
        kind: input.kind,
        url: input.url ?? null,
      },
    });
    try {
      if (credentials.principal.type === 'user') {
        await authorizeUpdate(permissions, entityRef, credentials);
      }
      const result = await service.addEvidence({
        entityRef,
        taskId: req.params.taskId,
        input,
        actor,
      });
      await audit.success({ meta: { evidenceId: result.evidence.id } });
      res.status(201).json(result);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}

async function authorizeUpdate(
  permissions: PermissionsService,
  entityRef: string,
  credentials: Parameters<PermissionsService['authorize']>[1]['credentials'],
) {
  const [decision] = await permissions.authorize(
    [{ permission: readinessPlanUpdatePermission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not update the readiness plan of ${entityRef}`,
    );
  }
}
