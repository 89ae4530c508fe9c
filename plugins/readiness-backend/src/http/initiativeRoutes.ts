import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { z } from 'zod';
import { InitiativeService } from '../domain/initiatives/InitiativeService';
import { HttpRequest, HttpResponse, ReadinessRouter } from './context';
import { parse } from './validation';

const idSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an initiative id'),
});
const listQuerySchema = z
  .object({
    /** Only the initiatives this service is in, with what it lacks. */
    entityRef: z
      .string()
      .max(300)
      .regex(
        /^[A-Za-z0-9][\w.-]*:[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/,
        'must be a full entity ref such as component:default/payments',
      )
      .optional(),
  })
  .strict();
const exportQuerySchema = z
  .object({ format: z.enum(['csv', 'markdown']).default('markdown') })
  .strict();

/** The `id` a body names, if it is a string (the body is validated later). */
const idOf = (body: unknown) => {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id.slice(0, 64) : null;
};

/**
 * The initiative endpoints: everyone reads (over the services they can see); admins define.
 * @internal
 */
export function addInitiativeRoutes(
  router: ReadinessRouter,
  deps: {
    httpAuth: HttpAuthService;
    auditor: AuditorService;
    initiatives: InitiativeService;
    authorizeAdmin: (credentials: BackstageCredentials) => Promise<void>;
  },
) {
  const { httpAuth, auditor, initiatives } = deps;

  router.get('/initiatives', async (req, res) => {
    const { entityRef } = parse(listQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      items: entityRef
        ? await initiatives.forEntity(entityRef, credentials)
        : await initiatives.list(credentials),
    });
  });

  router.get('/initiatives/:id', async (req, res) => {
    const { id } = parse(idSchema, req.params);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await initiatives.get(id, credentials));
  });

  router.get('/initiatives/:id/export', async (req, res) => {
    const { id } = parse(idSchema, req.params);
    const { format } = parse(exportQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = await initiatives.export(id, format, credentials);
    res
      .type(format === 'csv' ? 'text/csv' : 'text/markdown')
      .attachment(`${id}.${format === 'csv' ? 'csv' : 'md'}`)
      .send(body);
  });

  /** An admin's audited change of a definition. */
  async function change(
    req: HttpRequest,
    res: HttpResponse,
    eventId: string,
    run: (actor: string) => Promise<{ status: number; body?: unknown }>,
  ) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const audit = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      // The body is not validated yet (that comes after the admin check): only a string id.
      meta: { initiative: req.params.id ?? idOf(req.body) },
    });
    try {
      await deps.authorizeAdmin(credentials);
      const { status, body } = await run(credentials.principal.userEntityRef);
      await audit.success();
      if (body === undefined) res.status(status).end();
      else res.status(status).json(body);
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/initiatives', async (req, res) => {
    await change(req, res, 'initiative-create', async actor => ({
      status: 201,
      body: await initiatives.create(req.body, actor),
    }));
  });

  router.put('/initiatives/:id', async (req, res) => {
    const { id } = parse(idSchema, req.params);
    await change(req, res, 'initiative-update', async actor => ({
      status: 200,
      body: await initiatives.update(id, req.body, actor),
    }));
  });

  router.delete('/initiatives/:id', async (req, res) => {
    const { id } = parse(idSchema, req.params);
    await change(req, res, 'initiative-delete', async () => {
      await initiatives.delete(id);
      return { status: 204 };
    });
  });
}
