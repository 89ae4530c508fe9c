import {
  READ_ONLY,
  ReadinessAction,
  checkServiceRead,
  parseRef,
} from './actionContext';
import { blockerSchema, stageSchema, statusSchema } from './schemas';

/** `get-service-readiness`: one service's score, status, stage, blockers and next tasks. */
export const getServiceReadiness: ReadinessAction = (actionsRegistry, deps) =>
  actionsRegistry.register({
    name: 'get-service-readiness',
    title: 'Get service readiness',
    description:
      'The production readiness of one service (a catalog entity): its overall score (0-100), ' +
      'status (ready, at_risk, not_ready), phase stage, the open P0 blockers, and the next tasks ' +
      'worth most, each with the points proving it would add and the status it would leave. ' +
      'Answers only for entities the caller may see in the catalog.',
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The service, e.g. "component:default/payments" (kind and namespace default to component and default)',
            ),
          nextTasks: z
            .number()
            .int()
            .min(1)
            .max(50)
            .default(5)
            .describe('How many of the next tasks worth most to list'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          pending: z
            .boolean()
            .describe(
              'The plan is not stored yet: a preview the registration will store',
            ),
          template: z.object({
            id: z.string(),
            version: z.number(),
            title: z.string(),
            readyThreshold: z.number(),
            atRiskThreshold: z.number(),
          }),
          score: z.number().describe('Overall score 0-100'),
          capped: z
            .boolean()
            .describe('The score is capped because P0 blockers are open'),
          status: statusSchema(z),
          stage: stageSchema(z),
          blockers: z.array(blockerSchema(z)),
          nextTasks: z
            .array(
              z.object({
                taskId: z.string(),
                title: z.string(),
                severity: z.string(),
                gain: z
                  .number()
                  .describe('Overall points gained by proving the task'),
                statusAfter: statusSchema(z),
              }),
            )
            .describe('Tasks not yet worth full points, most valuable first'),
          counts: z.object({
            proven: z.number(),
            attested: z.number(),
            expired: z.number(),
            exempt: z.number(),
            notApplicable: z.number(),
            open: z.number(),
            refuted: z.number(),
          }),
          dimensions: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              score: z.number().nullable(),
            }),
          ),
          dependencies: z
            .array(
              z.object({
                entityRef: z.string(),
                overall: z.number(),
                status: statusSchema(z),
              }),
            )
            .describe('Readiness of what the service dependsOn (visible ones)'),
          evaluatedAt: z.string(),
        }),
    },
    attributes: READ_ONLY,
    action: async ({ input, credentials }) => {
      const ref = parseRef(input.entityRef, 'component');
      await checkServiceRead(deps, credentials, ref);
      const r = await deps.service.getEntityReadiness(ref, credentials);
      return {
        output: {
          entityRef: r.entityRef,
          pending: r.pending ?? false,
          template: {
            id: r.template.id,
            version: r.template.version,
            title: r.template.title,
            readyThreshold: r.template.readyThreshold,
            atRiskThreshold: r.template.atRiskThreshold,
          },
          score: r.score.overall,
          capped: r.score.capped,
          status: r.score.status,
          stage: r.score.stage,
          blockers: r.score.blockers,
          nextTasks: r.whatIf.slice(0, input.nextTasks),
          counts: r.score.counts,
          dimensions: r.score.dimensions.map(d => ({
            id: d.id,
            title: d.title,
            score: d.score,
          })),
          dependencies: r.dependencies ?? [],
          evaluatedAt: r.score.evaluatedAt,
        },
      };
    },
  });
