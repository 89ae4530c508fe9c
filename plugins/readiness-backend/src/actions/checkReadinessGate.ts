import {
  READ_ONLY,
  ReadinessAction,
  checkServiceRead,
  parseRef,
} from './actionContext';
import { stageSchema, statusSchema, blockerSchema } from './schemas';

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
