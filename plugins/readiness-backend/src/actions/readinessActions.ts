import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  CompoundEntityRef,
  Entity,
  RELATION_CHILD_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type {
  InitiativeSummary,
  RollupGroup,
} from '@prodready/plugin-readiness-common';
import { CiPrincipals } from '../service/CiPrincipals';
import { ReadinessService } from '../service/ReadinessService';
import { InitiativeService } from '../service/InitiativeService';

/**
 * The zod instance an action's schema callbacks receive: the registry's own `zod/v3`,
 * which need not be the copy this package depends on.
 */
type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

/** What every readiness action needs. */
interface ActionDeps {
  service: ReadinessService;
  ciPrincipals: CiPrincipals;
  initiatives?: InitiativeService;
  /** The groups and users at or beneath a group in the stored org chart. */
  membersOf?: (group: string) => Promise<string[]>;
}

/** Defines one action on the registry; {@link registerReadinessActions} calls each. */
type ReadinessAction = (
  actionsRegistry: ActionsRegistryService,
  deps: ActionDeps,
) => void;

/** Every readiness action reads and never writes. */
const READ_ONLY = { readOnly: true, idempotent: true, destructive: false };

// --- Input handling, mirroring the HTTP API (router.ts) ---------------------------------

/** The router's rule for each part of `:kind/:namespace/:name`. */
const REF_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Parses a full or short entity ref ("component:default/payments", "payments"). */
function parseRef(value: string, defaultKind: string): CompoundEntityRef {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(value.trim(), {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`Malformed entity ref "${value}": ${error}`);
  }
  for (const key of ['kind', 'namespace', 'name'] as const) {
    if (!REF_PART.test(ref[key])) {
      throw new InputError(
        `Malformed entity ref "${value}": invalid ${key} "${ref[key]}"`,
      );
    }
  }
  return ref;
}

/** A group ref: any other kind is refused. */
function parseGroupRef(value: string): CompoundEntityRef {
  const ref = parseRef(value, 'group');
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(`"${value}" is not a group ref`);
  }
  return ref;
}

const principalOf = (credentials: BackstageCredentials) =>
  credentials.principal as { type?: string; subject?: string };

/**
 * Like the HTTP API, a service principal (CI token) reads only the plans it is bound to in
 * `readiness.ci.principals`, and learns nothing about the others.
 */
async function checkServiceRead(
  deps: ActionDeps,
  credentials: BackstageCredentials,
  ref: CompoundEntityRef,
) {
  const principal = principalOf(credentials);
  if (principal.type !== 'service') return;
  const entityRef = stringifyEntityRef(ref);
  const plan = await deps.service.getPlanSummary(entityRef);
  if (!plan || !deps.ciPrincipals.mayRead(principal.subject ?? '', plan)) {
    throw new NotAllowedError(
      `Service principal ${principal.subject} is not bound to ${entityRef} in readiness.ci.principals`,
    );
  }
}

/** Org-wide reads are for users only, as on the HTTP API. */
function requireUser(credentials: BackstageCredentials, what: string) {
  if (principalOf(credentials).type !== 'user') {
    throw new NotAllowedError(`Only users may read ${what}`);
  }
}

/**
 * The group as the caller sees it in the catalog: the service throws NotFoundError alike
 * for a group that does not exist and one the caller may not see.
 */
async function visibleGroup(
  deps: ActionDeps,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<{ ref: string; entity: Entity }> {
  const entity = await deps.service.getEntity(
    parseGroupRef(groupRef),
    credentials,
  );
  return {
    ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    entity,
  };
}

// --- Shared output schemas -----------------------------------------------------------------

const statusSchema = (z: Zod) =>
  z
    .enum(['ready', 'at_risk', 'not_ready'])
    .describe('ready, at_risk or not_ready');

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

const blockerSchema = (z: Zod) =>
  z.object({
    taskId: z.string(),
    title: z.string(),
    phaseId: z.string(),
    kind: z
      .string()
      .describe('Why it blocks: open, attested, expired (no valid proof)'),
  });

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

// --- The actions ---------------------------------------------------------------------------

const getServiceReadiness: ReadinessAction = (actionsRegistry, deps) =>
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

const getGroupReadiness: ReadinessAction = (actionsRegistry, deps) =>
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

/** Most evidence one answer lists, soonest first. */
const MAX_LISTED_EVIDENCE = 200;

const listExpiringEvidence: ReadinessAction = (actionsRegistry, deps) =>
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
      const owners = new Set([ref, ...((await deps.membersOf?.(ref)) ?? [])]);
      const items = await deps.service.expiringEvidence(
        input.days,
        credentials,
        now,
      );
      return {
        output: {
          groupRef: ref,
          days: input.days,
          items: items
            .filter(i => owners.has(i.owner?.toLocaleLowerCase('en-US') ?? ''))
            .slice(0, MAX_LISTED_EVIDENCE)
            .map(i => ({
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

const checkReadinessGate: ReadinessAction = (actionsRegistry, deps) =>
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

/** Most services an initiative answer lists (those lacking first); the counts cover all. */
const MAX_LISTED_SERVICES = 100;

const getInitiativeProgress: ReadinessAction = (actionsRegistry, deps) =>
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

/** The actions, in the order they are listed. Add new ones here. */
const readinessActions: ReadinessAction[] = [
  getServiceReadiness,
  getGroupReadiness,
  listExpiringEvidence,
  checkReadinessGate,
  getInitiativeProgress,
];

/**
 * Registers the readiness actions (`get-service-readiness`, `get-group-readiness`,
 * `list-expiring-evidence`, `check-readiness-gate`) with the actions registry, so an
 * assistant can ask them through the MCP actions backend. They are read-only and run with
 * the caller's credentials: catalog visibility and service-principal bindings apply as on
 * the HTTP API, and an entity the caller may not see is not found.
 *
 * @internal
 */
export function registerReadinessActions(options: {
  actionsRegistry: ActionsRegistryService;
  service: ReadinessService;
  /** Service principals' bindings; without them, service principals read no plan. */
  ciPrincipals?: CiPrincipals;
  /** Initiatives, for `get-initiative-progress`. */
  initiatives?: InitiativeService;
  /** The org chart beneath a group, so a group's expiring evidence covers its sub-teams. */
  membersOf?: (group: string) => Promise<string[]>;
}) {
  const deps: ActionDeps = {
    service: options.service,
    ciPrincipals: options.ciPrincipals ?? new CiPrincipals([]),
    initiatives: options.initiatives,
    membersOf: options.membersOf,
  };
  for (const define of readinessActions) define(options.actionsRegistry, deps);
}
