import {
  BLOCKER_REASONS,
  STATUS_LABELS,
  STATUS_ORDER,
  blockerSuffix,
  taskStatusLabel,
} from './labels';

describe('labels', () => {
  it('words statuses, also those this UI does not know yet', () => {
    expect(STATUS_ORDER.map(s => STATUS_LABELS[s])).toEqual([
      'Ready',
      'At risk',
      'Not ready',
    ]);
    expect(taskStatusLabel('in_progress')).toBe('in progress');
    expect(taskStatusLabel('waiting_on_vendor')).toBe('waiting on vendor');
  });

  it('says why a blocker still blocks, and nothing for a plainly open task', () => {
    expect(blockerSuffix('expired')).toBe(' (proof expired)');
    expect(blockerSuffix('open')).toBe('');
    expect(BLOCKER_REASONS.attested).toMatch(/^marked done, but a P0/);
  });
});
