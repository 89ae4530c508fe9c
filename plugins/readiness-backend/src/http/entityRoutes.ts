import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  gateQuerySchema,
  isoDateTimeSchema,
  runbookInputSchema,
  runbookPatchSchema,
} from '@prodready/plugin-readiness-common';
import { z } from 'zod';
import { GetHistoryResponse } from '../schema/openapi';
import { sendEntityRead } from './conditional';
import { ReadinessRouter, RouteContext } from './context';
import { parse, parseRef } from './validation';

const historyQuerySchema = z
  .object({
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
  })
  .strict();

/** The spec checks it too (a strict pattern); this keeps a Postgres uuid column safe anyway. */
const runbookIdSchema = z.object({ id: z.string().uuid() });

/** One service's readiness: reads, the CI gate, its runbooks and the plan upgrade. */
export function addEntityRoutes(router: ReadinessRouter, ctx: RouteContext) {
  const { httpAuth, service, reports } = ctx;

  // Both reads check access (service bindings, then the catalog as the caller) while the
  // body is computed, before any 304: a tag never answers someone who may not see the entity.
  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const body = await service.getEntityReadiness(ref, credentials);
    sendEntityRead(req, res, 'full', body);
  });

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const body = await service.getEntitySummary(ref, credentials);
    sendEntityRead(req, res, 'summary', body);
  });

  // The entity tab's read: the template's text comes from /templates/:id/versions/:version.
  router.get('/entities/:kind/:namespace/:name/plan', async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const body = await service.getEntityPlan(ref, credentials);
    sendEntityRead(req, res, 'plan', body);
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const ref = parseRef(req.params);
    const query = parse(historyQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const entity = await service.getEntity(ref, credentials);
    const items = await service.getHistory(stringifyEntityRef(entity), {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    // The store types `status` as a string; its values are the spec's Status.
    res.json({ items: items as GetHistoryResponse['items'] });
  });

  router.get('/entities/:kind/:namespace/:name/changes', async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const entity = await service.getEntity(ref, credentials);
    res.json({ items: await service.getChangeLog(stringifyEntityRef(entity)) });
  });

  router.get('/entities/:kind/:namespace/:name/gate', async (req, res) => {
    const ref = parseRef(req.params);
    // The spec validated the query first; the handler checks it again, so the gate cannot
    // fail open (no minScore, or NaN) were that validation ever skipped.
    const query = parse(gateQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const result = await service.gate(ref, query, credentials);
    // 412 lets a pipeline fail with `curl --fail`; the body says why.
    res.status(result.pass ? 200 : 412).json(result);
  });

  router.get('/entities/:kind/:namespace/:name/export', async (req, res) => {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req);
    await ctx.checkServiceRead(credentials, stringifyEntityRef(ref));
    const data = await service.getEntityReadiness(ref, credentials);
    res.type('text/markdown').send(reports.exportEntity(data));
  });

  router.post('/entities/:kind/:namespace/:name/upgrade', async (req, res) => {
    await ctx.write(req, res, {
      eventId: 'plan-upgrade',
      permission: 'update',
      run: async ({ entityRef, actor }) => ({
        body: await service.upgradePlan(entityRef, actor),
      }),
    });
  });

  router.post('/entities/:kind/:namespace/:name/runbooks', async (req, res) => {
    const input = parse(runbookInputSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'runbook-add',
      permission: 'update',
      meta: { type: input.type, url: input.url },
      run: async ({ entityRef, actor }) => ({
        status: 201,
        body: await service.addRunbook(entityRef, input, actor),
      }),
    });
  });

  router.patch(
    '/entities/:kind/:namespace/:name/runbooks/:id',
    async (req, res) => {
      const { id } = parse(runbookIdSchema, { id: req.params.id });
      const patch = parse(runbookPatchSchema, req.body);
      await ctx.write(req, res, {
        eventId: 'runbook-update',
        permission: 'update',
        meta: { id },
        run: async ({ entityRef, actor }) => ({
          body: await service.updateRunbook(entityRef, id, patch, actor),
        }),
      });
    },
  );

  router.delete(
    '/entities/:kind/:namespace/:name/runbooks/:id',
    async (req, res) => {
      const { id } = parse(runbookIdSchema, { id: req.params.id });
      await ctx.write(req, res, {
        eventId: 'runbook-delete',
        permission: 'update',
        meta: { id },
        run: async ({ entityRef, actor }) => {
          await service.deleteRunbook(entityRef, id, actor);
          return {};
        },
      });
    },
  );
}
