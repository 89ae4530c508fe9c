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
    status: z
      .enum(TASK_STATUSES as [string, ...string[]])
      .refine(v => v !== 'not_applicable', {
        message:
          'not_applicable is an exemption: request it with POST …/exemption-request and notApplicable: true',
      })
      .optional(),
    assignee: z.string().max(200).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    checklist: z
      .record(
        z
          .string()
          .max(64)
          .refine(k => !['__proto__', 'constructor', 'prototype'].includes(k), {
            message: 'is not a checklist item id',
          }),
        z.boolean(),
      )
      .optional(),
  })
  .strict();

/**
 * An ISO 8601 date-time with an offset that is also a real instant (zod alone accepts
 * offsets such as `+99:99`, which no Date can hold).
 * @public
 */
export const isoDateTimeSchema = z
  .string()
  .datetime({ offset: true })
  .refine(v => !Number.isNaN(Date.parse(v)), {
    message: 'not a valid instant',
  });

/**
 * An http(s) URL: `javascript:`, `data:` and other schemes are refused, as the catalog
 * processor refuses them for links.
 * @public
 */
export const httpUrlSchema = z
  .string()
  .max(2000)
  .url()
  .refine(u => /^https?:$/i.test(safeProtocol(u)), {
    message: 'must be an http or https URL',
  });

function safeProtocol(u: string): string {
  try {
    return new URL(u).protocol;
  } catch {
    return '';
  }
}

/**
 * Body of a new piece of evidence. Provenance is the server's to assign: a client may not
 * send `kind: check` or a `source` other than `manual` (CI evidence is recognised by the
 * caller's bound service principal, not by what it says about itself).
 * @public
 */
export const evidenceInputSchema = z
  .object({
    kind: z.enum(['link', 'commit', 'document', 'attestation'], {
      errorMap: () => ({
        message:
          'must be link, commit, document or attestation (check evidence is recorded by the backend itself)',
      }),
    }),
    url: httpUrlSchema.optional(),
    summary: z.string().min(1).max(2000),
    source: z
      .literal('manual', {
        errorMap: () => ({
          message:
            'only "manual" may be sent; the server records who produced the evidence',
        }),
      })
      .default('manual'),
  })
  .strict()
  .refine(e => e.kind === 'attestation' || e.url !== undefined, {
    path: ['url'],
    message: 'url is required for evidence other than an attestation',
  });

/** Body of a review of a person's evidence. @public */
export const evidenceReviewSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine(r => r.decision === 'approve' || (r.comment ?? '').length >= 3, {
    path: ['comment'],
    message: 'a rejection needs a comment of at least 3 characters',
  });

/** Input types of the request schemas. @public */
export type TaskUpdateInput = z.infer<typeof taskUpdateSchema>;
/** @public */
export type EvidenceInput = z.infer<typeof evidenceInputSchema>;
/** @public */
export type EvidenceReviewInput = z.infer<typeof evidenceReviewSchema>;

/**
 * Formats zod issues as `field: message; field: message` so a 400 names the field.
 * @public
 */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}
