import { ReadinessTemplate, TaskState, Evidence } from '../types';
import { evaluateTask } from './evaluateTask';
import { scorePlan, scoreWithWhatIf, whatIf } from './scoring';
import { evidenceExpiry } from './trust';

const now = new Date('2026-06-01T00:00:00Z');
const daysFromNow = (d: number) =>
  new Date(now.getTime() + d * 86_400_000).toISOString();

const template: ReadinessTemplate = {
  id: 't',
  version: 1,
  title: 'Test',
  readyThreshold: 90,
  atRiskThreshold: 60,
  blockerCap: 59,
  dimensions: [
    { id: 'ops', title: 'Operations', weight: 3 },
    { id: 'sec', title: 'Security', weight: 1 },
  ],
  phases: [
    {
      id: 'p1',
      title: 'Phase 1',
      risk: 'low',
      tasks: [
        {
          id: '1.1',
          title: 'Build passes',
          dimension: 'ops',
          points: 10,
          severity: 'p0',
          checklist: [],
          verification: 'manual',
        },
        {
          id: '1.2',
          title: 'Alerts',
          dimension: 'ops',
          points: 30,
          severity: 'p1',
          checklist: [],
          verification: 'manual',
          maxAgeDays: 90,
        },
      ],
    },
    {
      id: 'p2',
      title: 'Phase 2',
      risk: 'high',
      tasks: [
        {
          id: '2.1',
          title: 'Pen test',
          dimension: 'sec',
          points: 20,
          severity: 'p1',
          checklist: [],
          verification: 'manual',
        },
        {
          id: '2.2',
          title: 'Secrets',
          dimension: 'sec',
          points: 20,
          severity: 'p2',
          checklist: [],
          verification: 'manual',
        },
      ],
    },
  ],
};

const proof = (overrides: Partial<Evidence> = {}): Evidence => ({
  id: 'e',
  kind: 'link',
  url: 'https://ci.example.com/1',
  summary: 'CI run',
  source: 'ci',
  trust: 'verified',
  recordedAt: daysFromNow(-1),
  recordedBy: 'user:default/a',
  ...overrides,
});

const state = (
  taskId: string,
  overrides: Partial<TaskState> = {},
): TaskState => ({
  taskId,
  status: 'done',
  checklist: {},
  evidence: [proof()],
  version: 1,
  ...overrides,
});

const task = template.phases[0].tasks[1];

/** An approved "not applicable" exemption. */
const notApplicable = {
  reason: 'does not apply',
  approvedBy: 'user:default/carol',
  requestedBy: 'user:default/alice',
  createdAt: daysFromNow(-1),
  expiresAt: daysFromNow(30),
  notApplicable: true,
};

describe('evaluateTask', () => {
  it('gives full points for done with valid evidence', () => {
    expect(evaluateTask(task, state('1.2'), now)).toMatchObject({
      kind: 'proven',
      earned: 30,
      possible: 30,
    });
  });

  it('gives half points for done on a bare attestation', () => {
    const s = state('1.2', {
      evidence: [proof({ kind: 'attestation', url: undefined })],
    });
    expect(evaluateTask(task, s, now)).toMatchObject({
      kind: 'attested',
      earned: 15,
    });
    expect(
      evaluateTask(task, state('1.2', { evidence: [] }), now),
    ).toMatchObject({ kind: 'attested', earned: 15 });
  });

  it('gives zero and "expired" when all proof has expired', () => {
    const s = state('1.2', {
      evidence: [proof({ expiresAt: daysFromNow(-1) })],
    });
    expect(evaluateTask(task, s, now)).toMatchObject({
      kind: 'expired',
      earned: 0,
      possible: 30,
    });
  });

  it('counts one valid proof among expired ones', () => {
    const s = state('1.2', {
      evidence: [
        proof({ expiresAt: daysFromNow(-1) }),
        proof({ expiresAt: daysFromNow(5) }),
      ],
    });
    expect(evaluateTask(task, s, now).kind).toBe('proven');
  });

  it('treats an unexpired exemption as full points and an expired one as nothing', () => {
    const exemption = {
      reason: 'legacy',
      approvedBy: 'user:default/boss',
      createdAt: daysFromNow(-10),
      expiresAt: daysFromNow(10),
    };
    expect(
      evaluateTask(
        task,
        state('1.2', { status: 'todo', evidence: [], exemption }),
        now,
      ),
    ).toMatchObject({ kind: 'exempt', earned: 30 });
    const expired = { ...exemption, expiresAt: daysFromNow(-1) };
    expect(
      evaluateTask(
        task,
        state('1.2', { status: 'todo', evidence: [], exemption: expired }),
        now,
      ),
    ).toMatchObject({ kind: 'open', earned: 0 });
  });

  it('removes tasks from the denominator only on an approved not-applicable exemption', () => {
    expect(
      evaluateTask(task, state('1.2', { status: 'not_applicable' }), now),
    ).toMatchObject({ kind: 'open', earned: 0, possible: 30 });
    const exemption = {
      reason: 'no personal data',
      approvedBy: 'user:default/carol',
      requestedBy: 'user:default/alice',
      createdAt: daysFromNow(-1),
      expiresAt: daysFromNow(30),
      notApplicable: true,
    };
    expect(
      evaluateTask(task, state('1.2', { status: 'todo', exemption }), now),
    ).toMatchObject({ kind: 'not_applicable', earned: 0, possible: 0 });
  });

  it("counts a person's unreviewed evidence as a claim, whatever its kind or source", () => {
    for (const kind of ['link', 'commit', 'document', 'check'] as const) {
      const s = state('1.2', {
        evidence: [
          proof({ kind, trust: 'claimed', review: { state: 'pending' } }),
        ],
      });
      expect(evaluateTask(task, s, now)).toMatchObject({
        kind: 'attested',
        earned: 15,
      });
    }
    const reviewed = state('1.2', {
      evidence: [proof({ source: 'manual', trust: 'reviewed' })],
    });
    expect(evaluateTask(task, reviewed, now)).toMatchObject({
      kind: 'proven',
      earned: 30,
    });
  });

  it('keeps a P0 a blocker until it is proven, whatever its status says', () => {
    const p0 = template.phases[0].tasks[0];
    const claimed = evaluateTask(
      p0,
      state('1.1', { evidence: [proof({ trust: 'claimed' })] }),
      now,
    );
    expect(claimed).toMatchObject({ kind: 'attested', blocker: true });
    expect(evaluateTask(p0, state('1.1', { evidence: [] }), now).blocker).toBe(
      true,
    );
    expect(evaluateTask(p0, state('1.1'), now).blocker).toBe(false);
  });

  it('lets a machine\'s later "no" outweigh an earlier "yes": a red CI run voids the pipeline\'s older report', () => {
    const p0 = template.phases[0].tasks[0];
    const failedCheck = proof({
      id: 'c',
      kind: 'check',
      url: 'https://github.example.com/acme/pay/actions/runs/42',
      summary: 'Failed: CI #42 on main ended failure',
      recordedBy: 'check:github-ci',
      recordedAt: daysFromNow(-0.5),
      expiresAt: daysFromNow(-0.5),
    });
    const voided = evaluateTask(
      p0,
      state('1.1', {
        evidence: [proof({ recordedBy: 'service:ci' }), failedCheck],
      }),
      now,
    );
    expect(voided).toMatchObject({
      kind: 'expired',
      earned: 0,
      blocker: true,
      refuted: true,
    });
    // A check that only reads what the team declared (a runbook link) refutes nothing.
    expect(
      evaluateTask(
        p0,
        state('1.1', {
          evidence: [
            proof({ recordedBy: 'service:ci' }),
            {
              ...failedCheck,
              trust: 'claimed',
              recordedBy: 'check:runbook-dr',
            },
          ],
        }),
        now,
      ),
    ).toMatchObject({ kind: 'proven' });
    // A report after the failure counts again.
    expect(
      evaluateTask(
        p0,
        state('1.1', {
          evidence: [
            failedCheck,
            proof({ recordedBy: 'service:ci', recordedAt: daysFromNow(-0.1) }),
          ],
        }),
        now,
      ),
    ).toMatchObject({ kind: 'proven', blocker: false });
  });

  it('does not let the team\'s own word undo a machine\'s "no" or renew stale proof', () => {
    const failedCheck = proof({
      id: 'c',
      kind: 'check',
      summary: 'Failed: no restore drill in 90 days',
      recordedBy: 'check:restore-drill-recent',
      recordedAt: daysFromNow(-0.5),
      expiresAt: daysFromNow(-0.5),
    });
    const claimAfter = proof({
      id: 'a',
      kind: 'attestation',
      url: undefined,
      trust: 'claimed',
      recordedBy: 'user:default/guest',
      recordedAt: daysFromNow(-0.1),
    });
    // A claim after a failed check: still refuted, worth nothing, until new proof.
    expect(
      evaluateTask(
        task,
        state('1.2', { evidence: [proof(), failedCheck, claimAfter] }),
        now,
      ),
    ).toMatchObject({ kind: 'expired', earned: 0, refuted: true });
    // A claim on top of expired proof does not renew it.
    expect(
      evaluateTask(
        task,
        state('1.2', {
          evidence: [
            proof({
              recordedAt: daysFromNow(-40),
              expiresAt: daysFromNow(-10),
            }),
            claimAfter,
          ],
        }),
        now,
      ),
    ).toMatchObject({ kind: 'expired', earned: 0 });
    // Evidence a second person rejected keeps nothing alive.
    expect(
      evaluateTask(
        task,
        state('1.2', {
          evidence: [
            proof({ trust: 'claimed', expiresAt: daysFromNow(-1) }),
            proof({
              id: 'r',
              trust: 'claimed',
              recordedAt: daysFromNow(-0.2),
              review: {
                state: 'rejected',
                reviewedBy: 'user:default/carol',
                reviewedAt: daysFromNow(-0.1),
              },
            }),
          ],
        }),
        now,
      ),
    ).toMatchObject({ kind: 'expired', earned: 0 });
  });

  it('never gives more points for less proof', () => {
    const proven = evaluateTask(task, state('1.2'), now).earned;
    const claimed = evaluateTask(
      task,
      state('1.2', { evidence: [proof({ trust: 'claimed' })] }),
      now,
    ).earned;
    const bare = evaluateTask(task, state('1.2', { evidence: [] }), now).earned;
    const staleClaim = evaluateTask(
      task,
      state('1.2', {
        evidence: [proof({ trust: 'claimed', expiresAt: daysFromNow(-1) })],
      }),
      now,
    ).earned;
    const staleProof = evaluateTask(
      task,
      state('1.2', { evidence: [proof({ expiresAt: daysFromNow(-1) })] }),
      now,
    ).earned;
    expect(proven).toBeGreaterThan(claimed);
    expect(claimed).toBeLessThanOrEqual(task.points / 2);
    expect(bare).toBeLessThanOrEqual(task.points / 2);
    // Stale evidence is worth nothing, a claim's no more than a proof's.
    expect(staleClaim).toBe(0);
    expect(staleProof).toBe(0);
  });

  it.each(['todo', 'in_progress', 'blocked'] as const)(
    'gives zero for %s even with evidence',
    status => {
      expect(evaluateTask(task, state('1.2', { status }), now)).toMatchObject({
        kind: 'open',
        earned: 0,
      });
    },
  );

  it('marks open, claimed and expired P0 tasks as blockers', () => {
    const p0 = template.phases[0].tasks[0];
    expect(evaluateTask(p0, undefined, now).blocker).toBe(true);
    expect(
      evaluateTask(
        p0,
        state('1.1', { evidence: [proof({ expiresAt: daysFromNow(-1) })] }),
        now,
      ).blocker,
    ).toBe(true);
    expect(evaluateTask(p0, state('1.1'), now).blocker).toBe(false);
  });
});

describe('scorePlan', () => {
  it('scores an empty plan as zero and not ready with the P0 blocker listed', () => {
    const s = scorePlan(template, {}, now);
    expect(s.overall).toBe(0);
    expect(s.status).toBe('not_ready');
    expect(s.blockers).toEqual([
      { taskId: '1.1', title: 'Build passes', phaseId: 'p1', kind: 'open' },
    ]);
  });

  it('computes dimension scores and a weighted overall', () => {
    const s = scorePlan(
      template,
      { '1.1': state('1.1'), '1.2': state('1.2'), '2.1': state('2.1') },
      now,
    );
    expect(s.dimensions).toEqual([
      {
        id: 'ops',
        title: 'Operations',
        weight: 3,
        earned: 40,
        possible: 40,
        score: 100,
      },
      {
        id: 'sec',
        title: 'Security',
        weight: 1,
        earned: 20,
        possible: 40,
        score: 50,
      },
    ]);
    // (3 * 100 + 1 * 50) / 4
    expect(s.overall).toBe(87.5);
    expect(s.status).toBe('at_risk');
    expect(s.phases).toEqual([
      {
        id: 'p1',
        title: 'Phase 1',
        satisfied: 2,
        applicable: 2,
        earned: 40,
        possible: 40,
      },
      {
        id: 'p2',
        title: 'Phase 2',
        satisfied: 1,
        applicable: 2,
        earned: 20,
        possible: 40,
      },
    ]);
  });

  it('makes a claimed 98 with an open P0 "production build passes" impossible', () => {
    const big: ReadinessTemplate = {
      ...template,
      dimensions: [{ id: 'ops', title: 'Ops', weight: 1 }],
      phases: [
        {
          id: 'p',
          title: 'P',
          risk: 'low',
          tasks: [
            {
              id: 'build',
              title: 'Production build passes',
              dimension: 'ops',
              points: 2,
              severity: 'p0',
              checklist: [],
              verification: 'manual',
            },
            {
              id: 'rest',
              title: 'Everything else',
              dimension: 'ops',
              points: 98,
              severity: 'p1',
              checklist: [],
              verification: 'manual',
            },
          ],
        },
      ],
    };
    const s = scorePlan(big, { rest: state('rest') }, now);
    expect(s.uncapped).toBe(98);
    expect(s.overall).toBe(59);
    expect(s.capped).toBe(true);
    expect(s.status).toBe('not_ready');
    expect(s.blockers.map(b => b.title)).toEqual(['Production build passes']);

    const fixed = scorePlan(
      big,
      { rest: state('rest'), build: state('build') },
      now,
    );
    expect(fixed.overall).toBe(100);
    expect(fixed.status).toBe('ready');
  });

  it('is ready only at the threshold with no expired evidence', () => {
    const all = {
      '1.1': state('1.1'),
      '1.2': state('1.2'),
      '2.1': state('2.1'),
      '2.2': state('2.2'),
    };
    expect(scorePlan(template, all, now)).toMatchObject({
      overall: 100,
      status: 'ready',
    });
    const withExpiredNA = {
      ...all,
      '2.2': state('2.2', { exemption: notApplicable }),
      '1.2': state('1.2', {
        evidence: [proof({ expiresAt: daysFromNow(-1) })],
      }),
    };
    const s = scorePlan(template, withExpiredNA, now);
    expect(s.counts.expired).toBe(1);
    expect(s.status).toBe('not_ready'); // ops 10/40=25 → (3*25+1*100)/4 = 43.75
    expect(s.overall).toBe(43.8);
  });

  it('uses template thresholds', () => {
    const lenient = { ...template, readyThreshold: 80 };
    const s = scorePlan(
      lenient,
      { '1.1': state('1.1'), '1.2': state('1.2'), '2.1': state('2.1') },
      now,
    );
    expect(s.status).toBe('ready');
  });

  it('leaves a dimension with nothing applicable out of the overall', () => {
    const s = scorePlan(
      template,
      {
        '1.1': state('1.1'),
        '1.2': state('1.2'),
        '2.1': state('2.1', { exemption: notApplicable }),
        '2.2': state('2.2', { exemption: notApplicable }),
      },
      now,
    );
    expect(s.dimensions[1].score).toBeNull();
    expect(s.overall).toBe(100);
  });

  it('is pure: same input, same output', () => {
    const input = { '1.2': state('1.2') };
    expect(scorePlan(template, input, now)).toEqual(
      scorePlan(template, input, now),
    );
  });
});

describe('stage', () => {
  it('is the last phase, counted from the first, whose P0 and P1 tasks are all proven', () => {
    // Phase 1 holds P0 1.1 and P1 1.2; phase 2 holds P1 2.1 (and P2 2.2, which never counts).
    expect(scorePlan(template, {}, now).stage).toEqual({ reached: 0, of: 2 });
    const p1 = { '1.1': state('1.1'), '1.2': state('1.2') };
    expect(scorePlan(template, p1, now).stage).toEqual({
      reached: 1,
      of: 2,
      phaseId: 'p1',
      title: 'Phase 1',
    });
    // A claim is not proof: phase 2 stays unreached on a bare attestation.
    const claimed = {
      ...p1,
      '2.1': state('2.1', { evidence: [proof({ trust: 'claimed' })] }),
    };
    expect(scorePlan(template, claimed, now).stage.reached).toBe(1);
    expect(
      scorePlan(template, { ...p1, '2.1': state('2.1') }, now).stage,
    ).toMatchObject({ reached: 2, phaseId: 'p2' });
    // Stages are climbed in order: phase 2 proven without phase 1 is still stage 0.
    expect(
      scorePlan(template, { '2.1': state('2.1') }, now).stage.reached,
    ).toBe(0);
  });
});

describe('whatIf', () => {
  it('lists open tasks with the overall points each would add, lifting the cap', () => {
    const states = {
      '1.2': state('1.2'),
      '2.1': state('2.1'),
      '2.2': state('2.2', { evidence: [] }),
    };
    const current = scorePlan(template, states, now);
    expect(current.overall).toBe(59); // uncapped (3*75 + 1*75)/4 = 75 → capped
    const list = whatIf(template, states, now);
    expect(list.map(w => w.taskId)).toEqual(['1.1', '2.2']);
    // 1.1 lifts the cap: (3 * 100 + 1 * 75) / 4 = 93.75
    expect(list[0]).toMatchObject({ gain: 34.8, statusAfter: 'ready' });
    // 2.2 alone leaves the P0 open, so the cap holds
    expect(list[1]).toMatchObject({
      taskId: '2.2',
      gain: 0,
      statusAfter: 'not_ready',
    });
  });
});

describe('whatIf from one evaluation', () => {
  // Every mix of four task states over the four tasks: 256 plans.
  const kinds: Array<TaskState | undefined> = [
    undefined,
    state('x', {
      evidence: [proof({ trust: 'claimed', kind: 'attestation' })],
    }),
    state('x', { evidence: [proof({ expiresAt: daysFromNow(-3) })] }),
    state('x', { status: 'in_progress', evidence: [] }),
  ];
  const ids = template.phases.flatMap(p => p.tasks).map(t => t.id);
  const plans = Array.from({ length: 4 ** ids.length }, (_, n) =>
    Object.fromEntries(
      ids.flatMap((id, i) => {
        const s = kinds[Math.floor(n / 4 ** i) % 4];
        return s ? [[id, { ...s, taskId: id }]] : [];
      }),
    ),
  );

  it('gains what scoring the plan afresh with the task proven gains', () => {
    for (const states of plans) {
      const before = scorePlan(template, states, now);
      const expected = ids
        .filter(id => {
          const t = before.tasks.find(e => e.taskId === id)!;
          return t.kind !== 'not_applicable' && t.earned < t.possible;
        })
        .map(id => {
          const after = scorePlan(
            template,
            {
              ...states,
              [id]: state(id, {
                evidence: [
                  proof({ kind: 'check', recordedAt: now.toISOString() }),
                ],
              }),
            },
            now,
          );
          return {
            taskId: id,
            gain: Math.round((after.overall - before.overall) * 10) / 10,
            statusAfter: after.status,
          };
        });
      const both = scoreWithWhatIf(template, states, now);
      expect(both.score).toEqual(before);
      expect(
        both.whatIf.map(w => ({
          taskId: w.taskId,
          gain: w.gain,
          statusAfter: w.statusAfter,
        })),
      ).toEqual(expect.arrayContaining(expected));
      expect(both.whatIf).toHaveLength(expected.length);
      expect(whatIf(template, states, now)).toEqual(both.whatIf);
    }
  });
});

describe('evidenceExpiry', () => {
  it('derives expiry from maxAgeDays', () => {
    expect(evidenceExpiry({ maxAgeDays: 90 }, now)).toBe(
      '2026-08-30T00:00:00.000Z',
    );
    expect(evidenceExpiry({}, now)).toBeUndefined();
  });
});
