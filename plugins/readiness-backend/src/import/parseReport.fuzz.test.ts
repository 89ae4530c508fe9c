import fc from 'fast-check';
import { TASK_STATUSES } from '@prodready/plugin-readiness-common';
import { PARSE_LIMITS, ParsedReport, parseReport } from './parseReport';

jest.setTimeout(120_000);

/** Lines in the shapes reports use, broken ones included, plus arbitrary text. */
const line = fc.oneof(
  fc.constantFrom(
    '# Readiness report',
    '## Phase 1: Monitoring',
    '### Phase 2 — Security 🔒',
    '## 3. Build',
    '### Task 2.1: Secrets in vault ⏳',
    '### 1.1 Error tracking ✅',
    '- [x] 1.1: Add Sentry (COMPLETE)',
    '- [ ] 3.2 Restore drill',
    '  - ✅ installed',
    '    - ❌ not configured',
    '1. ✅ Install',
    '| Task | Status |',
    '|---|---|',
    '| 1.1 Backups | ❌ Blocked |',
    '| Dimension | Score |',
    '| Security | 88/100 |',
    '**Status:** BLOCKED — build fails',
    '**Readiness score:** 64/100 (was 91/100)',
    '## Critical Blockers',
    '## Risks',
    '- **Risk:** x → y',
    '## Lessons learned',
    '**Tasks:**',
    '```',
    '> quoted',
    '‚úÖ',
    '',
  ),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const doc = fc.array(line, { maxLength: 80 }).map(lines => lines.join('\n'));

function checkProperties(text: string, report: ParsedReport) {
  const lineCount = text.split(/\r\n?|\n/).length;
  const tasks = report.phases.flatMap(p => p.tasks);
  expect(tasks.length).toBeLessThanOrEqual(
    Math.min(lineCount, PARSE_LIMITS.tasks),
  );
  for (const p of report.phases) {
    expect(p.title.length).toBeGreaterThan(0);
    expect(p.tasks.length).toBeGreaterThan(0);
  }
  let checklistItems = 0;
  for (const t of tasks) {
    expect(t.title.trim().length).toBeGreaterThan(0);
    expect(t.title.length).toBeLessThanOrEqual(PARSE_LIMITS.text);
    expect(TASK_STATUSES).toContain(t.status);
    expect(t.line).toBeGreaterThanOrEqual(1);
    expect(t.line).toBeLessThanOrEqual(lineCount);
    expect(t.id).toBe(`L${t.line}`);
    expect(t.checklist.length).toBeLessThanOrEqual(PARSE_LIMITS.checklist);
    checklistItems += t.checklist.length;
  }
  // Every task and checklist item stands on a line of its own.
  expect(new Set(tasks.map(t => t.id)).size).toBe(tasks.length);
  expect(checklistItems).toBeLessThanOrEqual(lineCount);
  expect(report.blockers.length).toBeLessThanOrEqual(2 * lineCount);
  expect(report.unread.length).toBeLessThanOrEqual(PARSE_LIMITS.unread);
  for (const s of report.scores) {
    expect(s.value).toBeGreaterThanOrEqual(0);
    expect(s.value).toBeLessThanOrEqual(100);
  }
  if (report.claimedScore !== undefined)
    expect(
      report.scores.filter(s => s.kind === 'current').map(s => s.value),
    ).toContain(report.claimedScore);
}

describe('parseReport on generated reports', () => {
  let runs = 0;
  beforeEach(() => {
    runs = 0;
  });

  it('keeps its properties on small reports of any shape', () => {
    fc.assert(
      fc.property(doc, text => {
        checkProperties(text, parseReport(text));
        runs++;
      }),
      {
        numRuns: 400,
        seed: Number(process.env.FC_SEED ?? 20261127),
        endOnFailure: true,
      },
    );
    expect(runs).toBe(400);
  });

  it('keeps its properties on reports up to the 1 MB body limit', () => {
    fc.assert(
      fc.property(
        doc,
        fc.integer({ min: 10_000, max: 1_000_000 }),
        (chunk, size) => {
          const unit = `${chunk}\n- [x] 9.9 Filler task\n`;
          const text = unit
            .repeat(Math.ceil(size / unit.length))
            .slice(0, size);
          checkProperties(text, parseReport(text));
          runs++;
        },
      ),
      {
        numRuns: 4,
        seed: Number(process.env.FC_SEED ?? 20261127),
        endOnFailure: true,
      },
    );
    expect(runs).toBe(4);
  });
});
