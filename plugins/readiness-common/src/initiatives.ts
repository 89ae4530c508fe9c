import { z } from 'zod';

const ENTITY_REF =
  /^[a-z][a-z0-9-]*:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const entityRef = z
  .string()
  .max(200)
  .regex(
    ENTITY_REF,
    'must be a full entity ref such as group:default/payments-team',
  );
const day = z
  .string()
  .regex(DAY, 'must be a date such as 2027-03-31')
  // 2027-02-31 parses (as 3 March): only a day that prints back as itself is one.
  .refine(d => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
  }, 'is not a date');
const values = z.array(z.string().min(1).max(200)).max(100);
/** Systems or domains: `pay`, `default/pay` or `system:default/pay`, stored as full refs. */
const refsOfKind = (kind: string) =>
  z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .regex(/^[\w.:/-]+$/, `must be a ${kind} name or ref`),
    )
    .max(100)
    .transform(list =>
      list.map(v => {
        const withKind = v.includes(':') ? v : `${kind}:${v}`;
        const colon = withKind.indexOf(':');
        const rest = withKind.slice(colon + 1);
        const full = `${withKind.slice(0, colon)}:${
          rest.includes('/') ? rest : `default/${rest}`
        }`;
        return full.toLocaleLowerCase('en-US');
      }),
    );

/**
 * Which services an initiative covers; every given list must match (an empty selection
 * covers every service). `owners` takes groups with everything beneath them in the org chart,
 * or users.
 * @public
 */
export const initiativeSelectionSchema = z
  .object({
    owners: z.array(entityRef).max(100).optional(),
    systems: refsOfKind('system').optional(),
    domains: refsOfKind('domain').optional(),
    lifecycles: values.optional(),
    tiers: values.optional(),
    /** The catalog `spec.type` (service, website, library, …). */
    types: values.optional(),
  })
  .strict();

/**
 * What a covered service must reach; every given part must hold. Proof follows the scoring's
 * trust rules: a task counts when proven (or exempt / not applicable by an approved
 * exemption), never on a person's word alone.
 * @public
 */
export const initiativeGoalSchema = z
  .object({
    tasks: z
      .array(
        z.string().regex(/^[\w.-]{1,40}$/, 'must be a task id such as 3.2'),
      )
      .max(100)
      .optional(),
    minScore: z.number().min(0).max(100).optional(),
    minStage: z.number().int().min(1).max(50).optional(),
    noOpenP0: z.boolean().optional(),
  })
  .strict()
  .refine(
    g =>
      Boolean(g.tasks?.length) ||
      g.minScore !== undefined ||
      g.minStage !== undefined ||
      g.noOpenP0 === true,
    'needs at least one of tasks, minScore, minStage or noOpenP0',
  );

/** An initiative (campaign): a goal for a selection of services by a deadline. @public */
export const initiativeSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'must be lowercase letters, digits and dashes (at most 63)',
      ),
    title: z.string().trim().min(3).max(200),
    description: z.string().max(4000).optional(),
    /** Who drives it: a group or user ref. */
    owner: entityRef,
    selection: initiativeSelectionSchema.default({}),
    goal: initiativeGoalSchema,
    startsAt: day,
    /** The last day on which services may still meet the goal (UTC). */
    deadline: day,
  })
  .strict()
  .refine(i => i.deadline >= i.startsAt, {
    message: 'must not be before startsAt',
    path: ['deadline'],
  });

/** @public */
export type Initiative = z.infer<typeof initiativeSchema>;
/** @public */
export type InitiativeGoal = z.infer<typeof initiativeGoalSchema>;
/** @public */
export type InitiativeSelection = z.infer<typeof initiativeSelectionSchema>;

/** What the goal reads of a service: its stored score facts. @public */
export interface InitiativeServiceFacts {
  overall: number;
  stage: number;
  /** Open P0 blockers. */
  blockers: number;
  /** Tasks proven, or exempt / not applicable by an approved exemption. */
  provenTasks: string[];
}

/**
 * What a service still lacks to meet an initiative's goal (empty: it meets it). Pure.
 * @public
 */
export function initiativeGaps(
  goal: InitiativeGoal,
  facts: InitiativeServiceFacts,
): string[] {
  const gaps: string[] = [];
  const proven = new Set(facts.provenTasks);
  for (const task of goal.tasks ?? []) {
    if (!proven.has(task)) gaps.push(`task ${task} not proven`);
  }
  if (goal.minScore !== undefined && facts.overall < goal.minScore) {
    gaps.push(`score ${facts.overall} below ${goal.minScore}`);
  }
  if (goal.minStage !== undefined && facts.stage < goal.minStage) {
    gaps.push(`phase stage ${facts.stage} below ${goal.minStage}`);
  }
  if (goal.noOpenP0 && facts.blockers > 0) {
    gaps.push(
      `${facts.blockers} open P0 blocker${facts.blockers === 1 ? '' : 's'}`,
    );
  }
  return gaps;
}

/**
 * The goal in words, one part per condition ("tasks 3.2 proven", "no open P0"), for the UI
 * and the exports to join. Pure.
 * @public
 */
export function initiativeGoalParts(goal: InitiativeGoal): string[] {
  const parts: string[] = [];
  if (goal.tasks?.length) parts.push(`tasks ${goal.tasks.join(', ')} proven`);
  if (goal.minScore !== undefined)
    parts.push(`score at least ${goal.minScore}`);
  if (goal.minStage !== undefined)
    parts.push(`phase stage at least ${goal.minStage}`);
  if (goal.noOpenP0) parts.push('no open P0');
  return parts;
}

/** A deadline reminder: 14 and 7 days before, and once overdue. @public */
export type InitiativeMilestone = '14d' | '7d' | 'overdue';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The latest reminder due at `now` for a deadline (the end of its UTC day), if any. Pure.
 * @public
 */
export function initiativeMilestone(
  deadline: string,
  now: Date,
): InitiativeMilestone | undefined {
  const end = Date.parse(`${deadline}T00:00:00Z`) + DAY_MS;
  const left = end - now.getTime();
  if (left <= 0) return 'overdue';
  if (left <= 7 * DAY_MS) return '7d';
  if (left <= 14 * DAY_MS) return '14d';
  return undefined;
}

/** Where an initiative is in time. @public */
export type InitiativeState = 'upcoming' | 'active' | 'met' | 'overdue';

/** A team's (direct owner's) part of an initiative. @public */
export interface InitiativeTeamProgress {
  owner: string;
  services: number;
  met: number;
}

/** An initiative with its progress now. @public */
export interface InitiativeSummary extends Initiative {
  /** `config`: defined in app-config or a YAML file (read-only in the API). */
  source: 'config' | 'api';
  state: InitiativeState;
  progress: { services: number; met: number };
}

/** A point of an initiative's burn-up: services meeting the goal on a day. @public */
export interface InitiativeProgressPoint {
  day: string;
  services: number;
  met: number;
}

/** One covered service and what it still lacks. @public */
export interface InitiativeServiceProgress {
  entityRef: string;
  owner?: string;
  met: boolean;
  lacking: string[];
  /**
   * Set when the service no longer matches the selection (re-tiered, moved, its readiness
   * annotations removed): it still counts until the deadline, so leaving is no way out.
   */
  left?: true;
}

/** `GET /initiatives/:id`. @public */
export interface InitiativeDetail extends InitiativeSummary {
  teams: InitiativeTeamProgress[];
  services: InitiativeServiceProgress[];
  history: InitiativeProgressPoint[];
  /**
   * The stored burn-up counts every covered service, so a caller who may not see them all
   * gets none (it would tell them about services they may not see).
   */
  historyHidden?: true;
}

/** An initiative a service is in (`GET /initiatives?entityRef=`). @public */
export interface EntityInitiative {
  id: string;
  title: string;
  deadline: string;
  state: InitiativeState;
  met: boolean;
  lacking: string[];
}

/** The state of an initiative from its dates and progress. Pure. @public */
export function initiativeState(
  initiative: Pick<Initiative, 'startsAt' | 'deadline'>,
  progress: { services: number; met: number },
  now: Date,
): InitiativeState {
  if (now.getTime() < Date.parse(`${initiative.startsAt}T00:00:00Z`))
    return 'upcoming';
  if (progress.services > 0 && progress.met === progress.services) return 'met';
  return initiativeMilestone(initiative.deadline, now) === 'overdue'
    ? 'overdue'
    : 'active';
}
