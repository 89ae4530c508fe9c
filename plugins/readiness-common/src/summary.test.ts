import { EntityReadinessResponse } from './api';
import {
  readinessCard,
  summarizeEntityReadiness,
  summaryFromCard,
} from './summary';
import { Evidence, TaskState } from './types';

const day = 86_400_000;
const now = Date.parse('2026-06-01T00:00:00Z');
const at = (days: number) => new Date(now + days * day).toISOString();

const evidence = (id: string, expiresInDays: number, extra = {}): Evidence =>
  ({
    id,
    kind: 'link',
    url: 'https://example.com',
    summary: `evidence ${id}`,
    source: 'manual',
    recordedAt: at(-1),
    recordedBy: 'user:default/alice',
    expiresAt: at(expiresInDays),
    trust: 'claimed',
    ...extra,
  } as Evidence);

const task = (taskId: string, items: Evidence[]): TaskState =>
  ({ taskId, status: 'done', evidence: items, version: 1 } as TaskState);

const data = {
  entityRef: 'component:default/a',
  plan: {
    templateId: 'default',
    templateVersion: 3,
    createdAt: at(-10),
    updatedAt: at(-1),
  },
  template: {
    phases: [
      {
        tasks: [
          { id: '1.1', verification: 'github-ci', description: 'long' },
          { id: '1.2', verification: 'manual', description: 'long' },
        ],
      },
    ],
  },
  tasks: [
    task('1.1', [
      evidence('late', 20),
      evidence('gone', -2),
      evidence('far', 90),
      evidence('auto', 1, { kind: 'check', recordedBy: 'check:github-ci' }),
    ]),
    task(
      '1.2',
      [1, 2, 3, 4].map(i => evidence(`n${i}`, i + 2)),
    ),
  ],
  runbooks: [
    {
      id: 'r1',
      type: 'dr',
      title: 'DR',
      url: 'https://runbooks.example.com/dr',
      source: 'catalog',
      reviewAgeDays: 3,
    },
  ],
  score: {
    overall: 40,
    uncapped: 70,
    capped: true,
    status: 'not_ready',
    dimensions: [],
    phases: [],
    blockers: [
      { taskId: '1.1', title: 'CI', phaseId: 'p', kind: 'open' },
      { taskId: '1.2', title: 'Review', phaseId: 'p', kind: 'open' },
    ],
    stage: { reached: 0, of: 1 },
    tasks: [{ taskId: '1.1' }],
    counts: { open: 2 },
    evaluatedAt: at(0),
  },
  whatIf: [
    { taskId: '1.1', title: 'CI', gain: 30 },
    { taskId: '1.3', title: 'Nothing', gain: 0 },
    { taskId: '1.2', title: 'Review', gain: 10 },
    { taskId: '1.4', title: 'Four', gain: 5 },
    { taskId: '1.5', title: 'Five', gain: 1 },
  ],
  checkRuns: [
    {
      taskId: '1.1',
      checkId: 'github-ci',
      checkTitle: 'CI green',
      outcome: 'failed',
      summary: 'red',
      ranAt: at(0),
    },
  ],
  dependencies: [
    { entityRef: 'component:default/b', overall: 20, status: 'not_ready' },
    { entityRef: 'component:default/c', overall: 95, status: 'ready' },
  ],
} as unknown as EntityReadinessResponse;

describe('summarizeEntityReadiness', () => {
  const summary = summarizeEntityReadiness(data, now);

  it('keeps the score without the per-task evaluations and counts', () => {
    expect(summary.score).toEqual({
      overall: 40,
      uncapped: 70,
      capped: true,
      status: 'not_ready',
      dimensions: [],
      phases: [],
      blockers: data.score.blockers,
      stage: { reached: 0, of: 1 },
      evaluatedAt: at(0),
    });
    expect(summary).not.toHaveProperty('template');
    expect(summary).not.toHaveProperty('tasks');
  });

  it('names what proves each blocker, with its last check run', () => {
    expect(summary.blockerProofs).toEqual([
      { taskId: '1.1', verification: 'github-ci', run: data.checkRuns![0] },
      { taskId: '1.2', verification: 'manual' },
    ]);
  });

  it('lists the three tasks worth most that gain anything', () => {
    expect(summary.next).toEqual([
      { taskId: '1.1', title: 'CI', gain: 30 },
      { taskId: '1.2', title: 'Review', gain: 10 },
      { taskId: '1.4', title: 'Four', gain: 5 },
    ]);
  });

  it("lists people's evidence expired or expiring within 30 days, soonest first, at most 5", () => {
    expect(summary.expiring.map(e => e.id)).toEqual([
      'gone',
      'n1',
      'n2',
      'n3',
      'n4',
    ]);
    expect(summary.expiring[0]).toEqual({
      id: 'gone',
      taskId: '1.1',
      summary: 'evidence gone',
      expiresAt: at(-2),
    });
  });

  it('keeps only the not-ready dependencies and the links the card shows', () => {
    expect(summary.notReadyDependencies).toEqual([data.dependencies![0]]);
    expect(summary.runbooks).toEqual([
      {
        id: 'r1',
        type: 'dr',
        title: 'DR',
        url: 'https://runbooks.example.com/dr',
      },
    ]);
    expect(summary).not.toHaveProperty('sentry');
    expect(summary).not.toHaveProperty('pending');
  });
});

describe('readinessCard', () => {
  const card = readinessCard(data);

  it('is stale from the first expiry after scoring, of evidence or an exemption', () => {
    // 'auto' expires a day after the score was evaluated; 'gone' had expired before it.
    expect(card.validUntil).toBe(at(1));
    const exempt = readinessCard({
      ...data,
      tasks: [
        {
          taskId: '1.2',
          status: 'todo',
          evidence: [evidence('later', 40)],
          exemption: { expiresAt: at(0.5) },
          version: 1,
        } as TaskState,
      ],
    });
    expect(exempt.validUntil).toBe(at(0.5));
    expect(readinessCard({ ...data, tasks: [] })).not.toHaveProperty(
      'validUntil',
    );
  });

  it('keeps the five soonest expiries whatever their date, so a later read can still window them', () => {
    expect(card.expiring.map(e => e.id)).toEqual([
      'gone',
      'n1',
      'n2',
      'n3',
      'n4',
    ]);
    // Forty days on, 'far' (day 90) is not yet within 30 days; the list is a prefix.
    expect(
      summaryFromCard(card, data, now + 40 * day).expiring.map(e => e.id),
    ).toEqual(['gone', 'n1', 'n2', 'n3', 'n4']);
    expect(summaryFromCard(card, data, now - 60 * day).expiring).toEqual([]);
  });

  it('dates the last restore drill from evidence, not from attestations or checks', () => {
    const template = {
      phases: [
        {
          tasks: [{ id: '1.1', verification: 'restore-drill-recent' }],
        },
      ],
    } as unknown as EntityReadinessResponse['template'];
    const drill = (id: string, days: number, extra = {}) =>
      evidence(id, 30, { recordedAt: at(days), ...extra });
    const tasks = [
      task('1.1', [
        drill('old', -20),
        drill('drill', -5),
        drill('said', -1, { kind: 'attestation' }),
        drill('auto', -1, { kind: 'check', recordedBy: 'check:backup' }),
      ]),
      task('1.2', [drill('other', 0)]),
    ];
    expect(readinessCard({ ...data, template, tasks }).lastDrillAt).toBe(
      at(-5),
    );
  });
});
