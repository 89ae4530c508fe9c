import { RELATION_CHILD_OF } from '@backstage/catalog-model';
import {
  READ_ONLY,
  ReadinessAction,
  Zod,
  requireUser,
  visibleGroup,
} from './actionContext';
import type { RollupGroup } from '@prodready/plugin-readiness-common';
import { normalizeRef } from '../database/refs';

/** One group's rollup row. */
const rollupRowSchema = (z: Zod) =>
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

/** A rollup group as `rollupRowSchema` describes it. */
const rollupRow = (g: RollupGroup) => ({
  groupRef: g.key,
  services: g.services,
  average: g.average,
  min: g.min,
  max: g.max,
  statusCounts: g.statusCounts,
  blockers: g.blockers,
  stageCounts: g.stageCounts,
});

/** `get-group-readiness`: a group's rollup and its direct sub-groups'. */
export const getGroupReadiness: ReadinessAction = (actionsRegistry, deps) =>
  actionsRegistry.register({
    name: 'get-group-readiness',
    title: 'Get group readiness',
    description:
      "A group's production readiness rolled up over every team beneath it in the org chart: " +
      'services, average/min/max score, status counts, open P0 blockers and phase stages; ' +
      'with the same rollup for each direct sub-group. Counts only services the caller may ' +
      'see. `readiness` is null when no scored service sits under the group.',
    schema: {
      input: z =>
        z.object({
          groupRef: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The group, e.g. "group:default/payments-team" or "payments-team"',
            ),
        }),
      output: z =>
        z.object({
          groupRef: z.string(),
          title: z.string().optional(),
          readiness: rollupRowSchema(z).nullable(),
          subGroups: z
            .array(rollupRowSchema(z))
            .describe('Direct sub-groups with scored services'),
        }),
    },
    attributes: READ_ONLY,
    action: async ({ input, credentials }) => {
      requireUser(credentials, 'group readiness');
      const { ref, entity } = await visibleGroup(
        deps,
        input.groupRef,
        credentials,
      );
      const parentRef = entity.relations?.find(
        r => r.type === RELATION_CHILD_OF,
      )?.targetRef;
      const parent = parentRef && normalizeRef(parentRef);
      const rowOf = async (level?: string) =>
        (
          await deps.service.rollup(
            { groupBy: 'group', ...(level ? { parent: level } : {}) },
            credentials,
          )
        ).find(g => g.key === ref);
      // The org chart makes a group whose parent it does not hold a root.
      const own =
        (await rowOf(parent)) ?? (parent ? await rowOf(undefined) : undefined);
      const subGroups = await deps.service.rollup(
        { groupBy: 'group', parent: ref },
        credentials,
      );
      const title =
        (entity.spec?.profile as { displayName?: string } | undefined)
          ?.displayName ?? entity.metadata.title;
      return {
        output: {
          groupRef: ref,
          ...(title ? { title } : {}),
          readiness: own ? rollupRow(own) : null,
          subGroups: subGroups.map(rollupRow),
        },
      };
    },
  });
