import { z } from 'zod';
import { TASK_STATUSES } from './types';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');

/** Schema of a template task as written in config or YAML. @public */
export const templateTaskSchema = z
  .object({
    id,
    title: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    dimension: id,
    points: z.number().int().min(1).max(100),
    severity: z.enum(['p0', 'p1', 'p2']).default('p1'),
    checklist: z
      .array(z.object({ id, title: z.string().min(1).max(200) }).strict())
      .default([]),
    docsUrl: z.string().url().optional(),
    verification: z.string().min(1).default('manual'),
    maxAgeDays: z.number().int().positive().optional(),
  })
  .strict();

/** Schema of a template as written in config or YAML. @public */
export const templateSchema = z
  .object({
    id,
    version: z.number().int().positive().default(1),
    title: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    readyThreshold: z.number().min(0).max(100).default(90),
    atRiskThreshold: z.number().min(0).max(100).default(60),
    blockerCap: z.number().min(0).max(100).default(59),
    selector: z
      .object({
        kind: z.array(z.string().min(1)).min(1).optional(),
        type: z.array(z.string().min(1)).min(1).optional(),
        lifecycle: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
    dimensions: z
      .array(
        z
          .object({
            id,
            title: z.string().min(1),
            weight: z.number().min(0).default(1),
          })
          .strict(),
      )
      .min(1),
    phases: z
      .array(
        z
          .object({
            id,
            title: z.string().min(1).max(200),
            description: z.string().max(4000).optional(),
            risk: z.enum(['low', 'medium', 'high']).default('medium'),
            estimateHours: z.number().min(0).optional(),
            tasks: z.array(templateTaskSchema).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const dims = new Set(t.dimensions.map(d => d.id));
    const seen = new Set<string>();
    t.phases.forEach((p, pi) =>
      p.tasks.forEach((task, ti) => {
        if (!dims.has(task.dimension)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['phases', pi, 'tasks', ti, 'dimension'],
            message: `unknown dimension "${task.dimension}"`,
          });
        }
        if (seen.has(task.id)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['phases', pi, 'tasks', ti, 'id'],
            message: `duplicate task id "${task.id}"`,
          });
        }
        seen.add(task.id);
      }),
    );
  });

/** Body of a task update. @public */
export const taskUpdateSchema = z
  .object({
    expectedVersion: z.number().int().min(0),
    status: z.enum(TASK_STATUSES as [string, ...string[]]).optional(),
    assignee: z.string().max(200).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    checklist: z.record(z.string().max(64), z.boolean()).optional(),
  })
  .strict();

/** Body of a new piece of evidence. @public */
export const evidenceInputSchema = z
  .object({
    kind: z.enum(['link', 'commit', 'document', 'check', 'attestation']),
    url: z.string().url().max(2000).optional(),
    summary: z.string().min(1).max(2000),
    source: z
      .enum(['manual', 'ci', 'sentry', 'catalog', 'backup'])
      .default('manual'),
  })
  .strict()
  .refine(e => e.kind === 'attestation' || e.url !== undefined, {
    path: ['url'],
    message: 'url is required for evidence other than an attestation',
  });

/** Input types of the request schemas. @public */
export type TaskUpdateInput = z.infer<typeof taskUpdateSchema>;
/** @public */
export type EvidenceInput = z.infer<typeof evidenceInputSchema>;

/**
 * Formats zod issues as `field: message; field: message` so a 400 names the field.
 * @public
 */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}
