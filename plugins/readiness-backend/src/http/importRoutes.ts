import { z } from 'zod';
import { ReadinessRouter, RouteContext } from './context';
import { parse, parseRef } from './validation';

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

/** The markdown report import: a preview, or with `apply=true` an audited write. */
export function addImportRoutes(router: ReadinessRouter, ctx: RouteContext) {
  const { httpAuth, service, reports } = ctx;

  router.post('/entities/:kind/:namespace/:name/import', async (req, res) => {
    const { apply } = parse(importQuerySchema, req.query, 'query');
    // NUL has no place in a report and cannot be stored: it is dropped, not refused.
    const body =
      typeof req.body === 'string'
        ? { markdown: req.body as string, mapping: undefined }
        : parse(importBodySchema, req.body);
    const markdown = body.markdown.replaceAll('\u0000', '');
    const overrides = body.mapping ?? {};
    if (!apply) {
      const ref = parseRef(req.params);
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const data = await service.getEntityReadiness(ref, credentials);
      res.json(await reports.preview(markdown, data.template, overrides));
      return;
    }
    await ctx.write(req, res, {
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
}
