import {
  READ_ONLY,
  ReadinessAction,
  requireUser,
  visibleGroup,
} from './actionContext';

/** Most evidence one answer lists, soonest first. */
const MAX_LISTED_EVIDENCE = 200;

/** `list-expiring-evidence`: evidence on a group's services expiring soon, soonest first. */
export const listExpiringEvidence: ReadinessAction = (actionsRegistry, deps) =>
  actionsRegistry.register({
    name: 'list-expiring-evidence',
    title: 'List expiring evidence',
    description:
      'Evidence on the services a group owns (it, its sub-teams at any depth, or their members) that expires within the given number ' +
      'of days (or has already expired), soonest first; expired evidence no longer counts ' +
      'towards the score. Lists only services the caller may see.',
    schema: {
      input: z =>
        z.object({
          groupRef: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The owning group, e.g. "group:default/payments-team" or "payments-team"',
            ),
          days: z
            .number()
            .int()
            .min(0)
            .max(366)
            .default(30)
            .describe('Look this many days ahead'),
        }),
      output: z =>
        z.object({
          groupRef: z.string(),
          days: z.number(),
          items: z
            .array(
              z.object({
                entityRef: z.string(),
                taskId: z.string(),
                evidenceId: z.string(),
                summary: z.string(),
                expiresAt: z.string(),
                expired: z.boolean().describe('Already expired'),
              }),
            )
            .describe(`Soonest first, at most ${MAX_LISTED_EVIDENCE}`),
        }),
    },
    attributes: READ_ONLY,
    action: async ({ input, credentials }) => {
      requireUser(credentials, 'expiring evidence');
      const { ref } = await visibleGroup(deps, input.groupRef, credentials);
      const now = new Date();
      const owners = [ref, ...((await deps.membersOf?.(ref)) ?? [])];
      // The group's services and the limit go to the database: the whole catalog's window
      // is 300 000 items at 50 000 services.
      const items = await deps.service.expiringEvidence(
        input.days,
        credentials,
        now,
        { owners, limit: MAX_LISTED_EVIDENCE },
      );
      return {
        output: {
          groupRef: ref,
          days: input.days,
          items: items.map(i => ({
            entityRef: i.entityRef,
            taskId: i.taskId,
            evidenceId: i.evidenceId,
            summary: i.summary,
            expiresAt: i.expiresAt,
            expired: Date.parse(i.expiresAt) <= now.getTime(),
          })),
        },
      };
    },
  });
