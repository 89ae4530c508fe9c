import type { Paragraph } from 'mdast';
import {
  DURATION,
  RISK,
  dateIn,
  statusFrom,
  stripMarkers,
} from './markdownText';
import { textOf } from './markdownTree';
import { ParsedPhase } from './parsedReport';
import { BLOCKER_LABEL, ReaderState, isNone } from './readerState';
import { readRiskLine } from './risks';

/** A paragraph: a label for what follows ("Tasks:"), or lines of text read one by one. */
export function readParagraph(s: ReaderState, node: Paragraph) {
  const lines = textOf(node).split('\n');
  const first = stripMarkers(lines[0]);
  if (lines.length === 1 && /^.{1,80}:$/.test(first)) {
    s.label = first.slice(0, -1).trim();
    return;
  }
  s.label = undefined;
  const line0 = s.lineOf(node);
  lines.forEach((raw, i) => readTextLine(s, raw, line0 + i));
}

/** One line of text: a score, the report's date, a risk, a phase's estimate, a blocker or a status. */
function readTextLine(s: ReaderState, raw: string, line: number) {
  s.scores(raw, line);
  s.reportDate ??= /\b(?:date|generated|updated|as of)\b/i.test(raw)
    ? dateIn(raw)
    : undefined;
  if (s.section === 'ignore') return;
  const clean = stripMarkers(raw);
  if (s.section === 'risks') {
    readRiskLine(s, clean, line);
    return;
  }
  if (s.phase && !s.task && (RISK.test(raw) || DURATION.test(raw))) {
    const risk = RISK.exec(raw);
    const duration = DURATION.exec(raw);
    if (risk) s.phase.risk = risk[1].toLowerCase() as ParsedPhase['risk'];
    if (duration) s.phase.estimateHours = Number(duration[1]);
    const st = statusFrom(raw.replace(RISK, ''));
    if (st && /status/i.test(raw)) s.phase.status = st.status;
    return;
  }
  const blockerLabel = BLOCKER_LABEL.exec(clean);
  if (blockerLabel) {
    if (!isNone(blockerLabel[1])) s.blocker(blockerLabel[1], true, line);
    return;
  }
  const status = /^status ?: ?(.+)$/i.exec(clean);
  const value = status ? raw.slice(raw.search(/:/) + 1) : undefined;
  if (status && value !== undefined) {
    const st = statusFrom(value);
    if (s.task && st) {
      s.task.status = st.status;
      s.task.statusSource = st.source;
    } else if (!s.task && s.phase && st && !s.phase.tasks.length) {
      s.phase.status = st.status;
    } else if (!s.task && st?.status === 'blocked') {
      const why = stripMarkers(value);
      s.blocker(
        s.heading && s.phase === undefined && s.sections.length
          ? `${s.heading} — ${why}`
          : why,
        true,
        line,
      );
    }
    return;
  }
  // A bare status sentence right under a task heading: "Not started."
  if (
    s.task &&
    s.taskFromHeading &&
    s.task.statusSource === 'default' &&
    clean.length <= 60
  ) {
    const st = statusFrom(clean);
    if (st) {
      s.task.status = st.status;
      s.task.statusSource = st.source;
    }
  }
}
