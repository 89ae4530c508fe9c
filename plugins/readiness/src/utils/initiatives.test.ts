import {
  deadlineText,
  describeGoal,
  describeSelection,
  percent,
  timeLeftText,
} from './initiatives';

const now = new Date('2027-03-20T15:00:00Z');

describe('initiative texts', () => {
  it('describes a goal in words', () => {
    expect(describeGoal({ tasks: ['3.2'], noOpenP0: true })).toBe(
      'tasks 3.2 proven · no open P0',
    );
    expect(
      describeGoal({ tasks: ['3.2', '5.1'], minScore: 80, minStage: 2 }),
    ).toBe(
      'tasks 3.2, 5.1 proven · score at least 80 · phase stage at least 2',
    );
  });

  it('describes a selection, or every service when it is empty', () => {
    expect(describeSelection({})).toBe('every scored service');
    expect(
      describeSelection({
        owners: ['group:default/payments-team', 'group:ops/sre'],
        tiers: ['1', '2'],
      }),
    ).toBe('owners payments-team, ops/sre · tiers 1, 2');
    expect(describeSelection({ owners: ['group:default/a'] })).toBe('owner a');
  });

  it('counts UTC days to the deadline, whose whole day still counts', () => {
    expect(deadlineText('2027-03-31', now)).toBe('11 days left');
    expect(deadlineText('2027-03-21', now)).toBe('1 day left');
    expect(deadlineText('2027-03-20', now)).toBe('due today');
    expect(deadlineText('2027-03-19', now)).toBe('overdue by 1 day');
    expect(deadlineText('2027-03-01', now)).toBe('overdue by 19 days');
    expect(
      timeLeftText({ startsAt: '2027-03-25', deadline: '2027-04-30' }, now),
    ).toBe('starts in 5 days');
    expect(
      timeLeftText({ startsAt: '2027-03-20', deadline: '2027-04-30' }, now),
    ).toBe('41 days left');
  });

  it('computes percentages', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBeUndefined();
  });
});
