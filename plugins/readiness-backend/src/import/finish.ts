import { StatedScore } from './markdownText';
import { ParsedPhase, ParsedReport } from './parsedReport';
import { ReaderState } from './readerState';

/** Settles task statuses from checklists and phases, adds blocked and P0 tasks as blockers, drops empty phases and picks the headline score. */
export function finishReport(s: ReaderState): ParsedReport {
  const report = s.report;
  for (const p of report.phases) {
    for (const t of p.tasks) {
      // A task without its own marker follows its checklist, then its phase.
      if (t.statusSource === 'default') {
        if (t.checklist.length && t.checklist.every(c => c.done)) {
          t.status = 'done';
          t.statusSource = 'checklist';
        } else if (t.checklist.some(c => c.done)) {
          t.status = 'in_progress';
          t.statusSource = 'checklist';
        } else if (p.status === 'done') {
          t.status = 'done';
        }
      }
      if (t.status === 'blocked')
        s.blocker(
          `${t.ref ? `${t.ref} ` : ''}${t.title} — blocked`,
          true,
          t.line,
        );
      else if (t.p0 && t.status !== 'done' && t.status !== 'not_applicable')
        s.blocker(
          `${t.ref ? `${t.ref} ` : ''}${t.title} — P0, ${t.status.replace(
            '_',
            ' ',
          )}`,
          true,
          t.line,
        );
    }
  }
  report.phases = report.phases
    .filter(p => p.tasks.length > 0)
    .map(({ depth: _depth, ...p }: ParsedPhase & { depth?: number }) => p);
  report.claimedScore = headline(report.scores, s.reportDate);
  if (s.reportDate) report.date = s.reportDate;
  if (report.phases.length === 0) {
    report.warnings.push(
      'No tasks found: expected numbered headings, "Task N.N" headings, checkbox lists or a status table',
    );
  }
  return report;
}

/** The latest current claim: by its date (undated claims carry the report's), then position. */
function headline(scores: StatedScore[], reportDate?: string) {
  let best: { date: string; line: number; value: number } | undefined;
  for (const s of scores) {
    if (s.kind !== 'current') continue;
    const date = s.date ?? reportDate ?? '';
    if (
      !best ||
      date > best.date ||
      (date === best.date && s.line >= best.line)
    )
      best = { date, line: s.line, value: s.value };
  }
  return best?.value;
}
