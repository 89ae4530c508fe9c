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
      line: expect.any(Number),
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
    // performance monitoring enhancement: "Basic tracking in place, enhancements pending"
    expect(status['1.3']).toBe('in_progress');
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
      { text: 'CVE-2026-1234 in xml parser', open: true, line: 16 },
      { text: 'Missing on-call rotation', open: false, line: 17 },
      {
        text: 'Dependency vulnerability audit clean — blocked',
        open: true,
        line: 9,
      },
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

/** [ref or title, checklist items, of which done] for every task, in report order. */
const checklists = (name: string) =>
  parseReport(fixture(name)).phases.flatMap(p =>
    p.tasks.map(t => [
      t.ref ?? t.title,
      t.checklist.length,
      t.checklist.filter(c => c.done).length,
    ]),
  );

describe('parseReport reads what the reports say (counted by hand)', () => {
  it('dance studio: nested ✅/⏸️ bullets are checklists; success criteria and commits are not', () => {
    expect(checklists('dance-studio-platform.md')).toEqual([
      ['1.1', 6, 5],
      ['1.2', 4, 2],
      ['1.3', 5, 5],
      ['1.4', 4, 4],
      ['2.1', 7, 6],
      ['2.2', 6, 5],
      ['3.1', 0, 0],
      ['3.2', 0, 0],
      ['3.3', 0, 0],
      ['4.1', 0, 0],
      ['4.2', 0, 0],
    ]);
    const report = parseReport(fixture('dance-studio-platform.md'));
    expect(report.phases[2].tasks[0].title).toBe(
      'Backup Verification and Testing',
    );
    // The "Critical Blockers" section (2 open, 3 resolved) and the closing "Blocking:" line.
    expect(report.blockers.map(b => [b.text.split(' - ')[0], b.open])).toEqual([
      ['Multi-Tenant Missing', true],
      ['WebSocket Auth Bypass', false],
      ['No Backup Testing', true],
      ['xlsx Vulnerability', false],
      ['No Error Tracking', false],
      ['Phase 5 requires user supervision', true],
    ]);
    // "~70% ← CURRENT" among "Before: ~60%" and the projections after each phase.
    expect(report.claimedScore).toBe(70);
    expect(report.date).toBe('2025-10-20'); // "**Date**: October 20, 2025"
    expect(report.scores.filter(s => s.value === 75)[0].kind).toBe('other');
  });

  it('matching app: checkbox lines are the checklist, their plain sub-bullets are details', () => {
    expect(checklists('matching-app.md')).toEqual([
      ['1.1', 4, 4],
      ['1.2', 5, 5],
      ['2.1', 3, 1],
      ['2.2', 3, 0],
      ['3.1', 3, 2],
      ['3.2', 3, 0],
      ['3.3', 5, 3],
      ['4.1', 4, 1],
      ['4.2', 4, 1],
    ]);
    const report = parseReport(fixture('matching-app.md'));
    // Nine tasks, as the report's own summary table says; the deployment checklist is not work.
    expect(report.phases.flatMap(p => p.tasks)).toHaveLength(9);
    expect(report.unread).toContainEqual(
      expect.objectContaining({ text: 'Set all environment variables' }),
    );
    expect(report.blockers).toEqual([]);
    expect(report.claimedScore).toBe(60);
    // The progress table counts tasks; it holds no scores.
    expect(report.dimensionScores).toEqual([]);
    // "Basic version complete, enhancements pending" is work in progress.
    expect(
      report.phases[3].tasks.map(t => [t.ref, t.status, t.statusSource]),
    ).toEqual([
      ['4.1', 'in_progress', 'text'],
      ['4.2', 'in_progress', 'text'],
    ]);
  });

  it('numerology: sections name the groups, labelled work lists are checklists, P0s are blockers until done', () => {
    const report = parseReport(fixture('numerology-app.md'));
    expect(report.phases.map(p => [p.title, p.tasks.length])).toEqual([
      ['Completed Tasks (Implementer)', 6],
      ['In Progress (Waiting for Architect Deliverables)', 2],
      ['Pending (Architect Assignments)', 4],
    ]);
    expect(checklists('numerology-app.md')).toEqual([
      ['1', 0, 0], // Files / Results: details
      ['2', 0, 0],
      ['3', 0, 0],
      ['4', 0, 0],
      ['5', 3, 0], // Next Steps
      ['6', 0, 0],
      ['7', 5, 0], // Scope
      ['6', 4, 0],
      ['Master Blueprint Document', 8, 0], // Required Sections
      ['Database Operations Runbook', 5, 0], // Required Content
      ['Incident Response Playbook', 5, 0],
      ['Error Logs Database Schema', 0, 0], // its schema is a code block
    ]);
    expect(report.blockers.map(b => [b.text, b.open])).toEqual([
      // "Must Achieve (P0 - Week 1-2)"
      ['Test coverage ≥ 60% for critical paths', true],
      ['Web Vitals monitoring operational', false],
      ['Security scanning in CI pipeline', false],
      ['Backend error logging functional', true],
      ['Database backup procedures documented', true],
      [
        'Awaiting Staging Environment — Blocked - requires staging URL from Architect',
        true,
      ],
      [
        '5 Backend Error Logging Infrastructure (P0-004) — P0, in progress',
        true,
      ],
      ['7 Integration Test Suite Foundation (P0-001) — P0, todo', true],
    ]);
    // "78/100 → 82/100 → Target: 90+/100": 78 was, 82 is, 90 is the goal.
    expect(
      report.scores.filter(s => s.line === 4).map(s => [s.value, s.kind]),
    ).toEqual([
      [78, 'previous'],
      [82, 'current'],
      [90, 'target'],
    ]);
    expect(report.claimedScore).toBe(82);
    expect(report.date).toBe('2025-10-27'); // "**Generated:** 2025-10-27"
    expect(report.risks).toHaveLength(8);
    expect(report.risks[0]).toEqual({
      risk: 'Performance blindness',
      mitigation: 'Web Vitals monitoring active',
      status: 'mitigated',
      line: expect.any(Number),
    });
    expect(report.risks[3]).toEqual({
      risk: 'Low test coverage (55%)',
      impact: 'Blocks production confidence',
      status: 'open',
      line: expect.any(Number),
    });
  });

  it('a table-only report: phases from a column, P0s from priorities, an Overall row as the claim, a risk table', () => {
    const report = parseReport(fixture('table-only-report.md'));
    expect(report.title).toBe('checkout-api — production readiness');
    expect(
      report.phases.map(p => [
        p.title,
        p.tasks.map(t => [t.ref, t.status, t.p0]),
      ]),
    ).toEqual([
      [
        'Monitoring',
        [
          ['1.1', 'done', false],
          ['1.2', 'in_progress', false],
          ['1.3', 'todo', true],
        ],
      ],
      [
        'Security',
        [
          ['2.1', 'blocked', true],
          ['2.2', 'done', true],
        ],
      ],
      [
        'Resilience',
        [
          ['3.1', 'todo', true],
          ['3.2', 'done', false],
        ],
      ],
      ['Compliance', [['4.1', 'not_applicable', false]]],
      ['Scale', [['5.1', 'blocked', true]]],
    ]);
    expect(report.claimedScore).toBe(71);
    expect(report.dimensionScores).toEqual([
      { dimension: 'Security', values: [60] },
      { dimension: 'Reliability', values: [75] },
    ]);
    expect(report.blockers.map(b => b.text)).toEqual([
      '1.3 Alerting routed to PagerDuty — P0, todo',
      '2.1 Dependency vulnerability scan clean — blocked',
      '3.1 Backups verified by a restore drill — P0, todo',
      '5.1 Production build and tests pass in CI — blocked',
    ]);
    expect(report.risks).toEqual([
      {
        risk: 'Single database instance',
        mitigation: 'Add a read replica in Q3',
        status: 'Open',
        line: 23,
      },
      {
        risk: 'Payment provider outage',
        mitigation: 'Circuit breaker and retry queue',
        status: 'Mitigated',
        line: 24,
      },
    ]);
    const { status } = summary('table-only-report.md');
    // Template v3 split 3.1: "backups verified by a restore drill" is the restore-drill task.
    expect(status).toMatchObject({ '5.1': 'blocked', '3.2': 'todo' });
  });

  it('a report that revises its score down and is blocked by its build', () => {
    const report = parseReport(fixture('revised-report.md'));
    // The latest stated score, not the 91 it used to claim.
    expect(report.claimedScore).toBe(64);
    // The header's 91 is what it used to say; the history table dates each claim.
    expect(
      report.scores.filter(s => s.line === 5).map(s => [s.value, s.kind]),
    ).toEqual([
      [64, 'current'],
      [91, 'previous'],
    ]);
    expect(report.phases.map(p => p.title)).toEqual([
      'Observability',
      'Security',
      'Build and release',
    ]);
    expect(checklists('revised-report.md')).toEqual([
      ['1.1', 3, 2],
      ['1.2', 2, 1],
      ['2.1', 1, 1],
      ['2.2', 0, 0],
      ['3.1', 3, 1],
      ['3.2', 0, 0],
    ]);
    const tasks = report.phases.flatMap(p => p.tasks);
    expect(tasks.map(t => [t.title, t.status])).toEqual([
      ['Error tracking', 'done'],
      ['Uptime checks', 'in_progress'],
      ['Dependency vulnerability audit', 'done'],
      ['Authentication on all endpoints', 'blocked'],
      ['Production build and tests pass in CI', 'blocked'],
      ['Rollback procedure', 'todo'],
    ]);
    expect(tasks.find(t => t.ref === '3.1')).toMatchObject({ p0: true });
    // Lessons learned are not tasks.
    expect(tasks.map(t => t.title).join(' ')).not.toMatch(/publish a score/);
    expect(report.blockers.map(b => [b.text, b.open])).toEqual([
      [
        'BLOCKED — the production build fails since the TypeScript upgrade',
        true,
      ],
      ['pnpm build fails with 37 type errors in src/ledger', true],
      ['Integration tests cannot run without a build', true],
      ['Lint passes again (fixed 2026-02-28)', false],
      ['2.2 Authentication on all endpoints — blocked', true],
      ['3.1 Production build and tests pass in CI — blocked', true],
    ]);
    expect(report.risks).toEqual([
      {
        risk: 'Ledger totals drift after a partial restore',
        mitigation: 'nightly reconciliation job',
        status: 'open',
        line: 60,
      },
      {
        risk: 'Only one engineer on call',
        mitigation: 'second rotation from April',
        status: 'accepted',
        line: 63,
      },
    ]);
  });

  it('does not take a heading about what is missing for 100 % as the claim', () => {
    const report = parseReport(
      [
        '# payments readiness',
        '',
        '**Score:** 72/100',
        '',
        "## What's missing for 100/100",
        '',
        '## Path to 100% readiness',
        '',
        '## Phase 1: Monitoring',
        '- [x] 1.1 Error tracking',
      ].join('\n'),
    );
    expect(report.claimedScore).toBe(72);
  });

  it('groups "Risk / Mitigation / Status" lines into one risk each', () => {
    const report = parseReport(
      [
        '## Risks',
        '',
        '- **Risk:** Database failover untested',
        '- **Mitigation:** quarterly failover drill',
        '- **Status:** open',
        '- **Risk:** Vendor lock-in',
        '- **Mitigation:** none planned',
        '',
        '**Risk:** Noisy alerts  ',
        '**Mitigation:** alert review each sprint  ',
        '**Status:** in progress',
      ].join('\n'),
    );
    expect(report.risks.map(({ line: _line, ...r }) => r)).toEqual([
      {
        risk: 'Database failover untested',
        mitigation: 'quarterly failover drill',
        status: 'open',
      },
      { risk: 'Vendor lock-in', mitigation: 'none planned' },
      {
        risk: 'Noisy alerts',
        mitigation: 'alert review each sprint',
        status: 'in progress',
      },
    ]);
  });
});
