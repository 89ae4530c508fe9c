import { TaskStatus } from '@prodready/plugin-readiness-common';

/**
 * Single-line text helpers of the importer. Every expression here runs on one line of at
 * most {@link MAX_LINE} characters and is written without nested or adjacent overlapping
 * quantifiers (`eslint-plugin-regexp` checks for super-linear backtracking), so no input can
 * make them slow.
 */

/** Longest line the expressions look at; the rest of a longer line is ignored. */
export const MAX_LINE = 2000;

const EMOJI_STATUS: Array<[RegExp, TaskStatus]> = [
  [/✅|✔\u{FE0F}?|☑\u{FE0F}?|🟢 ?(?:done|complete)/iu, 'done'],
  [/🔴|❌|⛔|🛑|🚫/u, 'blocked'],
  [/⏳|🔄|🚧|🟡|🏗\u{FE0F}?/u, 'in_progress'],
  [/🔜|📋|⏸\u{FE0F}?|⬜|🕐|💤/u, 'todo'],
];

const TEXT_STATUS: Array<[RegExp, TaskStatus]> = [
  [/\b(?:not applicable|n\/a|won'?t do|out of scope)\b/i, 'not_applicable'],
  [/\b(?:blocked|blocking|failing|failed|fails|broken)\b/i, 'blocked'],
  [
    /\b(?:not started|to ?do|pending|planned|backlog|next up|queued)\b/i,
    'todo',
  ],
  [
    /\b(?:in progress|in-progress|wip|ongoing|partial(?:ly)?|started|documented|awaiting|waiting|needs user (?:input|action)|requires supervision)\b/i,
    'in_progress',
  ],
  [
    /\b(?:complete[d]?|done|resolved|fixed|finished|implemented|shipped|passing|written|accepted|mitigated|in place)\b/i,
    'done',
  ],
];

/** Where a status came from, for the preview. */
export type StatusSource =
  | 'emoji'
  | 'text'
  | 'checkbox'
  | 'checklist'
  | 'default';

/** The status a short text states by emoji or words, if any. */
export function statusFrom(
  input: string,
): { status: TaskStatus; source: StatusSource } | undefined {
  const text = input.slice(0, MAX_LINE);
  for (const [re, status] of EMOJI_STATUS)
    if (re.test(text)) return { status, source: 'emoji' };
  // Parenthesised or labelled markers are the most explicit: "(COMPLETE)", "Status: BLOCKED"
  const explicit =
    /\(([^)]{2,40})\) {0,10}$|status\W{1,10}([a-z /'-]{2,40})|[—–-] ?([a-z ]{2,30})$/i.exec(
      text,
    );
  const candidates = explicit
    ? [explicit[1] ?? explicit[2] ?? explicit[3], text]
    : [text];
  for (const c of candidates) {
    const found = TEXT_STATUS.filter(([re]) => re.test(c)).map(([, s]) => s);
    if (!found.length) continue;
    // "Basic version complete, enhancements pending" is work in progress.
    if (found.includes('done') && found.includes('todo'))
      return { status: 'in_progress', source: 'text' };
    return { status: found[0], source: 'text' };
  }
  return undefined;
}

/** Text without checkbox, emoji, emphasis and "(COMPLETE)" style markers. */
export const stripMarkers = (text: string) =>
  text
    .slice(0, MAX_LINE)
    .replace(/^\[[ xX✓]\]/, '')
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
    // Links and images are plain text to the parser: keep what they say.
    .replace(/!?\[([^\]]{0,300})\]\([^)\s]{0,500}\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|\s)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?=[\s:.,;)]|$)/g, '$1')
    .replace(
      /\((?:complete[d]?|done|in progress|blocked|pending|documented|not started|partial)\)/gi,
      '',
    )
    .replace(/\s+/g, ' ')
    .trim();

const TASK_REF = /^(?:task )?(\d{1,3}(?:\.\d{1,3}){0,3})[.:)]? (.+)$/i;
// "Architect Task 1: Master blueprint" — a task numbered within someone's list.
const OWNED_TASK = /^[a-z]{1,30} task \d{1,3}[.:)]? (.+)$/i;

/** A task's reference number ("1.2") and title, from a heading or item text. */
export function splitTaskTitle(text: string): {
  ref?: string;
  title: string;
  numbered: boolean;
} {
  let clean = stripMarkers(text);
  // "Dependency audit — DONE", "Build passes in CI — FAILING (P0)": the status is not the title.
  const suffix = / ?[—–] ?([a-z ]{2,30})(?: ?\(p\d\))?$/i.exec(clean);
  if (suffix && suffix.index > 0 && statusFrom(suffix[1]))
    clean = clean.slice(0, suffix.index);
  const m = TASK_REF.exec(clean);
  if (m)
    return {
      ref: m[1],
      title: m[2]
        .replace(/^[:\-–—] ?/, '')
        .replace(/ ?\(~?\d{1,4}(?:\.\d)? ?h(?:ours?)?\)$/i, '')
        .trim(),
      numbered: true,
    };
  const owned = OWNED_TASK.exec(clean);
  if (owned) return { title: owned[1].trim(), numbered: true };
  const task = /^task ?[:-]? ?(.+)$/i.exec(clean);
  return task
    ? { title: task[1], numbered: true }
    : { title: clean, numbered: false };
}

// "Phase 2: Hardening", "Phase 2 – Hardening", "Phase 2" — but not "Phase 1-2 Success".
const PHASE_HEADING = /\bphase ?(\d{1,3}) ?(?:[:.–—]|-(?!\d)|$) ?(.*)$/i;

/** The title of a "Phase N: …" heading, if it is one. */
export function phaseTitle(clean: string): string | undefined {
  if (/^task\b/i.test(clean)) return undefined;
  const m = PHASE_HEADING.exec(clean);
  if (!m) return undefined;
  return m[2].trim() || `Phase ${m[1]}`;
}

export const RISK = /\brisk\b[^a-z]{0,40}(low|medium|high)\b/i;
export const DURATION =
  /\b(?:duration|estimate)\b[^0-9]{0,40}(\d{1,5}(?:\.\d{1,2})?) ?(?:h|hours?)\b/i;

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/** The first date written in a line ("2026-03-02" or "March 2, 2026"), as YYYY-MM-DD. */
export function dateIn(line: string): string | undefined {
  const text = line.slice(0, MAX_LINE);
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(text);
  const named =
    /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? (\d{1,2}),? (\d{4})\b/i.exec(
      text,
    );
  const candidates: Array<{ at: number; date: string }> = [];
  if (iso) candidates.push({ at: iso.index, date: iso[0] });
  if (named) {
    const month = MONTHS.indexOf(named[1].toLowerCase()) + 1;
    candidates.push({
      at: named.index,
      date: `${named[3]}-${String(month).padStart(2, '0')}-${named[2].padStart(
        2,
        '0',
      )}`,
    });
  }
  candidates.sort((a, b) => a.at - b.at);
  const date = candidates[0]?.date;
  return date && !Number.isNaN(Date.parse(date)) ? date : undefined;
}

/** A score stated in a report and what the report means by it. */
export interface StatedScore {
  text: string;
  value: number;
  /** `current` is a claim about now; `previous` an older value; `target` a goal. */
  kind: 'current' | 'previous' | 'target' | 'other';
  line: number;
  date?: string;
}

const CURRENT_WORDS =
  /current|updated|revised|overall|\bnow\b|actual|today|readiness|score/i;

/**
 * Scores in one line: "N/100" anywhere, "N%" where the line talks about readiness or in a
 * score section. Values before an arrow or after "was"/"from" are previous values; after
 * "target"/"goal"/"for" they are goals.
 */
export function scoresIn(
  raw: string,
  line: number,
  inScoreSection: boolean,
): StatedScore[] {
  const text = raw.slice(0, MAX_LINE);
  const talksReadiness = /readiness|score|overall|status|\bready\b/i.test(text);
  const pattern =
    inScoreSection || talksReadiness
      ? /(\d{1,3}(?:\.\d{1,2})?)\+? ?(?:\/ ?100\b|%)/g
      : /(\d{1,3}(?:\.\d{1,2})?)\+? ?\/ ?100\b/g;
  const out: StatedScore[] = [];
  const projection = /\bafter phase\b|\bby phase\b|\bexpected\b/i.test(text);
  const current =
    CURRENT_WORDS.test(text) ||
    /\d ?% ready\b/i.test(text) ||
    /\bprogress\b/i.test(text);
  for (const m of text.matchAll(pattern)) {
    const value = Number(m[1]);
    if (value > 100) continue;
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 20);
    let kind: StatedScore['kind'] = 'other';
    if (
      /\b(?:target|goal|aim|aiming|reach|towards?|for|path to|get to)\W{0,3}(?:score\W{0,3})?$/i.test(
        before,
      ) ||
      (value === 100 && /missing|remaining|needed|left|gap/i.test(text))
    )
      kind = 'target';
    else if (
      /\b(?:was|from|before|previously|prior|baseline|initially|started at)\W{0,3}$/i.test(
        before,
      ) ||
      /^\W{0,3}(?:→|->|=>) ?(?!\W{0,3}(?:target|goal))/i.test(after)
    )
      kind = 'previous';
    else if (current && !(projection && !/current|\bnow\b/i.test(text)))
      kind = 'current';
    // A date written before the number ("2026-03-02: 64/100") dates the claim.
    const date = dateIn(before);
    out.push({
      text: stripMarkers(text).slice(0, 160),
      value,
      kind,
      line,
      ...(date ? { date } : {}),
    });
  }
  return out;
}
