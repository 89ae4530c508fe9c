import { TaskStatus } from '@internal/plugin-readiness-common';
import { repairMojibake } from './encoding';

/** A checklist line found under a task. */
export interface ParsedChecklistItem {
  text: string;
  done: boolean;
}

/** A task found in a report. */
export interface ParsedTask {
  ref?: string;
  title: string;
  status: TaskStatus;
  /** Where the status came from, for the preview. */
  statusSource: 'emoji' | 'text' | 'checkbox' | 'checklist' | 'default';
  p0: boolean;
  checklist: ParsedChecklistItem[];
  line: number;
}

/** A phase (or other top-level section holding tasks). */
export interface ParsedPhase {
  title: string;
  risk?: 'low' | 'medium' | 'high';
  estimateHours?: number;
  status?: TaskStatus;
  tasks: ParsedTask[];
}

/** Everything the parser understood, plus what it did not. */
export interface ParsedReport {
  title?: string;
  phases: ParsedPhase[];
  /** Scores found; `kind` tells a current claim from a target. */
  scores: Array<{
    text: string;
    value: number;
    kind: 'current' | 'target' | 'other';
  }>;
  dimensionScores: Array<{ dimension: string; values: number[] }>;
  blockers: Array<{ text: string; open: boolean }>;
  risks: string[];
  repairedLines: number;
  warnings: string[];
}

const EMOJI_STATUS: Array<[RegExp, TaskStatus]> = [
  [/✅|✔️?|☑️?|🟢\s*(?:done|complete)/u, 'done'],
  [/🔴|❌|⛔|🛑|🚫/u, 'blocked'],
  [/⏳|🔄|🚧|🟡|🏗️?/u, 'in_progress'],
  [/🔜|📋|⏸️?|⬜|🕐|💤/u, 'todo'],
];

const TEXT_STATUS: Array<[RegExp, TaskStatus]> = [
  [/\b(?:not applicable|n\/a|won'?t do|out of scope)\b/i, 'not_applicable'],
  [/\b(?:blocked|blocking|failing|failed|broken)\b/i, 'blocked'],
  [
    /\b(?:not started|to ?do|pending|planned|backlog|next up|queued)\b/i,
    'todo',
  ],
  [
    /\b(?:in progress|in-progress|wip|ongoing|partial(?:ly)?|started|documented|awaiting|waiting|needs user (?:input|action)|requires supervision)\b/i,
    'in_progress',
  ],
  [
    /\b(?:complete[d]?|done|resolved|fixed|finished|implemented|shipped|passing)\b/i,
    'done',
  ],
];

// Bounded gaps, no adjacent overlapping quantifiers: linear on any line. (Emoji, asterisks
// and spaces between a label and its value are all in the one bounded gap.)
const RISK = /\brisk\b[^a-z]{0,40}(low|medium|high)\b/i;
const DURATION =
  /\b(?:duration|estimate)\b[^0-9]{0,40}(\d{1,5}(?:\.\d{1,2})?) ?(?:h|hours?)\b/i;

function statusFrom(
  text: string,
): { status: TaskStatus; source: ParsedTask['statusSource'] } | undefined {
  for (const [re, status] of EMOJI_STATUS)
    if (re.test(text)) return { status, source: 'emoji' };
  // Parenthesised or bold markers are the most explicit: "(COMPLETE)", "**Status:** BLOCKED"
  const explicit =
    /\(([^)]{2,40})\) {0,10}$|status\W{1,10}([a-z /'-]{2,40})/i.exec(text);
  const candidates = explicit ? [explicit[1] ?? explicit[2], text] : [text];
  for (const c of candidates) {
    for (const [re, status] of TEXT_STATUS)
      if (re.test(c)) return { status, source: 'text' };
  }
  return undefined;
}

const stripMarkers = (text: string) =>
  text
    .replace(/\[[ xX✓]\]/g, '')
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
    .replace(/\*\*|__|`/g, '')
    .replace(
      /\((?:complete[d]?|done|in progress|blocked|pending|documented|not started|partial)\)/gi,
      '',
    )
    .replace(/\s+/g, ' ')
    .trim();

const TASK_HEADING = /^(?:task\s+)?(\d+(?:\.\d+)*)[.:)]?\s+(.+)$/i;
// "Phase 2: Hardening", "Phase 2 – Hardening", "Phase 2" — but not "Phase 1-2 Success".
const PHASE_HEADING = /\bphase\s*(\d+)\s*(?:[:.–—]|-(?!\d)|$)\s*(.*)$/i;

function splitTaskTitle(text: string): { ref?: string; title: string } {
  const clean = stripMarkers(text);
  const m = TASK_HEADING.exec(clean);
  if (m) return { ref: m[1], title: m[2].replace(/^[:\-–—]\s*/, '').trim() };
  const task = /^task\s*[:\-]?\s*(.+)$/i.exec(clean);
  return { title: task ? task[1] : clean };
}

function parseTableRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map(c => c.trim());
}

const isSeparatorRow = (cells: string[]) =>
  cells.every(c => /^:?-{2,}:?$/.test(c));

/**
 * Parses a readiness report written in markdown, whatever its exact shape: phase
 * headings, numbered or "Task N.N" headings, checkbox lists, emoji or text status markers,
 * status tables, score lines and blocker lists. Never throws: what it cannot use becomes
 * a warning.
 */
export function parseReport(input: string): ParsedReport {
  const warnings: string[] = [];
  let text = input.replace(/\r\n?/g, '\n').split('\u0000').join('');
  if (text.includes('\uFFFD')) {
    warnings.push(
      'The report contains undecodable characters (U+FFFD); some markers may be lost',
    );
  }
  const repaired = repairMojibake(text);
  text = repaired.text;
  if (repaired.repairedLines) {
    warnings.push(
      `Repaired broken character encoding on ${repaired.repairedLines} line(s)`,
    );
  }

  const report: ParsedReport = {
    phases: [],
    scores: [],
    dimensionScores: [],
    blockers: [],
    risks: [],
    repairedLines: repaired.repairedLines,
    warnings,
  };
  // Setext headings ("Title" over "====" or "----") become ATX headings.
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1].trim();
    if (
      /^(?:=+|-{2,})\s*$/.test(lines[i]) &&
      prev &&
      !/^(?:[-*+]\s|\d+[.)]\s|#|\|)/.test(prev)
    ) {
      lines[i - 1] = `${lines[i].trim().startsWith('=') ? '#' : '##'} ${prev}`;
      lines[i] = '';
    }
  }
  let phase: ParsedPhase | undefined;
  let task: ParsedTask | undefined;
  let section: 'none' | 'blockers' | 'risks' | 'scores' | 'other' = 'none';
  let table: { header: string[]; rows: string[][] } | undefined;
  let inCode = false;

  const ensurePhase = (title = 'Tasks') => {
    if (!phase) {
      phase = { title, tasks: [] };
      report.phases.push(phase);
    }
    return phase;
  };

  const flushTable = () => {
    if (!table) return;
    const h = table.header.map(c => stripMarkers(c).toLowerCase());
    const taskCol = h.findIndex(c =>
      /\b(?:tasks?|items?|work|deliverables?|checks?|requirements?|name)\b/.test(
        c,
      ),
    );
    const statusCol = h.findIndex(c =>
      /^(?:status|state|result|done\??|progress)$/.test(c),
    );
    const numeric = table.rows.every(r =>
      r
        .slice(1)
        .some(c => /\d{1,3} ?\/ ?100|^\d{1,3}%?$/.test(stripMarkers(c))),
    );
    if (taskCol >= 0 && statusCol >= 0) {
      for (const row of table.rows) {
        const { ref, title } = splitTaskTitle(row[taskCol] ?? '');
        if (!title || /^[\d\s.%/]+$/.test(title)) continue;
        const st = statusFrom(row[statusCol] ?? '');
        ensurePhase().tasks.push({
          ref,
          title,
          status: st?.status ?? 'todo',
          statusSource: st?.source ?? 'default',
          p0: /\bp0\b/i.test(row.join(' ')),
          checklist: [],
          line: -1,
        });
      }
    } else if (numeric || section === 'scores') {
      for (const row of table.rows) {
        const cells = row.slice(1).map(stripMarkers);
        const scored = cells.filter(c => /\d ?(?:\/ ?100|%)/.test(c));
        const values = (scored.length ? scored : cells)
          .map(c => /^(\d{1,3}(?:\.\d{1,2})?) ?(?:\/ ?100|%)?$/.exec(c))
          .filter((m): m is RegExpExecArray => Boolean(m))
          .map(m => Number(m[1]))
          .filter(v => v >= 0 && v <= 100);
        if (values.length)
          report.dimensionScores.push({
            dimension: stripMarkers(row[0]),
            values,
          });
      }
    }
    table = undefined;
  };

  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (/^\s*```/.test(line)) {
      inCode = !inCode;
      return;
    }
    if (inCode) return;

    if (/^\s*\|/.test(line)) {
      const cells = parseTableRow(line);
      if (!table) table = { header: cells, rows: [] };
      else if (!isSeparatorRow(cells)) table.rows.push(cells);
      return;
    }
    flushTable();

    const scorePattern =
      section === 'scores' || /readiness|score|overall|status/i.test(line)
        ? /(\d{1,3}(?:\.\d{1,2})?)\+? ?(?:\/ ?100\b|%)/g
        : /(\d{1,3}(?:\.\d{1,2})?)\+? ?\/ ?100\b/g;
    for (const m of line.matchAll(scorePattern)) {
      const value = Number(m[1]);
      if (value > 100) continue;
      const before = line.slice(0, m.index);
      let kind: 'current' | 'target' | 'other' = 'other';
      if (/target\W*$/i.test(before)) kind = 'target';
      else if (/current|updated|overall|now\b/i.test(line)) kind = 'current';
      report.scores.push({
        text: stripMarkers(line).slice(0, 160),
        value,
        kind,
      });
    }

    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      const body = heading[2];
      const clean = stripMarkers(body);
      if (level === 1 && !report.title) {
        report.title = clean;
        return;
      }
      task = undefined;
      if (/blocker/i.test(clean)) section = 'blockers';
      else if (/\brisks?\b/i.test(clean)) section = 'risks';
      else if (/score|metric/i.test(clean)) section = 'scores';
      else section = 'other';

      const phaseMatch = PHASE_HEADING.exec(clean);
      if (phaseMatch && !/^task\b/i.test(clean)) {
        const st = statusFrom(body);
        phase = {
          title: phaseMatch[2]?.trim() || `Phase ${phaseMatch[1]}`,
          tasks: [],
          ...(st ? { status: st.status } : {}),
        };
        report.phases.push(phase);
        section = 'other';
        return;
      }
      if (section === 'other') {
        const t = splitTaskTitle(body);
        const looksLikeTask = /^task\b/i.test(clean) || t.ref !== undefined;
        if (looksLikeTask && level >= 2) {
          const st = statusFrom(body);
          task = {
            ...t,
            status: st?.status ?? 'todo',
            statusSource: st?.source ?? 'default',
            p0: /\bp0\b/i.test(body),
            checklist: [],
            line: index + 1,
          };
          ensurePhase().tasks.push(task);
        } else if (level === 2) {
          // A new top-level section without a phase name ends the current phase.
          phase = undefined;
        }
      }
      return;
    }

    const attrs = line;
    if (phase && !task && (RISK.test(attrs) || DURATION.test(attrs))) {
      const risk = RISK.exec(attrs);
      const duration = DURATION.exec(attrs);
      if (risk) phase.risk = risk[1].toLowerCase() as ParsedPhase['risk'];
      if (duration) phase.estimateHours = Number(duration[1]);
      const st = statusFrom(attrs.replace(RISK, ''));
      if (st && /status/i.test(attrs)) phase.status = st.status;
      return;
    }

    const statusLine = /^\s*\*{0,2}status\*{0,2}\s*:\s*\*{0,2}\s*(.+)$/i.exec(
      line,
    );
    if (statusLine && task) {
      const st = statusFrom(statusLine[1]);
      if (st) {
        task.status = st.status;
        task.statusSource = st.source;
      }
      return;
    }

    const item = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (!item) return;
    const indent = item[1].replace(/\t/g, '    ').length;
    const body = item[2];
    const checkbox = /^\[([ xX✓])\]\s*/.exec(body);
    const checked = checkbox ? checkbox[1] !== ' ' : undefined;

    if (section === 'blockers' || section === 'risks') {
      const textOnly = stripMarkers(body);
      if (!textOnly) return;
      if (section === 'risks') report.risks.push(textOnly);
      else {
        const st = statusFrom(body);
        report.blockers.push({
          text: textOnly,
          open: st ? st.status !== 'done' : checked !== true,
        });
      }
      return;
    }

    const t = splitTaskTitle(body);
    const topLevel = indent < 2;
    // A top-level numbered checkbox ("- [x] 1.1: Add Sentry") is a task of the phase.
    if (topLevel && checkbox && phase && (t.ref !== undefined || !task)) {
      const st = statusFrom(body);
      task = {
        ...t,
        status: st?.status ?? (checked ? 'done' : 'todo'),
        statusSource: st ? st.source : 'checkbox',
        p0: /\bp0\b/i.test(body),
        checklist: [],
        line: index + 1,
      };
      if (
        checked &&
        st &&
        st.status !== 'done' &&
        st.status !== 'not_applicable'
      ) {
        warnings.push(
          `Line ${index + 1}: "${t.title}" is ticked but marked ${
            st.status
          }; kept ${st.status}`,
        );
      }
      phase.tasks.push(task);
      return;
    }
    if (task) {
      const st = statusFrom(body);
      const done = checked ?? (st ? st.status === 'done' : undefined);
      if (done !== undefined || topLevel === false || checkbox) {
        task.checklist.push({ text: stripMarkers(body), done: done ?? false });
      }
    }
  });
  flushTable();

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
    }
  }
  report.phases = report.phases.filter(p => p.tasks.length > 0);
  if (report.phases.length === 0) {
    warnings.push(
      'No tasks found: expected numbered headings, "Task N.N" headings, checkbox lists or a status table',
    );
  }
  return report;
}
