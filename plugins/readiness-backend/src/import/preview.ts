import {
  ReadinessTemplate,
  TaskState,
  TaskStatus,
  scorePlan,
} from '@internal/plugin-readiness-common';
import { mapReport } from './mapTasks';
import { parseReport } from './parseReport';

/** What applying a report would do to a plan. @internal */
export interface ImportPreview {
  title?: string;
  phases: Array<{
    title: string;
    risk?: string;
    estimateHours?: number;
    tasks: Array<{
      ref?: string;
      title: string;
      status: TaskStatus;
      p0: boolean;
      checklist: Array<{ text: string; done: boolean }>;
      mappedTo?: { taskId: string; title: string; confidence: number };
    }>;
  }>;
  mapping: Array<{
    taskId: string;
    title: string;
    status: TaskStatus;
    from: string[];
  }>;
  scoresFound: Array<{ text: string; value: number; kind: string }>;
  claimedScore?: number;
  /** The score the plan would get from the report alone: claims count as attestations. */
  evidenceBasedScore: number;
  dimensionScores: Array<{ dimension: string; values: number[] }>;
  blockers: Array<{ text: string; open: boolean }>;
  risks: string[];
  warnings: string[];
}

/**
 * What applying `markdown` to a plan on `template` would do. Pure and CPU-bound: it runs in
 * the preview worker (PreviewRunner), never on the backend's event loop.
 * @internal
 */
export function previewReport(
  markdown: string,
  template: ReadinessTemplate,
): ImportPreview {
  const report = parseReport(markdown);
  const { mapping, matches, unmapped } = mapReport(report, template);
  const warnings = [...report.warnings];
  for (const t of unmapped) {
    warnings.push(
      `Could not map "${t.ref ? `${t.ref} ` : ''}${
        t.title
      }" to a task of template "${template.id}"`,
    );
  }
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
  const claims = report.scores.filter(x => x.kind === 'current');
  const others = report.scores.filter(x => x.kind === 'other');
  const claimed = (claims.length ? claims : others).pop()?.value;
  return {
    title: report.title,
    phases: report.phases.map(p => ({
      title: p.title,
      ...(p.risk ? { risk: p.risk } : {}),
      ...(p.estimateHours !== undefined
        ? { estimateHours: p.estimateHours }
        : {}),
      tasks: p.tasks.map(t => ({
        ...(t.ref ? { ref: t.ref } : {}),
        title: t.title,
        status: t.status,
        p0: t.p0,
        checklist: t.checklist,
        ...(matches.get(t) ? { mappedTo: matches.get(t) } : {}),
      })),
    })),
    mapping,
    scoresFound: report.scores,
    ...(claimed !== undefined ? { claimedScore: claimed } : {}),
    evidenceBasedScore: scorePlan(template, states, now).overall,
    dimensionScores: report.dimensionScores,
    blockers: report.blockers,
    risks: report.risks,
    warnings,
  };
}
