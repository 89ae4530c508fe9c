import { InputError } from '@backstage/errors';
import type { InitiativeSummary } from '@prodready/plugin-readiness-common';
import { READ_ONLY, ReadinessAction, requireUser } from './actionContext';

/** Most services an initiative answer lists (those lacking first); the counts cover all. */
const MAX_LISTED_SERVICES = 100;

/** `get-initiative-progress`: every initiative, or one initiative's goal, teams, lacking services and history. */
export const getInitiativeProgress: ReadinessAction = (actionsRegistry, deps) =>
  actionsRegistry.register({
    name: 'get-initiative-progress',
    title: 'Get initiative progress',
    description:
      'Initiatives (campaigns: a goal for a selection of services by a deadline). Without an ' +
      'id: every initiative with its state and how many services meet the goal. With an id: ' +
      'its goal, per-team progress, the services still lacking and what each lacks, and the ' +
      'daily burn-up history. Counts cover only services the caller may see; a task counts ' +
      'only when proven by a machine or a second person.',
    schema: {
      input: z =>
        z.object({
          id: z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
            .optional()
            .describe(
              'An initiative id, e.g. "tier1-restore-drills"; omit to list all',
            ),
        }),
      output: z => {
        const summary = z.object({
          id: z.string(),
          title: z.string(),
          owner: z.string(),
          startsAt: z.string(),
          deadline: z.string(),
          state: z
            .enum(['upcoming', 'active', 'met', 'overdue'])
            .describe('upcoming, active, met or overdue'),
          services: z.number().describe('Services it covers'),
          met: z.number().describe('Services meeting the goal'),
        });
        return z.object({
          initiatives: z.array(summary),
          detail: z
            .object({
              goal: z.object({
                tasks: z.array(z.string()).optional(),
                minScore: z.number().optional(),
                minStage: z.number().optional(),
                noOpenP0: z.boolean().optional(),
              }),
              teams: z.array(
                z.object({
                  owner: z.string(),
                  services: z.number(),
                  met: z.number(),
                }),
              ),
              lacking: z
                .array(
                  z.object({
                    entityRef: z.string(),
                    owner: z.string().optional(),
                    lacking: z.array(z.string()),
                  }),
                )
                .describe(
                  `Services that miss the goal (at most ${MAX_LISTED_SERVICES})`,
                ),
              history: z.array(
                z.object({
                  day: z.string(),
                  services: z.number(),
                  met: z.number(),
                }),
              ),
            })
            .optional(),
        });
      },
    },
    attributes: READ_ONLY,
    action: async ({ input, credentials }) => {
      requireUser(credentials, 'initiatives');
      if (!deps.initiatives)
        throw new InputError('Initiatives are not enabled');
      const brief = (i: InitiativeSummary) => ({
        id: i.id,
        title: i.title,
        owner: i.owner,
        startsAt: i.startsAt,
        deadline: i.deadline,
        state: i.state,
        services: i.progress.services,
        met: i.progress.met,
      });
      if (!input.id) {
        const all = await deps.initiatives.list(credentials);
        return { output: { initiatives: all.map(brief) } };
      }
      const detail = await deps.initiatives.get(input.id, credentials);
      return {
        output: {
          initiatives: [brief(detail)],
          detail: {
            goal: detail.goal,
            teams: detail.teams,
            lacking: detail.services
              .filter(s => !s.met)
              .slice(0, MAX_LISTED_SERVICES)
              .map(s => ({
                entityRef: s.entityRef,
                ...(s.owner ? { owner: s.owner } : {}),
                lacking: s.lacking,
              })),
            history: detail.history,
          },
        },
      };
    },
  });
