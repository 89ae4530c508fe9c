import {
  READ_ONLY,
  ReadinessAction,
  Zod,
  checkServiceRead,
  parseRef,
} from './actionContext';

/* Output schemas shared by the two per-service actions. */

/** A plan's status. */
const statusSchema = (z: Zod) =>
  z
    .enum(['ready', 'at_risk', 'not_ready'])
    .describe('ready, at_risk or not_ready');

/** A plan's phase stage. */
const stageSchema = (z: Zod) =>
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
const blockerSchema = (z: Zod) =>
  z.object({
    taskId: z.string(),
    title: z.string(),
    phaseId: z.string(),
    kind: z
      .string()
      .describe('Why it blocks: open, attested, expired (no valid proof)'),
  });

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

/** `check-readiness-gate`: the CI release gate's answer for a service, evaluated now. */
export const checkReadinessGate: ReadinessAction = (actionsRegistry, deps) =>
  actionsRegistry.register({
    name: 'check-readiness-gate',
    title: 'Check readiness gate',
    description:
      "The CI release gate's answer for a service, evaluated now: pass or fail, with every " +
      'reason it fails (open P0 blockers, score or phase stage below the minimum, at-risk ' +
      'status, expired evidence, tasks refuted by an automatic check, not-ready dependencies). ' +
      'Same rules as GET /api/readiness/entities/{kind}/{namespace}/{name}/gate.',
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
          minScore: z
            .number()
            .min(0)
            .max(100)
            .default(0)
            .describe('Least overall score required'),
          minStage: z
            .number()
            .int()
            .min(0)
            .max(50)
            .default(0)
            .describe('Least phase stage required (0: none)'),
          allowAtRisk: z
            .boolean()
            .default(false)
            .describe('Accept the at_risk status'),
          allowExpired: z
            .boolean()
            .default(false)
            .describe('Accept tasks resting on expired evidence'),
          requireDependencies: z
            .boolean()
            .default(false)
            .describe('Fail when a dependency (dependsOn) is not ready'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          pass: z.boolean(),
          reasons: z.array(z.string()).describe('Why it fails; empty on pass'),
          score: z.number(),
          status: statusSchema(z),
          stage: stageSchema(z),
          blockers: z.array(blockerSchema(z)),
          expired: z.number().describe('Tasks resting on expired evidence'),
          notReadyDependencies: z.array(z.string()),
          minScore: z.number(),
          minStage: z.number(),
          allowAtRisk: z.boolean(),
          allowExpired: z.boolean(),
          requireDependencies: z.boolean(),
        }),
    },
    attributes: READ_ONLY,
    action: async ({ input, credentials }) => {
      const { entityRef, ...query } = input;
      const ref = parseRef(entityRef, 'component');
      await checkServiceRead(deps, credentials, ref);
      return { output: await deps.service.gate(ref, query, credentials) };
    },
  });
