import {
  initiativeGaps,
  initiativeMilestone,
  initiativeSchema,
  initiativeState,
} from './initiatives';

const base = {
  id: 'tier1-restore-drills',
  title: 'Every tier-1 service has a restore drill',
  owner: 'group:default/platform',
  selection: { tiers: ['1'] },
  goal: { tasks: ['3.2'] },
  startsAt: '2027-01-01',
  deadline: '2027-03-31',
};

describe('initiativeSchema', () => {
  it('accepts a full definition and defaults the selection', () => {
    const { selection, ...rest } = base;
    expect(initiativeSchema.parse(rest).selection).toEqual({});
    expect(initiativeSchema.parse(base).goal).toEqual({ tasks: ['3.2'] });
  });

  it('names the field that is wrong', () => {
    const cases: Array<[object, string]> = [
      [{ ...base, goal: {} }, 'goal'],
      [{ ...base, deadline: '2026-12-01' }, 'deadline'],
      [{ ...base, deadline: '31/03/2027' }, 'deadline'],
      [{ ...base, owner: 'platform' }, 'owner'],
      [{ ...base, id: 'Tier 1!' }, 'id'],
      [{ ...base, selection: { teams: ['x'] } }, 'selection'],
      [{ ...base, goal: { minStage: 0 } }, 'goal.minStage'],
    ];
    for (const [input, path] of cases) {
      const result = initiativeSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(
        result.success ? [] : result.error.issues.map(i => i.path.join('.')),
      ).toContain(path);
    }
  });
});

describe('initiativeGaps', () => {
  const facts = { overall: 72, stage: 2, blockers: 1, provenTasks: ['1.1'] };

  it('lists every part of the goal the service lacks', () => {
    expect(
      initiativeGaps(
        { tasks: ['1.1', '3.2'], minScore: 80, minStage: 3, noOpenP0: true },
        facts,
      ),
    ).toEqual([
      'task 3.2 not proven',
      'score 72 below 80',
      'phase stage 2 below 3',
      '1 open P0 blocker',
    ]);
  });

  it('is empty once the goal holds', () => {
    expect(
      initiativeGaps({ tasks: ['1.1'], minScore: 72, minStage: 2 }, facts),
    ).toEqual([]);
  });
});

describe('initiativeMilestone', () => {
  const at = (iso: string) => new Date(iso);
  it('is due 14 days and 7 days before the end of the deadline day, then overdue', () => {
    expect(initiativeMilestone('2027-03-31', at('2027-03-17T00:00:00Z'))).toBe(
      undefined,
    );
    expect(initiativeMilestone('2027-03-31', at('2027-03-18T00:00:00Z'))).toBe(
      '14d',
    );
    expect(initiativeMilestone('2027-03-31', at('2027-03-25T00:00:00Z'))).toBe(
      '7d',
    );
    expect(initiativeMilestone('2027-03-31', at('2027-03-31T23:59:00Z'))).toBe(
      '7d',
    );
    expect(initiativeMilestone('2027-03-31', at('2027-04-01T00:00:00Z'))).toBe(
      'overdue',
    );
  });
});

describe('initiativeState', () => {
  it('reads the dates and the progress', () => {
    const now = new Date('2027-02-01T00:00:00Z');
    expect(
      initiativeState(
        { startsAt: '2027-03-01', deadline: '2027-03-31' },
        { services: 2, met: 0 },
        now,
      ),
    ).toBe('upcoming');
    expect(initiativeState(base, { services: 2, met: 1 }, now)).toBe('active');
    expect(initiativeState(base, { services: 2, met: 2 }, now)).toBe('met');
    expect(
      initiativeState(
        base,
        { services: 2, met: 1 },
        new Date('2027-04-02T00:00:00Z'),
      ),
    ).toBe('overdue');
  });
});
