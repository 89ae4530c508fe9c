import {
  Evidence,
  ReadinessTemplate,
  TaskState,
  TaskStatus,
  scorePlan,
} from '@prodready/plugin-readiness-common';
import { Entity } from '@backstage/catalog-model';
import { BulkPlan, defaultTemplate } from './backend';

/** Shape of the generated organisation. */
export interface OrgShape {
  services: number;
  /** Owner groups: the teams, the leaves of the org chart. */
  groups: number;
  systems: number;
  domains: number;
  historyDays: number;
  /** Groups on the org chart's two middle levels; derived from `groups` when absent. */
  chart?: { divisions: number; departments: number };
}

/**
 * The organisation at scale: 50 000 services owned by 900 teams under 90
 * departments, 9 divisions and one root (1 000 groups), 250 systems, 50 domains, 90 days.
 */
export const FULL_ORG: OrgShape = {
  services: 50_000,
  groups: 900,
  systems: 250,
  domains: 50,
  historyDays: 90,
  chart: { divisions: 9, departments: 90 },
};

/**
 * The quick size (`--quick`), the former full size: 10 000 services, 200 teams under 20
 * departments, 4 divisions and one root, 50 systems, 10 domains, 90 days.
 */
export const QUICK_ORG: OrgShape = {
  services: 10_000,
  groups: 200,
  systems: 50,
  domains: 10,
  historyDays: 90,
  chart: { divisions: 4, departments: 20 },
};

const DAY = 86_400_000;

/** Deterministic PRNG (mulberry32), so every run generates the same organisation. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The default template grown to 40 tasks (three extra tasks per phase), the plan size the
 * benchmark issue asks for; plans pin it as their snapshot like any other template.
 */
export function benchTemplate(): ReadinessTemplate {
  const t: ReadinessTemplate = JSON.parse(JSON.stringify(defaultTemplate));
  t.id = 'bench-40';
  t.title = 'Default template, 40 tasks (benchmark)';
  for (const [i, phase] of t.phases.entries()) {
    for (let k = 1; phase.tasks.length < 8; k++) {
      phase.tasks.push({
        id: `${i + 1}.${phase.tasks.length + 1}`,
        title: `${phase.title}: additional control ${k}`,
        dimension: phase.tasks[0].dimension,
        points: 5,
        severity: 'p2',
        checklist: [],
        verification: 'manual',
        maxAgeDays: 90,
      });
    }
  }
  return t;
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const serviceName = (i: number) => `svc-${pad(i, 5)}`;
export const groupName = (i: number) => `team-${pad(i, 3)}`;
export const systemName = (i: number) => `sys-${pad(i, 2)}`;
export const domainName = (i: number) => `dom-${pad(i, 2)}`;
export const ownerOf = (i: number, shape: OrgShape) => i % shape.groups;
export const systemOf = (i: number, shape: OrgShape) =>
  (i * 7 + 3) % shape.systems;

/** The org chart's root group (level 1). */
export const ROOT_GROUP = 'org-root';
export const divisionName = (i: number) => `div-${pad(i, 2)}`;
export const departmentName = (i: number) => `dept-${pad(i, 2)}`;

/**
 * The org chart above the owner groups, four levels deep: one root, divisions, departments
 * and the owner groups (teams) as leaves. At full scale 1 root, 9 divisions of 10
 * departments, 900 teams (10 per department); the quick size has 4 divisions of 5
 * departments over 200 teams. A shape without `chart` scales down and stays four levels
 * deep (two divisions of two departments once there are four teams). Departments and teams
 * are split into contiguous, near-equal blocks.
 */
export function orgChart(shape: OrgShape) {
  const teams = shape.groups;
  const divisions =
    shape.chart?.divisions ??
    Math.max(
      1,
      Math.min(Math.floor(teams / 2), Math.max(2, Math.round(teams / 50))),
    );
  const departments =
    shape.chart?.departments ??
    Math.max(
      divisions,
      Math.min(teams, Math.max(2 * divisions, Math.round(teams / 10))),
    );
  return {
    divisions,
    departments,
    teams,
    /** Group counts from the root down. */
    levels: [1, divisions, departments, teams],
    divisionOf: (department: number) =>
      Math.floor((department * divisions) / departments),
    departmentOf: (team: number) => Math.floor((team * departments) / teams),
  };
}

/** Two dependencies per service, so rollups count services blocked by them at scale. */
const dependenciesOf = (i: number, shape: OrgShape) =>
  [(i + 1) % shape.services, (i + 7) % shape.services]
    .filter(d => d !== i)
    .map(d => `component:default/${serviceName(d)}`);

/** Service `i` as a catalog entity (relations as the catalog would compute them). */
export function componentEntity(i: number, shape: OrgShape): Entity {
  const name = serviceName(i);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'sentry.io/project-slug': name,
        'readiness/tier': String((i % 4) + 1),
        'readiness/backup-policy': 'daily-35d',
      },
      links: [
        {
          url: `https://runbooks.example.com/${name}/dr`,
          title: 'DR',
          type: 'runbook-dr',
        },
      ],
    },
    spec: {
      type: 'service',
      lifecycle: i % 10 === 0 ? 'experimental' : 'production',
      owner: groupName(ownerOf(i, shape)),
      system: systemName(systemOf(i, shape)),
      dependsOn: dependenciesOf(i, shape),
    },
    relations: [
      ...dependenciesOf(i, shape).map(targetRef => ({
        type: 'dependsOn',
        targetRef,
      })),
      {
        type: 'ownedBy',
        targetRef: `group:default/${groupName(ownerOf(i, shape))}`,
      },
      {
        type: 'partOf',
        targetRef: `system:default/${systemName(systemOf(i, shape))}`,
      },
    ],
  };
}

// Past days had one blocker more than today, so they were at risk at best.
const pastStatus = (overall: number) =>
  overall >= 90 ? 'at_risk' : 'not_ready';

/** Catalog entities (as YAML documents' objects) for the organisation. */
export function catalogEntities(shape: OrgShape): object[] {
  const docs: object[] = [];
  for (let d = 0; d < shape.domains; d++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: domainName(d) },
      spec: { owner: groupName(0) },
    });
  }
  for (let s = 0; s < shape.systems; s++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: systemName(s) },
      spec: {
        owner: groupName(s % shape.groups),
        domain: domainName(s % shape.domains),
      },
    });
  }
  // The org chart: each group names its parent (`spec.parent`); the catalog derives the
  // childOf/parentOf relations the readiness sync stores. `children` is required but may
  // stay empty when the children name their parent.
  const chart = orgChart(shape);
  const group = (name: string, type: string, parent?: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type, ...(parent ? { parent } : {}), children: [] },
  });
  docs.push(group(ROOT_GROUP, 'organization'));
  for (let v = 0; v < chart.divisions; v++) {
    docs.push(group(divisionName(v), 'division', ROOT_GROUP));
  }
  for (let d = 0; d < chart.departments; d++) {
    docs.push(
      group(departmentName(d), 'department', divisionName(chart.divisionOf(d))),
    );
  }
  for (let g = 0; g < shape.groups; g++) {
    docs.push(
      group(groupName(g), 'team', departmentName(chart.departmentOf(g))),
    );
  }
  for (let i = 0; i < shape.services; i++) {
    const { relations: _computedByTheCatalog, ...doc } = componentEntity(
      i,
      shape,
    );
    docs.push(doc);
  }
  return docs;
}

/**
 * One service's plan: a maturity level per service drives a realistic mix of proven,
 * claimed, expired, in-progress, blocked, not-applicable and untouched tasks; evidence ages
 * spread over 120 days (so some has expired); 90 daily snapshots drift up to today's score.
 */
export function generatePlan(
  i: number,
  shape: OrgShape,
  template: ReadinessTemplate,
  now: Date,
): BulkPlan {
  const rnd = prng(i + 1);
  const maturity = Math.min(1, Math.max(0, 0.25 + rnd() * 0.8));
  const name = serviceName(i);
  const tasks: BulkPlan['tasks'] = [];
  const evidence: BulkPlan['evidence'] = [];
  const states: Record<string, TaskState> = {};
  for (const task of template.phases.flatMap(p => p.tasks)) {
    // Teams finish their P0 tasks first, so blockers are the exception, not the rule.
    const r = task.severity === 'p0' ? rnd() * 0.3 : rnd();
    let status: TaskStatus | undefined;
    let proof: Omit<Evidence, 'id'> | undefined;
    // CI and the automatic checks re-prove P0 tasks daily; other proof is mostly recent,
    // and a few per cent of it is months old (so some of it has expired).
    const old = task.severity !== 'p0' && rnd() < 0.03;
    const ageDays = Math.floor(
      old ? 60 + rnd() * 60 : rnd() * (task.severity === 'p0' ? 7 : 20),
    );
    const recordedAt = new Date(now.getTime() - ageDays * DAY);
    if (r < maturity * 0.95) {
      status = 'done';
      proof = {
        kind: 'link',
        url: `https://ci.example.com/${name}/${task.id}`,
        summary: 'Verified in CI',
        source: 'ci',
        recordedAt: recordedAt.toISOString(),
        recordedBy: 'service:external:ci-pipeline',
        trust: 'verified',
        expiresAt: new Date(
          recordedAt.getTime() + (task.maxAgeDays ?? 90) * DAY,
        ).toISOString(),
      };
    } else if (r < maturity * 0.95 + 0.03) {
      status = 'done';
      proof = {
        kind: 'attestation',
        summary: 'Team says this is done',
        source: 'manual',
        recordedAt: recordedAt.toISOString(),
        recordedBy: `user:default/${groupName(ownerOf(i, shape))}-lead`,
        trust: 'claimed',
      };
    } else if (r < maturity * 0.95 + 0.1) status = 'in_progress';
    else if (r < maturity * 0.95 + 0.12) status = 'blocked';
    else if (r < maturity * 0.95 + 0.15) status = 'not_applicable';
    if (!status) continue;
    tasks.push({
      taskId: task.id,
      status,
      updatedAt: recordedAt.toISOString(),
    });
    if (proof) evidence.push({ taskId: task.id, evidence: proof });
    states[task.id] = {
      taskId: task.id,
      status,
      checklist: {},
      evidence: proof ? [{ ...proof, id: `${i}-${task.id}` }] : [],
      version: 1,
    };
  }
  const score = scorePlan(template, states, now);
  const dimensions = Object.fromEntries(
    score.dimensions.map(d => [d.id, d.score]),
  );
  const start = Math.max(0, score.overall - 10 - rnd() * 25);
  const history: BulkPlan['history'] = [];
  for (let d = shape.historyDays - 1; d >= 0; d--) {
    const progress = 1 - d / shape.historyDays;
    const overall =
      Math.round((start + (score.overall - start) * progress) * 10) / 10;
    history.push({
      overall,
      status: d === 0 ? score.status : pastStatus(overall),
      blockers: d === 0 ? score.blockers.length : score.blockers.length + 1,
      dimensions,
      reason: 'daily',
      recordedAt: new Date(now.getTime() - d * DAY).toISOString(),
    });
  }
  return {
    plan: {
      entityRef: `component:default/${name}`,
      templateId: template.id,
      templateVersion: template.version,
      owner: `group:default/${groupName(ownerOf(i, shape))}`,
      system: `system:default/${systemName(systemOf(i, shape))}`,
      domain: `domain:default/${domainName(
        systemOf(i, shape) % shape.domains,
      )}`,
      lifecycle: i % 10 === 0 ? 'experimental' : 'production',
      tier: String((i % 4) + 1),
      templateSnapshot: template,
      entitySnapshot: componentEntity(i, shape),
    },
    tasks,
    evidence,
    score,
    history,
  };
}
