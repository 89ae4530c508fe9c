import { TaskStatus } from '@prodready/plugin-readiness-common';
import type {
  Heading,
  List,
  ListItem,
  Nodes,
  Paragraph,
  Root,
  RootContent,
  Table,
} from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { repairMojibake } from './encoding';
import {
  DURATION,
  MAX_LINE,
  RISK,
  StatedScore,
  StatusSource,
  dateIn,
  phaseTitle,
  scoresIn,
  splitTaskTitle,
  statusFrom,
  stripMarkers,
} from './markdownText';

/** A checklist line found under a task. */
export interface ParsedChecklistItem {
  text: string;
  done: boolean;
  line: number;
}

/** A task found in a report. */
export interface ParsedTask {
  /** Stable within one report: `L<line>` of the heading, item or table row. */
  id: string;
  ref?: string;
  title: string;
  status: TaskStatus;
  /** Where the status came from, for the preview. */
  statusSource: StatusSource;
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
  line: number;
  tasks: ParsedTask[];
}

/** A risk as the report states it. */
export interface ParsedRisk {
  risk: string;
  mitigation?: string;
  impact?: string;
  status?: string;
  line: number;
}

/** Something that looked meaningful but could not be read as a task, blocker or score. */
export interface UnreadItem {
  line: number;
  text: string;
  reason: string;
}

/** Everything the parser understood, plus what it did not. */
export interface ParsedReport {
  title?: string;
  /** The report's own date ("Date:", "Generated:", "Updated:" or in the title), YYYY-MM-DD. */
  date?: string;
  phases: ParsedPhase[];
  /** Every score found; `kind` tells a current claim from a previous value or a target. */
  scores: StatedScore[];
  /** The report's own headline claim: the latest current score it states. */
  claimedScore?: number;
  dimensionScores: Array<{ dimension: string; values: number[] }>;
  blockers: Array<{ text: string; open: boolean; line: number }>;
  risks: ParsedRisk[];
  unread: UnreadItem[];
  repairedLines: number;
  warnings: string[];
}

/** Bounds that keep a preview small whatever the input. */
export const PARSE_LIMITS = {
  tasks: 2000,
  checklist: 200,
  unread: 200,
  nesting: 8,
  text: 300,
};

type SectionKind = 'blockers' | 'risks' | 'scores' | 'ignore' | 'other';

const IGNORE_SECTION =
  /lessons?(?: learn|$)|learnings|takeaways|retrospective|post-?mortem|what went (?:well|wrong)|\bnotes\b|changelog|\bcommits\b|files? (?:created|modified|changed|to)|references|appendix|questions|glossary|environment variables|handoff/i;
const BLOCKER_SECTION =
  /blocker|\bblocked\b|showstopper|critical (?:issues|gaps|problems|findings)|must fix|\bp0\b/i;
const WORK_LABEL =
  /^(?:tasks?|checklist|to ?do|(?:next |remaining |action )?(?:steps|items)|scope|deliverables?|required\b.*|remaining|acceptance criteria|work items|plan|open items|sub-?tasks)$/i;
const BLOCKER_LABEL =
  /^(?:blocked|blockers?|blocking)(?: by)? ?[:\-–—] ?(.{2,})$/i;

/** Text of a node, inline markup removed, hard breaks kept as new lines. Iterative. */
function textOf(node: Nodes, stopAtLists = true): string {
  const parts: string[] = [];
  let length = 0;
  const stack: Nodes[] = [node];
  while (stack.length && length < MAX_LINE * 4) {
    const n = stack.pop()!;
    if (n.type === 'text' || n.type === 'inlineCode') {
      parts.push(n.value);
      length += n.value.length;
    } else if (n.type === 'break') parts.push('\n');
    else if (n.type === 'image') parts.push(n.alt ?? '');
    else if (n !== node && stopAtLists && n.type === 'list') continue;
    else if (n.type === 'paragraph' && n !== node && parts.length)
      parts.push('\n');
    if ('children' in n)
      for (let i = n.children.length - 1; i >= 0; i--)
        stack.push(n.children[i] as Nodes);
  }
  return parts.join('');
}

const short = (text: string) => text.slice(0, PARSE_LIMITS.text);
const CHECKED_STATUS: Record<string, TaskStatus> = {
  true: 'done',
  false: 'todo',
};

/** GFM's `[x]`/`[ ]`, or a `[✓]` GFM does not know, on a list item. */
function checkedOf(item: ListItem, firstLine: string): boolean | undefined {
  if (typeof item.checked === 'boolean') return item.checked;
  const box = /^\[([ xX✓])\]/.exec(firstLine.trim());
  return box ? box[1] !== ' ' : undefined;
}

const isNone = (text: string) => /^(?:none|n\/a|-|nothing)\.?$/i.test(text);

/**
 * Emphasis and links are read as plain text (stripMarkers removes their markup): micromark's
 * resolution of unmatched `*` and `[` runs grows quadratically on hostile input, and what a
 * report means never depends on them.
 */
const PLAIN_INLINE = {
  disable: {
    null: ['attention', 'labelStartLink', 'labelStartImage', 'labelEnd'],
  },
};

/** Nesting no report needs: deeper quotes and indentation are flattened before parsing. */
const DEEP_QUOTES = /^(?: {0,3}>){9,}/;
const DEEP_INDENT = /^[ \t]{65,}/;

const CHUNK = 16_000;
// Micromark's list handling grows faster than linearly with the items of one list.
const LIST_CHUNK = 4_000;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;

/**
 * Cuts a report into pieces of about 16 KB that parse on their own: before a heading or a
 * paragraph, or (in long lists) before a top-level list item; never inside a fenced code block. Micromark slows down
 * more than linearly on one large document; pieces keep the whole parse linear in length.
 */
export function chunks(
  text: string,
): Array<{ text: string; line: number; continuesList?: boolean }> {
  const lines = text.split('\n');
  const out: Array<{ text: string; line: number; continuesList?: boolean }> =
    [];
  let continuesList = false;
  let start = 0;
  let size = 0;
  let fence: string | undefined;
  // The header and delimiter rows of the table being read: a long table is cut between
  // rows, and each piece starts with them again.
  let table: string[] | undefined;
  let prefix: string[] = [];
  const push = (end: number) =>
    out.push({
      text: [...prefix, ...lines.slice(start, end)].join('\n'),
      line: start - prefix.length,
      ...(continuesList ? { continuesList } : {}),
    });
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const f = FENCE.exec(l);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length)
        fence = undefined;
    } else {
      if (!l.includes('|')) table = undefined;
      else if (i > 0 && isDelimiterRow(l) && lines[i - 1].includes('|'))
        table = [lines[i - 1], l];
      const listCut =
        size > LIST_CHUNK && lines[i - 1]?.trim() !== '' && LIST_ITEM.test(l);
      const tableCut =
        size > CHUNK && table !== undefined && i > start + 1 && l !== table[1];
      const cut =
        i > start &&
        ((size > CHUNK && ATX.test(l)) ||
          listCut ||
          tableCut ||
          (size > CHUNK &&
            l !== '' &&
            !/^[\s>|]/.test(l) &&
            lines[i - 1].trim() === ''));
      if (cut) {
        push(i);
        start = i;
        size = 0;
        continuesList = listCut;
        prefix = tableCut && table ? table : [];
      }
      if (f) fence = f[1];
    }
    size += l.length + 1;
  }
  push(lines.length);
  return out;
}

/** A GFM table's delimiter row ("| --- | :-: |"). */
function isDelimiterRow(line: string): boolean {
  return /^[\s|:-]+$/.test(line) && line.includes('-');
}

class ReportReader {
  private readonly report: ParsedReport;
  private phase?: ParsedPhase & { depth: number };
  private task?: ParsedTask;
  /** A task from a heading takes the lists below it as its checklist. */
  private taskFromHeading = false;
  private sections: Array<{ depth: number; kind: SectionKind }> = [];
  private group?: string;
  private heading?: string;
  private label?: string;
  private listLabel?: string;
  private taskCount = 0;
  private reportDate?: string;
  /** Top-level numbers that have dotted sub-numbers ("1" when "1.1" exists). */
  private readonly majors = new Set<string>();
  /** Whether the report has phase or task headings at all. */
  private structured = false;

  /** Lines before the piece of the report being read. */
  private lineOffset = 0;

  constructor(
    private readonly trees: Array<{
      line: number;
      tree: Root;
      continuesList?: boolean;
    }>,
    repairedLines: number,
    warnings: string[],
  ) {
    this.report = {
      phases: [],
      scores: [],
      dimensionScores: [],
      blockers: [],
      risks: [],
      unread: [],
      repairedLines,
      warnings,
    };
  }

  read(): ParsedReport {
    for (const { tree } of this.trees) this.scan(tree);
    for (const { line, tree, continuesList } of this.trees) {
      this.lineOffset = line;
      // A long list cut in two keeps the label of its first part.
      if (continuesList) this.label = this.listLabel;
      this.flow(tree.children, 0);
    }
    return this.finish();
  }

  private lineOf(node: Nodes) {
    return (node.position?.start.line ?? 1) + this.lineOffset;
  }

  private get section(): SectionKind {
    return this.sections[this.sections.length - 1]?.kind ?? 'other';
  }

  /** First pass: which numbers are phases, and whether the report is structured. */
  private scan(tree: Root) {
    const stack: Array<{ node: Nodes; depth: number }> = [
      { node: tree, depth: 0 },
    ];
    while (stack.length) {
      const { node, depth } = stack.pop()!;
      if (node.type === 'heading' || node.type === 'listItem') {
        const own = stripMarkers(textOf(node).split('\n')[0]);
        const { ref, numbered } = splitTaskTitle(own);
        if (ref?.includes('.')) this.majors.add(ref.split('.')[0]);
        if (node.type === 'heading' && (phaseTitle(own) || numbered))
          this.structured = true;
      }
      if (
        'children' in node &&
        depth < PARSE_LIMITS.nesting * 2 &&
        node.type !== 'paragraph' &&
        node.type !== 'heading' &&
        node.type !== 'table'
      )
        for (const child of node.children)
          stack.push({ node: child as Nodes, depth: depth + 1 });
    }
  }

  private flow(nodes: RootContent[], depth: number) {
    for (const node of nodes) {
      if (node.type === 'heading') this.onHeading(node);
      else if (node.type === 'paragraph') this.onParagraph(node);
      else if (node.type === 'list') this.onList(node);
      else if (node.type === 'table') this.onTable(node);
      else if (node.type === 'blockquote' && depth < PARSE_LIMITS.nesting)
        this.flow(node.children, depth + 1);
      // Code, HTML and thematic breaks say nothing about readiness.
    }
  }

  private onHeading(node: Heading) {
    const raw = textOf(node).replace(/\n/g, ' ');
    const clean = stripMarkers(raw);
    const line = this.lineOf(node);
    this.label = undefined;
    this.scores(raw, line);
    if (node.depth === 1 && !this.report.title && !phaseTitle(clean)) {
      this.report.title = short(clean);
      this.reportDate ??= dateIn(raw);
      return;
    }
    while (
      this.sections.length &&
      this.sections[this.sections.length - 1].depth >= node.depth
    )
      this.sections.pop();
    this.task = undefined;
    this.taskFromHeading = false;
    this.heading = clean;
    const inherited = this.section;
    const { ref, title, numbered } = splitTaskTitle(raw);
    const st = statusFrom(raw);

    if (inherited === 'ignore') {
      this.sections.push({ depth: node.depth, kind: 'ignore' });
      return;
    }
    if (inherited === 'blockers' && (numbered || st)) {
      this.blocker(title, st ? st.status !== 'done' : true, line);
      return;
    }
    const phaseName =
      phaseTitle(clean) ??
      (ref && !ref.includes('.') && this.majors.has(ref) && node.depth <= 3
        ? title
        : undefined);
    if (phaseName && inherited !== 'scores' && inherited !== 'risks') {
      this.phase = {
        title: short(phaseName),
        tasks: [],
        line,
        depth: node.depth,
        ...(st ? { status: st.status } : {}),
      };
      this.report.phases.push(this.phase);
      this.sections.push({ depth: node.depth, kind: 'other' });
      return;
    }
    const blockerLabel = BLOCKER_LABEL.exec(clean);
    if (blockerLabel && !isNone(blockerLabel[1])) {
      this.blocker(blockerLabel[1], true, line);
      return;
    }
    const statusMarked =
      st?.source === 'emoji' &&
      this.phase !== undefined &&
      inherited === 'other';
    if (
      (numbered || statusMarked) &&
      node.depth >= 2 &&
      inherited === 'other' &&
      !IGNORE_SECTION.test(clean)
    ) {
      this.task = this.addTask({
        ref,
        title,
        status: st?.status,
        source: st?.source,
        p0: /\bp0\b/i.test(raw),
        line,
      });
      this.taskFromHeading = true;
      this.sections.push({ depth: node.depth, kind: 'other' });
      return;
    }
    let kind: SectionKind = 'other';
    if (IGNORE_SECTION.test(clean)) kind = 'ignore';
    else if (BLOCKER_SECTION.test(clean)) kind = 'blockers';
    else if (/\brisks?\b/i.test(clean)) kind = 'risks';
    else if (
      /\bscores?\b|metrics?|progress (?:summary|tracking|overview)/i.test(clean)
    )
      kind = 'scores';
    this.sections.push({ depth: node.depth, kind });
    // A heading as high as the phase's that names no phase ends the phase.
    if (this.phase && node.depth <= this.phase.depth) this.phase = undefined;
    if (node.depth <= 2) this.group = short(clean);
  }

  private onParagraph(node: Paragraph) {
    const lines = textOf(node).split('\n');
    const first = stripMarkers(lines[0]);
    if (lines.length === 1 && /^.{1,80}:$/.test(first)) {
      this.label = first.slice(0, -1).trim();
      return;
    }
    this.label = undefined;
    const line0 = this.lineOf(node);
    lines.forEach((raw, i) => this.onTextLine(raw, line0 + i));
  }

  private onTextLine(raw: string, line: number) {
    this.scores(raw, line);
    this.reportDate ??= /\b(?:date|generated|updated|as of)\b/i.test(raw)
      ? dateIn(raw)
      : undefined;
    if (this.section === 'ignore') return;
    const clean = stripMarkers(raw);
    if (this.section === 'risks') {
      this.riskLine(clean, line);
      return;
    }
    if (this.phase && !this.task && (RISK.test(raw) || DURATION.test(raw))) {
      const risk = RISK.exec(raw);
      const duration = DURATION.exec(raw);
      if (risk) this.phase.risk = risk[1].toLowerCase() as ParsedPhase['risk'];
      if (duration) this.phase.estimateHours = Number(duration[1]);
      const st = statusFrom(raw.replace(RISK, ''));
      if (st && /status/i.test(raw)) this.phase.status = st.status;
      return;
    }
    const blockerLabel = BLOCKER_LABEL.exec(clean);
    if (blockerLabel) {
      if (!isNone(blockerLabel[1])) this.blocker(blockerLabel[1], true, line);
      return;
    }
    const status = /^status ?: ?(.+)$/i.exec(clean);
    const value = status ? raw.slice(raw.search(/:/) + 1) : undefined;
    if (status && value !== undefined) {
      const st = statusFrom(value);
      if (this.task && st) {
        this.task.status = st.status;
        this.task.statusSource = st.source;
      } else if (!this.task && this.phase && st && !this.phase.tasks.length) {
        this.phase.status = st.status;
      } else if (!this.task && st?.status === 'blocked') {
        const why = stripMarkers(value);
        this.blocker(
          this.heading && this.phase === undefined && this.sections.length
            ? `${this.heading} — ${why}`
            : why,
          true,
          line,
        );
      }
      return;
    }
    // A bare status sentence right under a task heading: "Not started."
    if (
      this.task &&
      this.taskFromHeading &&
      this.task.statusSource === 'default' &&
      clean.length <= 60
    ) {
      const st = statusFrom(clean);
      if (st) {
        this.task.status = st.status;
        this.task.statusSource = st.source;
      }
    }
  }

  private onList(list: List) {
    const label = this.label;
    this.listLabel = label;
    this.label = undefined;
    if (this.section === 'ignore') return;
    for (const item of list.children) this.onItem(item, label, 0);
  }

  private onItem(item: ListItem, label: string | undefined, depth: number) {
    if (depth > PARSE_LIMITS.nesting) return;
    const own = textOf(item);
    const ownLines = own.split('\n');
    const line = this.lineOf(item);
    const nested = item.children.filter((c): c is List => c.type === 'list');
    ownLines.forEach((l, i) => this.scores(l, line + i));
    const clean = stripMarkers(ownLines[0]);
    if (!clean) return;
    const checked = checkedOf(item, ownLines[0]);
    const st = statusFrom(ownLines[0]);

    if (this.section === 'blockers') {
      if (isNone(clean)) return;
      this.blocker(clean, st ? st.status !== 'done' : checked !== true, line);
      return;
    }
    if (this.section === 'risks') {
      this.riskItem(item, own, line);
      return;
    }
    const blockerLabel = BLOCKER_LABEL.exec(clean);
    if (blockerLabel) {
      if (!isNone(blockerLabel[1])) this.blocker(blockerLabel[1], true, line);
      return;
    }
    const work = label === undefined || WORK_LABEL.test(label);
    const { ref, title } = splitTaskTitle(ownLines[0]);
    const marked = checked !== undefined || st?.source === 'emoji';
    const listTaskAllowed =
      depth === 0 &&
      work &&
      this.section === 'other' &&
      (this.phase !== undefined || !this.structured);
    // A numbered item ("- [x] 1.1: Add Sentry") starts a task even under another task.
    if (
      listTaskAllowed &&
      (ref !== undefined ? marked || !this.taskFromHeading : marked) &&
      (!this.taskFromHeading || ref !== undefined)
    ) {
      const task = this.addTask({
        ref,
        title,
        status:
          st?.status ??
          (checked === undefined ? undefined : CHECKED_STATUS[String(checked)]),
        source: st?.source ?? (checked === undefined ? undefined : 'checkbox'),
        p0: /\bp0\b/i.test(own),
        line,
      });
      if (!task) return;
      if (
        checked &&
        st &&
        st.status !== 'done' &&
        st.status !== 'not_applicable'
      )
        this.report.warnings.push(
          `Line ${line}: "${short(title)}" is ticked but marked ${
            st.status
          }; kept ${st.status}`,
        );
      this.task = task;
      this.taskFromHeading = false;
      for (const sub of nested)
        for (const child of sub.children)
          this.checklistItem(task, child, true, depth + 1);
      return;
    }
    if (this.task && (this.taskFromHeading ? work || marked : depth > 0)) {
      if (this.taskFromHeading && !marked && !(label && WORK_LABEL.test(label)))
        return;
      this.checklistItem(this.task, item, true, depth);
      return;
    }
    if (!work && !this.taskFromHeading) this.task = undefined;
    if (
      checked !== undefined &&
      this.report.unread.length < PARSE_LIMITS.unread
    )
      this.report.unread.push({
        line,
        text: short(clean),
        reason: 'checkbox outside any phase or task',
      });
  }

  /** An item (and, when it has a marker, its own marked sub-items) on a task's checklist. */
  private checklistItem(
    task: ParsedTask,
    item: ListItem,
    counted: boolean,
    depth: number,
  ) {
    if (depth > PARSE_LIMITS.nesting) return;
    const first = textOf(item).split('\n')[0];
    const text = stripMarkers(first);
    const checked = checkedOf(item, first);
    const st = statusFrom(first);
    if (counted && text && task.checklist.length < PARSE_LIMITS.checklist) {
      task.checklist.push({
        text: short(text),
        done: checked ?? st?.status === 'done',
        line: this.lineOf(item),
      });
    }
    for (const sub of item.children)
      if (sub.type === 'list')
        for (const child of sub.children) {
          const childFirst = textOf(child).split('\n')[0];
          const childMarked =
            typeof child.checked === 'boolean' ||
            /^\[[ xX✓]\]/.test(childFirst.trim()) ||
            statusFrom(childFirst)?.source === 'emoji';
          if (childMarked) this.checklistItem(task, child, true, depth + 1);
        }
  }

  private onTable(table: Table) {
    const label = this.label;
    this.label = undefined;
    if (this.section === 'ignore' || table.children.length < 2) return;
    const rows = table.children.map(r => ({
      line: this.lineOf(r),
      cells: r.children.map(c =>
        textOf(c).replace(/\n/g, ' ').slice(0, MAX_LINE),
      ),
    }));
    const header = rows[0].cells.map(c => stripMarkers(c).toLowerCase());
    const body = rows.slice(1);
    const col = (re: RegExp) => header.findIndex(h => re.test(h));
    const riskCol = col(/^risks?\b/);
    if (riskCol >= 0 && header.length > 1) {
      const mitigationCol = col(/mitigation|response|action/);
      const impactCol = col(/impact|consequence/);
      const statusCol = col(/^status|^state/);
      for (const r of body) {
        const risk = stripMarkers(r.cells[riskCol] ?? '');
        if (!risk) continue;
        const at = (i: number) =>
          i >= 0 && stripMarkers(r.cells[i] ?? '')
            ? short(stripMarkers(r.cells[i]))
            : undefined;
        this.report.risks.push({
          risk: short(risk),
          ...(at(mitigationCol) ? { mitigation: at(mitigationCol) } : {}),
          ...(at(impactCol) ? { impact: at(impactCol) } : {}),
          ...(at(statusCol) ? { status: at(statusCol) } : {}),
          line: r.line,
        });
      }
      return;
    }
    const taskCol = col(
      /\b(?:tasks?|items?|work|deliverables?|checks?|requirements?|name|blockers?)\b/,
    );
    const statusCol = col(/^(?:status|state|result|done\??|progress)$/);
    if (taskCol >= 0 && statusCol >= 0) {
      const phaseCol = col(/^(?:phase|stage|area|category|pillar|dimension)$/);
      for (const r of body) {
        const { ref, title } = splitTaskTitle(r.cells[taskCol] ?? '');
        if (!title || /^[\d\s.%/]+$/.test(title)) continue;
        const st = statusFrom(r.cells[statusCol] ?? '');
        if (this.section === 'blockers') {
          this.blocker(title, st ? st.status !== 'done' : true, r.line);
          continue;
        }
        if (phaseCol >= 0) {
          const name = short(stripMarkers(r.cells[phaseCol] ?? '')) || 'Tasks';
          if (this.phase?.title !== name) {
            this.phase = { title: name, tasks: [], line: r.line, depth: 7 };
            this.report.phases.push(this.phase);
          }
        }
        this.addTask({
          ref,
          title,
          status: st?.status,
          source: st?.source,
          p0: r.cells.some(c => /\bp0\b/i.test(c)),
          line: r.line,
        });
      }
      return;
    }
    // Score columns: the header says so, or the cells are written as "N/100" or "N%".
    const scoreCols = new Set(
      header
        .map((h, i) => ({ h, i }))
        .filter(
          ({ h, i }) =>
            i > 0 &&
            (/score|rating|%|before|after|\bnow\b|current/.test(h) ||
              /score|rating/i.test(label ?? '') ||
              body.some(r => /\d ?(?:\/ ?100\b|%)/.test(r.cells[i] ?? ''))),
        )
        .map(({ i }) => i),
    );
    if (!scoreCols.size) return;
    for (const r of body) {
      const name = stripMarkers(r.cells[0] ?? '');
      const values = r.cells
        .map((c, i) =>
          scoreCols.has(i)
            ? /^~?(\d{1,3}(?:\.\d{1,2})?)\+? ?(?:\/ ?100|%)?$/.exec(
                stripMarkers(c),
              )
            : null,
        )
        .filter((m): m is RegExpExecArray => Boolean(m))
        .map(m => Number(m[1]))
        .filter(v => v >= 0 && v <= 100);
      if (!values.length || !name) continue;
      const date = dateIn(name);
      if (date || /^(?:overall|total|readiness|score)\b/i.test(name)) {
        // A dated row is the score on that date; an "Overall" row is the headline.
        this.report.scores.push({
          text: short(`${name}: ${values[values.length - 1]}`),
          value: values[values.length - 1],
          kind: 'current',
          line: r.line,
          ...(date ? { date } : {}),
        });
        continue;
      }
      this.report.dimensionScores.push({ dimension: short(name), values });
    }
  }

  private riskLine(clean: string, line: number) {
    const m =
      /^(risk|mitigation|impact|status|likelihood|owner)s? ?: ?(.+)$/i.exec(
        clean,
      );
    if (!m) return;
    const key = m[1].toLowerCase();
    const value = short(m[2]);
    const last = this.report.risks[this.report.risks.length - 1];
    if (key === 'risk' || !last) this.report.risks.push({ risk: value, line });
    else if (key === 'mitigation' || key === 'impact' || key === 'status')
      last[key] = value;
  }

  private riskItem(item: ListItem, own: string, line: number) {
    const clean = stripMarkers(own.split('\n')[0]);
    const labelled = /^(risk|mitigation|impact|status)s? ?: ?(.+)$/i.exec(
      clean,
    );
    if (labelled && labelled[1].toLowerCase() !== 'risk') {
      this.riskLine(clean, line);
      return;
    }
    const body = labelled ? labelled[2] : clean;
    const arrow = /^(.{1,300}?) ?(?:→|->|—|–) ?(.{1,300})$/.exec(body);
    const heading = this.heading ?? '';
    const mitigated = /mitigated|resolved|closed/i.test(heading);
    const risk: ParsedRisk = {
      risk: short(arrow ? arrow[1] : body),
      line,
      ...(mitigated ? { status: 'mitigated' } : {}),
      ...(/outstanding|open|remaining/i.test(heading)
        ? { status: 'open' }
        : {}),
    };
    if (arrow) risk[mitigated ? 'mitigation' : 'impact'] = short(arrow[2]);
    this.report.risks.push(risk);
    for (const sub of item.children)
      if (sub.type === 'list')
        for (const child of sub.children)
          this.riskLine(
            stripMarkers(textOf(child).split('\n')[0]),
            this.lineOf(child),
          );
  }

  private addTask(t: {
    ref?: string;
    title: string;
    status?: TaskStatus;
    source?: StatusSource;
    p0: boolean;
    line: number;
  }): ParsedTask | undefined {
    if (!t.title) return undefined;
    if (this.taskCount >= PARSE_LIMITS.tasks) {
      if (this.taskCount === PARSE_LIMITS.tasks)
        this.report.warnings.push(
          `The report has more than ${PARSE_LIMITS.tasks} tasks; the rest were not read`,
        );
      this.taskCount++;
      return undefined;
    }
    this.taskCount++;
    if (!this.phase) {
      this.phase = {
        title: this.group ?? 'Tasks',
        tasks: [],
        line: t.line,
        depth: 7,
      };
      this.report.phases.push(this.phase);
    }
    const task: ParsedTask = {
      id: `L${t.line}`,
      ...(t.ref ? { ref: t.ref } : {}),
      title: short(t.title),
      status: t.status ?? 'todo',
      statusSource: t.source ?? 'default',
      p0: t.p0,
      checklist: [],
      line: t.line,
    };
    this.phase.tasks.push(task);
    return task;
  }

  private blocker(text: string, open: boolean, line: number) {
    const clean = short(stripMarkers(text));
    if (!clean || this.report.blockers.length >= PARSE_LIMITS.tasks) return;
    this.report.blockers.push({ text: clean, open, line });
  }

  private scores(raw: string, line: number) {
    if (this.section === 'ignore' || this.report.scores.length >= 1000) return;
    this.report.scores.push(...scoresIn(raw, line, this.section === 'scores'));
  }

  private finish(): ParsedReport {
    const report = this.report;
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
          this.blocker(
            `${t.ref ? `${t.ref} ` : ''}${t.title} — blocked`,
            true,
            t.line,
          );
        else if (t.p0 && t.status !== 'done' && t.status !== 'not_applicable')
          this.blocker(
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
    report.claimedScore = headline(report.scores, this.reportDate);
    if (this.reportDate) report.date = this.reportDate;
    if (report.phases.length === 0) {
      report.warnings.push(
        'No tasks found: expected numbered headings, "Task N.N" headings, checkbox lists or a status table',
      );
    }
    return report;
  }
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

/**
 * Parses a readiness report written in markdown, whatever its exact shape: phase headings,
 * numbered or "Task N.N" headings, checkbox lists with nested checklists, emoji or text
 * status markers, status tables, score lines and tables, blocker and risk sections. The
 * markdown is parsed into a syntax tree (micromark with GFM); expressions only ever see one
 * short line. Never throws on any input: what it cannot use becomes a warning or an unread
 * item with its line.
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
  text = text
    .split('\n')
    .map(l =>
      l.replace(DEEP_QUOTES, '>>>>>>>> ').replace(DEEP_INDENT, ' '.repeat(64)),
    )
    .join('\n');
  const trees = chunks(text).map(chunk => ({
    line: chunk.line,
    continuesList: chunk.continuesList,
    tree: fromMarkdown(chunk.text, {
      // GFM tables and task list items are what reports use; the other GFM extensions
      // (autolinks, footnotes, strikethrough) only cost time here.
      extensions: [gfmTable(), gfmTaskListItem(), PLAIN_INLINE],
      mdastExtensions: [gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown()],
    }),
  }));
  return new ReportReader(trees, repaired.repairedLines, warnings).read();
}
