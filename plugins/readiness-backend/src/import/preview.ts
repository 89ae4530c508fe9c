import {
  ReadinessTemplate,
  TaskState,
  TaskStatus,
  scorePlan,
} from '@prodready/plugin-readiness-common';
import { MappingOverrides, mapReport } from './mapTasks';
import { ParsedRisk, UnreadItem, parseReport } from './parseReport';
import { StatedScore } from './markdownText';

/** What applying a report would do to a plan. @internal */
export interface ImportPreview {
  title?: string;
  /** The report's own date, if it states one (YYYY-MM-DD). */
  date?: string;
  phases: Array<{
    title: string;
    line: number;
    risk?: string;
    estimateHours?: number;
    tasks: Array<{
      /** The item's id (`L<line>`): the key of a mapping correction on apply. */
      id: string;
      line: number;
      ref?: string;
      title: string;
      status: TaskStatus;
      p0: boolean;
      checklist: Array<{ text: string; done: boolean; line: number }>;
      mappedTo?: { taskId: string; title: string; confidence: number };
    }>;
  }>;
  mapping: Array<{
    taskId: string;
    title: string;
    status: TaskStatus;
    from: string[];
  }>;
  /** The template's tasks, to correct the mapping against. */
  templateTasks: Array<{ id: string; title: string }>;
  scoresFound: StatedScore[];
  /** The report's own headline claim: the latest current score it states. */
  claimedScore?: number;
  /** The score the plan would get from the report alone: claims count as attestations. */
  evidenceBasedScore: number;
  dimensionScores: Array<{ dimension: string; values: number[] }>;
  blockers: Array<{ text: string; open: boolean; line: number }>;
  risks: ParsedRisk[];
  /** What the report says that the import could not use, with its line. */
  unmapped: UnreadItem[];
  warnings: string[];
}

/**
 * What applying `markdown` to a plan on `template` would do, with the user's mapping
 * corrections applied. Pure and CPU-bound: it runs in the preview worker (PreviewRunner),
 * never on the backend's event loop.
 * @internal
 */
export function previewReport(
  markdown: string,
  template: ReadinessTemplate,
  overrides: MappingOverrides = {},
): ImportPreview {
  const report = parseReport(markdown);
  const { mapping, matches, unmapped } = mapReport(report, template, overrides);
  const now = new Date();
  const states: Record<string, TaskState> = Object.fromEntries(
    mapping.map(m => [
      m.taskId,
      {
        taskId: m.taskId,
        status: m.status,
        checklist: {},
        evidence: [],
        version: 0,
      },
    ]),
  );
  return {
    title: report.title,
    ...(report.date ? { date: report.date } : {}),
    phases: report.phases.map(p => ({
      title: p.title,
      line: p.line,
      ...(p.risk ? { risk: p.risk } : {}),
      ...(p.estimateHours !== undefined
        ? { estimateHours: p.estimateHours }
        : {}),
      tasks: p.tasks.map(t => ({
        id: t.id,
        line: t.line,
        ...(t.ref ? { ref: t.ref } : {}),
        title: t.title,
        status: t.status,
        p0: t.p0,
        checklist: t.checklist,
        ...(matches.get(t) ? { mappedTo: matches.get(t) } : {}),
      })),
    })),
    mapping,
    templateTasks: template.phases.flatMap(p =>
      p.tasks.map(t => ({ id: t.id, title: t.title })),
    ),
    scoresFound: report.scores,
    ...(report.claimedScore !== undefined
      ? { claimedScore: report.claimedScore }
      : {}),
    evidenceBasedScore: scorePlan(template, states, now).overall,
    dimensionScores: report.dimensionScores,
    blockers: report.blockers,
    risks: report.risks,
    unmapped: [
      ...unmapped.map(t => ({
        line: t.line,
        text: `${t.ref ? `${t.ref} ` : ''}${t.title}`,
        reason: `no task of template "${template.id}" matches; choose one or leave it out`,
      })),
      ...report.unread,
    ].sort((a, b) => a.line - b.line),
    warnings: [
      ...report.warnings,
      ...unmapped.map(
        t =>
          `Line ${t.line}: could not map "${t.ref ? `${t.ref} ` : ''}${
            t.title
          }" to a task of template "${template.id}"`,
      ),
    ],
  };
}
