import type { RollupGroup } from '@prodready/plugin-readiness-common';
import { Zod } from './actionContext';

/** Output schemas and mappers shared by more than one readiness action. */

/** A plan's status. */
export const statusSchema = (z: Zod) =>
  z
    .enum(['ready', 'at_risk', 'not_ready'])
    .describe('ready, at_risk or not_ready');

/** A plan's phase stage. */
export const stageSchema = (z: Zod) =>
  z
    .object({
      reached: z
        .number()
        .describe('Phases proven, counted from the first (0: none)'),
      of: z.number().describe('Phases in the template'),
      phaseId: z.string().optional(),
      title: z.string().optional().describe('The last phase proven'),
    })
    .describe('How far the service has climbed the phases of its template');

/** An open P0 blocker. */
export const blockerSchema = (z: Zod) =>
  z.object({
    taskId: z.string(),
    title: z.string(),
    phaseId: z.string(),
    kind: z
      .string()
      .describe('Why it blocks: open, attested, expired (no valid proof)'),
  });

/** One group's rollup row. */
export const rollupRowSchema = (z: Zod) =>
  z.object({
    groupRef: z.string(),
    services: z.number().describe('Scored services owned in the group'),
    average: z.number().describe('Average overall score (0-100)'),
    min: z.number(),
    max: z.number(),
    statusCounts: z.object({
      ready: z.number(),
      at_risk: z.number(),
      not_ready: z.number(),
    }),
    blockers: z.number().describe('Open P0 blockers across the services'),
    stageCounts: z
      .array(z.number())
      .describe('Services per phase stage reached: index 0 is none'),
  });

/** A rollup group as {@link rollupRowSchema} describes it. */
export const rollupRow = (g: RollupGroup) => ({
  groupRef: g.key,
  services: g.services,
  average: g.average,
  min: g.min,
  max: g.max,
  statusCounts: g.statusCounts,
  blockers: g.blockers,
  stageCounts: g.stageCounts,
});
