import { RELATION_CHILD_OF } from '@backstage/catalog-model';
import {
  READ_ONLY,
  ReadinessAction,
  requireUser,
  visibleGroup,
} from './actionContext';
import { rollupRow, rollupRowSchema } from './schemas';

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
      const parent = entity.relations
        ?.find(r => r.type === RELATION_CHILD_OF)
        ?.targetRef.toLocaleLowerCase('en-US');
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
