import {
  EntityReadinessResponse,
  Evidence,
  ReadinessTemplate,
  TaskState,
  scorePlan,
  whatIf,
} from '@prodready/plugin-readiness-common';

export const template: ReadinessTemplate = {
  id: 'default',
  version: 1,
  title: 'Default',
  readyThreshold: 90,
  atRiskThreshold: 60,
  blockerCap: 59,
  dimensions: [
    { id: 'ops', title: 'Operations', weight: 1 },
    { id: 'sec', title: 'Security', weight: 1 },
  ],
  phases: [
    {
      id: 'p1',
      title: 'Monitoring & visibility',
      risk: 'low',
      tasks: [
        {
          id: '1.1',
          title: 'Alerts',
          dimension: 'ops',
          points: 50,
          severity: 'p1',
          checklist: [],
          verification: 'manual',
        },
        {
          id: '1.2',
          title: 'Production build passes',
          dimension: 'ops',
          points: 10,
          severity: 'p0',
          checklist: [],
          verification: 'manual',
        },
      ],
    },
    {
      id: 'p2',
      title: 'Security hardening',
      risk: 'medium',
      tasks: [
        {
          id: '2.1',
          title: 'Audit clean',
          dimension: 'sec',
          points: 40,
          severity: 'p1',
          checklist: [],
          verification: 'manual',
        },
      ],
    },
  ],
};

/** A task done with CI evidence from a bound service principal: verified proof. */
export const done = (taskId: string): TaskState => ({
  taskId,
  status: 'done',
  checklist: {},
  version: 1,
  evidence: [
    {
      id: 'e',
      kind: 'link',
      url: 'https://ci.example.com',
      summary: 'ok',
      source: 'ci',
      trust: 'verified',
      recordedAt: new Date().toISOString(),
      recordedBy: 'service:external:ci-payments',
    },
  ],
});

/** A task done on a person's word: their link evidence, unreviewed unless `review` says. */
export const claimed = (
  taskId: string,
  review: Evidence['review'] = { state: 'pending' },
  trust: Evidence['trust'] = 'claimed',
): TaskState => ({
  taskId,
  status: 'done',
  checklist: {},
  version: 2,
  evidence: [
    {
      id: `claim-${taskId}`,
      kind: 'link',
      url: 'https://grafana.example.com/d/payments',
      summary: 'Dashboard',
      source: 'manual',
      trust,
      review,
      recordedAt: new Date().toISOString(),
      recordedBy: 'user:default/alice',
    },
  ],
});

export function response(tasks: TaskState[]): EntityReadinessResponse {
  const states = Object.fromEntries(tasks.map(t => [t.taskId, t]));
  return {
    entityRef: 'component:default/payments',
    plan: {
      templateId: 'default',
      templateVersion: 1,
      createdAt: '',
      updatedAt: '',
    },
    template,
    tasks,
    runbooks: [
      {
        id: 'r1',
        type: 'dr',
        title: 'Disaster recovery',
        url: 'https://rb.example.com/dr',
        source: 'catalog',
        lastReviewedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
      },
    ],
    sentry: {
      project: 'payments-api',
      url: 'https://sentry.example.com/organizations/acme/projects/payments-api/',
    },
    backupPolicy: {
      id: 'daily-35d',
      title: 'Daily snapshots',
      rpoHours: 24,
      rtoHours: 4,
      retentionDays: 35,
      restoreDrillEveryDays: 90,
    },
    score: scorePlan(template, states),
    whatIf: whatIf(template, states),
  };
}
