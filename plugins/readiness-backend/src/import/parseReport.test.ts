import fs from 'node:fs';
import path from 'node:path';
import { parseReport } from './parseReport';
import { mapReport } from './mapTasks';
import { defaultTemplate } from '../templates/defaultTemplate';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

const summary = (name: string) => {
  const report = parseReport(fixture(name));
  const { mapping, unmapped } = mapReport(report, defaultTemplate);
  return {
    report,
    mapping,
    unmapped,
    status: Object.fromEntries(mapping.map(m => [m.taskId, m.status])),
  };
};

describe('parseReport', () => {
  it('reads the dance studio report: phases, checkbox tasks, risks and blockers', () => {
    const { report, status } = summary('dance-studio-platform.md');
    expect(report.phases.map(p => p.title)).toEqual([
      'Monitoring & Visibility',
      'Security Hardening',
      'Operational Resilience',
      'Compliance & Legal Prep',
    ]);
    expect(report.phases[0]).toMatchObject({
      risk: 'low',
      estimateHours: 8,
      status: 'done',
    });
    expect(report.phases[4 - 1]).toMatchObject({
      risk: 'low',
      estimateHours: 24,
    });
    const monitoring = report.phases[0].tasks;
    expect(monitoring.map(t => [t.ref, t.status])).toEqual([
      ['1.1', 'done'],
      ['1.2', 'in_progress'],
      ['1.3', 'done'],
      ['1.4', 'done'],
    ]);
    expect(monitoring[0].title).toBe('Add Sentry Error Tracking');
    expect(monitoring[0].checklist).toContainEqual({
      text: 'Installed @sentry/nextjs',
      done: true,
    });
    expect(report.phases[2].tasks.map(t => [t.ref, t.status])).toEqual([
      ['3.1', 'todo'],
      ['3.2', 'todo'],
      ['3.3', 'todo'],
    ]);
    expect(report.blockers).toContainEqual(
      expect.objectContaining({
        open: true,
        text: expect.stringContaining('No Backup Testing'),
      }),
    );
    expect(report.blockers).toContainEqual(
      expect.objectContaining({
        open: false,
        text: expect.stringContaining('WebSocket Auth Bypass'),
      }),
    );
    // Mapped onto the default template
    expect(status).toEqual({
      '1.1': 'done',
      '1.2': 'in_progress',
      '1.3': 'done',
      '1.4': 'done',
      '2.1': 'done', // replace xlsx (CVEs)
      '2.2': 'done', // WebSocket authentication
      '3.1': 'todo',
      '3.3': 'todo', // DR runbook
      '3.4': 'todo', // rate limiting
      '4.1': 'todo',
      '4.2': 'todo', // parental consent
    });
  });

  it('repairs the broken encoding of the matching app report and reads "Task N.N" headings', () => {
    const { report, status, unmapped } = summary('matching-app.md');
    expect(report.repairedLines).toBeGreaterThan(5);
    expect(report.warnings[0]).toMatch(/Repaired broken character encoding/);
    const tasks = report.phases.flatMap(p => p.tasks);
    expect(tasks.map(t => [t.ref, t.status])).toEqual(
      expect.arrayContaining([
        ['1.1', 'done'],
        ['1.2', 'done'],
        ['2.1', 'in_progress'],
        // the explicit "**Status**: Not started" line wins over the heading's ⏳
        ['2.2', 'todo'],
        ['3.1', 'done'],
        ['3.2', 'todo'],
      ]),
    );
    expect(tasks.find(t => t.ref === '1.2')!.title).toBe(
      'Production Monitoring Integration',
    );
    expect(status['2.4']).toBe('done'); // secure test endpoints
    expect(status['3.4']).toBe('todo'); // distributed rate limiting, not started
    expect(status['1.3']).toBe('todo'); // performance monitoring enhancement
    expect(unmapped.map(t => t.title)).toEqual([
      'Gender Imbalance Visibility',
      'Wait Time Expectations',
    ]);
  });

  it('reads the numerology report: numbered headings, scores, dimension table, P0 ids', () => {
    const { report, status } = summary('numerology-app.md');
    const tasks = report.phases.flatMap(p => p.tasks);
    expect(
      tasks.find(t => /CI\/CD Security Scanning/.test(t.title)),
    ).toMatchObject({ status: 'done' });
    // "**Status:** PENDING BLUEPRINT"
    expect(
      tasks.find(t => /Integration Test Suite/.test(t.title)),
    ).toMatchObject({ status: 'todo', p0: true });
    expect(
      tasks.find(t => /Backend Error Logging/.test(t.title)),
    ).toMatchObject({ status: 'in_progress', p0: true });
    expect(report.scores).toContainEqual(
      expect.objectContaining({ value: 90, kind: 'target' }),
    );
    expect(report.scores.filter(s => s.kind === 'current').pop()).toMatchObject(
      { value: 82 },
    );
    expect(report.dimensionScores).toContainEqual({
      dimension: 'Security',
      values: [88, 92],
    });
    expect(report.risks.length).toBeGreaterThanOrEqual(5);
    expect(status).toMatchObject({
      '2.1': 'done', // CI/CD security scanning
      '5.1': 'done', // ESLint fix unblocking builds
      '5.4': 'done', // staging parity checklist
      '1.4': 'in_progress', // backend error logging: listed done-ish and pending
    });
  });

  it('reads a table-based report with CRLF line endings and text statuses', () => {
    const { report, status, unmapped } = summary('custom-table-report.md');
    const tasks = report.phases.flatMap(p => p.tasks);
    expect(tasks.map(t => [t.title, t.status])).toEqual([
      ['Error tracking in Sentry', 'done'],
      ['Uptime checks on /healthz', 'in_progress'],
      ['Dependency vulnerability audit clean', 'blocked'],
      ['Restore drill from backup', 'todo'],
      ['Load test 2x peak', 'not_applicable'],
      ['Launch party', 'done'],
    ]);
    expect(report.scores.map(s => s.value)).toEqual([64]);
    expect(report.blockers).toEqual([
      { text: 'CVE-2026-1234 in xml parser', open: true },
      { text: 'Missing on-call rotation', open: false },
    ]);
    expect(status).toMatchObject({
      '1.1': 'done',
      '1.2': 'in_progress',
      '2.1': 'blocked',
      '3.2': 'todo',
      '5.2': 'not_applicable',
    });
    expect(report.title).toBe('Ops readiness — billing-gateway');
    expect(unmapped.map(t => t.title)).toEqual(['Launch party']);
  });

  it.each([
    ['empty', ''],
    ['binary noise', '\u0000\u0001\u0002\uFFFD\uFFFD garbage'],
    ['prose only', 'We are mostly ready, I think.\nMaybe next week.'],
    ['unterminated code block', '```\n- [x] 1.1 not a task'],
    ['huge line', `# ${'x'.repeat(200_000)}`],
  ])('never throws on %s and explains with a warning', (_name, input) => {
    const report = parseReport(input);
    expect(report.phases).toEqual([]);
    expect(report.warnings.join(' ')).toMatch(/No tasks found/);
  });
});

describe('parseReport on the worst cases of its expressions', () => {
  // Each of these backtracked super-linearly in the old expressions (the first one froze the
  // backend for 67 s at 8 000 spaces). Linear now: they finish long before Jest's timeout.
  it('reads a phase whose risk line is padded with thousands of spaces', () => {
    const report = parseReport(
      `## Phase 1: Monitoring\n\nrisk${' '.repeat(
        20_000,
      )}x\n\n- [x] 1.1 Error tracking\n`,
    );
    expect(report.phases.map(p => p.title)).toEqual(['Monitoring']);
    expect(report.phases[0].risk).toBeUndefined();
    expect(report.phases[0].tasks.map(t => t.title)).toEqual([
      'Error tracking',
    ]);
  });

  it('still reads a risk and an estimate a few characters after their label', () => {
    const report = parseReport(
      '## Phase 1: Monitoring\n\n**Risk:** 🟡 **medium** · **Estimate:** ~ 12 hours\n\n- [ ] 1.1 Error tracking\n',
    );
    expect(report.phases[0]).toMatchObject({
      risk: 'medium',
      estimateHours: 12,
    });
  });

  it('reads long estimate lines and long numeric table cells without blowing up', () => {
    const report = parseReport(
      [
        '## Phase 1: Monitoring',
        '',
        `${'estimate '.repeat(20_000)}`,
        '',
        '| Area | Score |',
        '| --- | --- |',
        `| Security | ${'1'.repeat(50_000)} |`,
        `| Ops | ${'7 '.repeat(20_000)}/ 100 |`,
        '',
        '- [x] 1.1 Error tracking',
      ].join('\n'),
    );
    expect(report.phases[0].estimateHours).toBeUndefined();
    expect(report.phases[0].tasks).toHaveLength(1);
    for (const s of report.scores) expect(s.value).toBeLessThanOrEqual(100);
  });
});
