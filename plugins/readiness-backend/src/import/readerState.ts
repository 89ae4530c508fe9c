import { TaskStatus } from '@prodready/plugin-readiness-common';
import type { Nodes } from 'mdast';
import { StatusSource, scoresIn, stripMarkers } from './markdownText';
import {
  PARSE_LIMITS,
  ParsedPhase,
  ParsedReport,
  ParsedTask,
} from './parsedReport';

/** The kind of section the reader is in, from the headings above. */
export type SectionKind = 'blockers' | 'risks' | 'scores' | 'ignore' | 'other';

/** Headings of sections that say nothing about the work left. */
export const IGNORE_SECTION =
  /lessons?(?: learn|$)|learnings|takeaways|retrospective|post-?mortem|what went (?:well|wrong)|\bnotes\b|changelog|\bcommits\b|files? (?:created|modified|changed|to)|references|appendix|questions|glossary|environment variables|handoff/i;
/** Headings of blocker sections. */
export const BLOCKER_SECTION =
  /blocker|\bblocked\b|showstopper|critical (?:issues|gaps|problems|findings)|must fix|\bp0\b/i;
/** Labels ("Tasks:") of lists that hold work. */
export const WORK_LABEL =
  /^(?:tasks?|checklist|to ?do|(?:next |remaining |action )?(?:steps|items)|scope|deliverables?|required\b.*|remaining|acceptance criteria|work items|plan|open items|sub-?tasks)$/i;
/** A blocker stated on one line ("Blocked by: ..."). */
export const BLOCKER_LABEL =
  /^(?:blocked|blockers?|blocking)(?: by)? ?[:\-–—] ?(.{2,})$/i;

/** A text cut to the length the parser keeps. */
export const short = (text: string) => text.slice(0, PARSE_LIMITS.text);
/** The status a GFM checkbox states. */
export const CHECKED_STATUS: Record<string, TaskStatus> = {
  true: 'done',
  false: 'todo',
};

/** Whether a blocker or risk text says there is none. */
export const isNone = (text: string) =>
  /^(?:none|n\/a|-|nothing)\.?$/i.test(text);

/** What the reader has found so far and where in the report it is: shared by the readers of each kind of node. */
export class ReaderState {
  readonly report: ParsedReport;
  phase?: ParsedPhase & { depth: number };
  task?: ParsedTask;
  /** A task from a heading takes the lists below it as its checklist. */
  taskFromHeading = false;
  sections: Array<{ depth: number; kind: SectionKind }> = [];
  group?: string;
  heading?: string;
  label?: string;
  listLabel?: string;
  taskCount = 0;
  reportDate?: string;
  /** Top-level numbers that have dotted sub-numbers ("1" when "1.1" exists). */
  readonly majors = new Set<string>();
  /** Whether the report has phase or task headings at all. */
  structured = false;

  /** Lines before the piece of the report being read. */
  lineOffset = 0;

  constructor(repairedLines: number, warnings: string[]) {
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

  /** Line of a node in the whole report. */
  lineOf(node: Nodes) {
    return (node.position?.start.line ?? 1) + this.lineOffset;
  }

  /** The kind of the innermost section. */
  get section(): SectionKind {
    return this.sections[this.sections.length - 1]?.kind ?? 'other';
  }

  /** Adds a task to the current phase (opening one if needed), within the limits. */
  addTask(t: {
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

  /** Records a blocker, within the limits. */
  blocker(text: string, open: boolean, line: number) {
    const clean = short(stripMarkers(text));
    if (!clean || this.report.blockers.length >= PARSE_LIMITS.tasks) return;
    this.report.blockers.push({ text: clean, open, line });
  }

  /** Records the scores a line states, unless in an ignored section. */
  scores(raw: string, line: number) {
    if (this.section === 'ignore' || this.report.scores.length >= 1000) return;
    this.report.scores.push(...scoresIn(raw, line, this.section === 'scores'));
  }
}
