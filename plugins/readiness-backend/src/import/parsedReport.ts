import { TaskStatus } from '@prodready/plugin-readiness-common';
import { StatedScore, StatusSource } from './markdownText';

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
