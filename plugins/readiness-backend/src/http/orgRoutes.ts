import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  blockersQuerySchema,
  expiringQuerySchema,
  readinessEvidenceReviewPermission,
  rollupQuerySchema,
  servicesQuerySchema,
  trendQuerySchema,
} from '@prodready/plugin-readiness-common';
import { z } from 'zod';
import { ListBlockersResponse } from '../schema/openapi';
import { ifNoneMatchHas, sendSharedJson, strongTag } from './conditional';
import { ReadinessRouter, RouteContext } from './context';
import { parse } from './validation';

const templateVersionParams = z.object({
  id: z.string().min(1).max(200),
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a positive whole number')
    .transform(Number),
});

const templateVersionQuery = z.object({
  key: z
    .string()
    .regex(/^[\w-]{8,64}$/, "must be a plan read's templateKey")
    .optional(),
});

/** The organisation-wide reads: templates, rollups, lists, trend, export, review queue. */
export function addOrgRoutes(router: ReadinessRouter, ctx: RouteContext) {
  const { httpAuth, permissions, service, templates, reports } = ctx;

  router.get('/templates', async (_req, res) => {
    res.json({ items: templates.list() });
  });

  // Addressed by its content key (a plan read's `templateKey`) a template never changes, so
  // the browser keeps it for good; without a key it is revalidated (strong ETag).
  router.get('/templates/:id/versions/:version', async (req, res) => {
    const { id, version } = parse(templateVersionParams, req.params);
    const { key } = parse(templateVersionQuery, req.query, 'query');
    const template = await service.getTemplateVersion(id, version, key);
    const tag = strongTag(template);
    res.set('ETag', tag);
    res.set(
      'Cache-Control',
      key ? 'private, max-age=31536000, immutable' : 'private, no-cache',
    );
    if (ifNoneMatchHas(req.header('if-none-match'), tag)) {
      res.status(304).end();
      return;
    }
    res.json(template);
  });

  router.get('/scores', async (req, res) => {
    const query = parse(rollupQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { groups, shared } = await service.rollupRead(query, credentials);
    const body = () => ({ groupBy: query.groupBy, items: groups });
    // A whole-catalog answer is one array for every such caller until scores change (a
    // thousand owners is a few hundred KB of JSON): it is encoded once.
    if (shared) {
      await sendSharedJson(req, res, groups, body);
    } else {
      res.set('Cache-Control', 'private, no-cache');
      res.json(body());
    }
  });

  router.get('/services', async (req, res) => {
    const query = parse(servicesQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.listServices(query, credentials));
  });

  router.get('/blockers', async (req, res) => {
    const query = parse(blockersQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const page = await service.listBlockers(query, credentials);
    // The read model types `kind` as a string; its values are the spec's open | expired.
    res.json(page as ListBlockersResponse);
  });

  router.get('/trend', async (req, res) => {
    const query = parse(trendQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      days: query.days,
      items: await service.trend(query, credentials),
    });
  });

  router.get('/evidence/expiring', async (req, res) => {
    const query = parse(expiringQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({
      days: query.days,
      ...(await service.expiringEvidencePage(query, credentials)),
    });
  });

  router.get('/export', async (req, res) => {
    const query = parse(rollupQuerySchema, req.query, 'query');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.type('text/markdown').send(await reports.exportOrg(query, credentials));
  });

  router.get('/reviews', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { user, ownership } = await ctx.ownershipOf(credentials);
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
}
