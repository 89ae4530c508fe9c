import { z } from 'zod';
import { RUNBOOK_TYPES, RunbookType } from './types';
import { httpUrlSchema, isoDateTimeSchema } from './schemas';

/**
 * A number sent in a query string, read in decimal only: `z.coerce.number()` alone would also
 * read `0x10`, `1e1`, `0b1` and the empty string.
 */
const decimal = (n: z.ZodNumber) =>
  z.preprocess(
    v => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v),
    n,
  );

/** A query string value: one string without control characters (NUL among them). */
const text = (max: number) =>
  z
    .string({ invalid_type_error: 'must be a single string value' })
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine(s => !/[\u0000-\u001f\u007f]/.test(s), {
      message: 'must not contain control characters',
    });

const list = text(2000).transform(s =>
  s
    .split(',')
    .map(v => v.trim())
    .filter(Boolean),
);

/** Filters shared by the org rollup and the services list (comma-separated values). @public */
export const serviceFiltersSchema = z.object({
  owner: list.optional(),
  system: list.optional(),
  domain: list.optional(),
  lifecycle: list.optional(),
  tier: list.optional(),
  status: list
    .pipe(z.array(z.enum(['ready', 'at_risk', 'not_ready'])))
    .optional(),
  /** Only services that reached at least this phase stage. */
  minStage: decimal(z.number().int().min(0).max(50)).optional(),
  /** `true`: only services that depend on a Not ready service. */
  blockedByDependencies: z
    .enum(['true', 'false'])
    .transform(v => v === 'true')
    .optional(),
});

/** Query of `GET /scores` (org rollup). @public */
export const rollupQuerySchema = serviceFiltersSchema
  .extend({
    groupBy: z.enum(['owner', 'system', 'domain', 'group']).default('owner'),
    /** With `groupBy=group`: the group whose sub-groups to roll up (default: the roots). */
    parent: text(300).optional(),
  })
  .strict();

/** Query of `GET /services` (cursor-paginated list of scored services). @public */
export const servicesQuerySchema = serviceFiltersSchema
  .extend({
    sort: z
      .enum(['overall', 'entityRef', 'blockers', 'computedAt'])
      .default('overall'),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: decimal(z.number().int().min(1).max(500)).default(50),
    cursor: text(1000).optional(),
  })
  .strict();

/** Query of `GET /blockers` (open P0 blockers, cursor-paginated by service). @public */
export const blockersQuerySchema = serviceFiltersSchema
  .extend({
    limit: decimal(z.number().int().min(1).max(500)).default(100),
    cursor: text(1000).optional(),
  })
  .strict();

/** Query of `GET /trend` (daily averages from snapshots). @public */
export const trendQuerySchema = serviceFiltersSchema
  .extend({ days: decimal(z.number().int().min(1).max(366)).default(90) })
  .strict();

/** Query of `GET /evidence/expiring` (cursor-paginated, soonest first). @public */
export const expiringQuerySchema = z
  .object({
    days: decimal(z.number().int().min(0).max(366)).default(30),
    limit: decimal(z.number().int().min(1).max(500)).default(100),
    cursor: text(1000).optional(),
  })
  .strict();

/** Query of `GET /entities/…/gate`. @public */
export const gateQuerySchema = z
  .object({
    minScore: decimal(z.number().min(0).max(100)).default(0),
    /** The least phase stage the service must have reached (0: none required). */
    minStage: decimal(z.number().int().min(0).max(50)).default(0),
    /** A release gate is strict by default: At risk fails unless the caller opts in. */
    allowAtRisk: z
      .enum(['true', 'false'])
      .default('false')
      .transform(v => v === 'true'),
    /** Expired evidence fails the gate unless the caller opts in. */
    allowExpired: z
      .enum(['true', 'false'])
      .default('false')
      .transform(v => v === 'true'),
    /** Fail the gate when a dependency (`dependsOn`) is Not ready. */
    requireDependencies: z
      .enum(['true', 'false'])
      .default('false')
      .transform(v => v === 'true'),
  })
  .strict();

/** Parsed service filters. @public */
export type ServiceFilters = z.infer<typeof serviceFiltersSchema>;
/** @public */
export type RollupQuery = z.infer<typeof rollupQuerySchema>;
/** @public */
export type ServicesQuery = z.infer<typeof servicesQuerySchema>;

/** Body of a new exemption. @public */
export const exemptionInputSchema = z
  .object({
    expectedVersion: z.number().int().min(0),
    reason: z.string().min(3).max(2000),
    expiresAt: isoDateTimeSchema,
    /** Ask for the task to be treated as not applicable (never granted on a P0 to its owner). */
    notApplicable: z.boolean().optional(),
  })
  .strict();

/** Body of a new runbook link. @public */
export const runbookInputSchema = z
  .object({
    type: z.enum(RUNBOOK_TYPES as [RunbookType, ...RunbookType[]]),
    title: z.string().min(1).max(200),
    url: httpUrlSchema,
    lastReviewedAt: isoDateTimeSchema.optional(),
  })
  .strict();

/** Body of a runbook link change. @public */
export const runbookPatchSchema = z
  .object({
    title: z.string().min(1).max(200).optional(),
    url: httpUrlSchema.optional(),
    lastReviewedAt: isoDateTimeSchema.nullable().optional(),
  })
  .strict();

/** @public */
export type ExemptionInput = z.infer<typeof exemptionInputSchema>;
/** @public */
export type RunbookInput = z.infer<typeof runbookInputSchema>;
/** @public */
export type RunbookPatch = z.infer<typeof runbookPatchSchema>;

/** One row of the services list. @public */
export interface ServiceScoreRow {
  entityRef: string;
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tier?: string;
  overall: number;
  status: 'ready' | 'at_risk' | 'not_ready';
  blockers: number;
  /** The phase stage reached (see `ReadinessStage`). */
  stage: number;
  dimensions: Record<string, number | null>;
  computedAt: string;
}

/** An open P0 blocker of a service, as the org's blockers list gives it. @public */
export interface OrgBlocker {
  entityRef: string;
  owner?: string;
  system?: string;
  taskId: string;
  title: string;
  /** `open`, or `expired` when the proof that closed it has expired. */
  kind: string;
}

/** Evidence that expires soon or has expired, as the org's expiring list gives it. @public */
export interface ExpiringEvidenceItem {
  entityRef: string;
  owner?: string;
  taskId: string;
  evidenceId: string;
  summary: string;
  expiresAt: string;
}

/** One group of the org rollup. @public */
export interface RollupGroup {
  key: string;
  services: number;
  average: number;
  min: number;
  max: number;
  statusCounts: { ready: number; at_risk: number; not_ready: number };
  blockers: number;
  /** Services per 10-point score bucket: [0-9], [10-19], …, [90-100]. */
  distribution: number[];
  /** Services per phase stage reached: index 0 is none, 1 the first phase, … */
  stageCounts: number[];
  /** Services that depend on (catalog `dependsOn`) a service that is Not ready. */
  blockedByDependencies: number;
}
