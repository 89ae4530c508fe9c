import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  EntityReadinessResponse,
  ReadinessTemplate,
  RollupQuery,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import { ReadinessService } from '../domain/ReadinessService';
import { ImportPreview } from './preview';
import { PreviewRunner } from './PreviewRunner';
import { MappingOverrides } from './mapTasks';

export type { ImportPreview } from './preview';

const STATUS_LABEL: Record<string, string> = {
  ready: 'Ready',
  at_risk: 'At risk',
  not_ready: 'Not ready',
};

const TASK_MARK: Record<string, string> = {
  proven: '[x]',
  attested: '[x]',
  exempt: '[~]',
  expired: '[!]',
  not_applicable: '[-]',
  open: '[ ]',
};

/**
 * Markdown import (preview, then apply) and export of readiness reports.
 * @internal
 */
export class MarkdownReports {
  constructor(
    private readonly service: ReadinessService,
    private readonly runner: PreviewRunner,
  ) {}

  /** What applying `markdown` would do, computed off the event loop within the budget. */
  preview(
    markdown: string,
    template: ReadinessTemplate,
    overrides: MappingOverrides = {},
  ): Promise<ImportPreview> {
    return this.runner.preview(markdown, template, overrides);
  }

  /**
   * Applies a report: mapped tasks get the reported status; "done" is recorded as an
   * attestation (half points) until real evidence arrives. Tasks already done with
   * evidence are never downgraded by a report. `overrides` are the user's corrections of
   * the preview's mapping.
   */
  async apply(
    entityRef: string,
    markdown: string,
    actor: string,
    overrides: MappingOverrides = {},
  ) {
    const plan = await this.service.getPlanState(entityRef);
    const preview = await this.preview(markdown, plan.template, overrides);
    const applied: Array<{ taskId: string; status: TaskStatus }> = [];
    const skipped: Array<{ taskId: string; reason: string }> = [];
    for (const m of preview.mapping) {
      const current = plan.tasks.find(t => t.taskId === m.taskId);
      if (m.status === 'not_applicable') {
        skipped.push({
          taskId: m.taskId,
          reason:
            'not applicable needs an approved exemption: request one on the task',
        });
        continue;
      }
      if (current?.status === m.status) {
        skipped.push({ taskId: m.taskId, reason: `already ${m.status}` });
        continue;
      }
      if (
        current?.status === 'done' &&
        current.evidence.some(e => e.kind !== 'attestation')
      ) {
        skipped.push({
          taskId: m.taskId,
          reason: 'done with evidence; a report does not downgrade it',
        });
        continue;
      }
      await this.service.updateTask({
        entityRef,
        taskId: m.taskId,
        input: { expectedVersion: current?.version ?? 0, status: m.status },
        actor,
      });
      if (m.status === 'done') {
        await this.service.addEvidence({
          entityRef,
          taskId: m.taskId,
          actor,
          producer: 'person',
          input: {
            kind: 'attestation',
            source: 'manual',
            summary: `Imported from a markdown report: ${m.from
              .join('; ')
              .slice(0, 1500)}`,
          },
        });
      }
      applied.push({ taskId: m.taskId, status: m.status });
    }
    const score = await this.service.recompute(entityRef, 'markdown import');
    return { preview, applied, skipped, score };
  }

  /** A markdown status report for one service. */
  exportEntity(data: EntityReadinessResponse): string {
    const { score, template } = data;
    const states = new Map(data.tasks.map(t => [t.taskId, t]));
    const evals = new Map(score.tasks.map(t => [t.taskId, t]));
    const out: string[] = [];
    out.push(`# Production readiness: ${data.entityRef}`, '');
    out.push(
      `**Score:** ${score.overall}/100${
        score.capped ? ` (capped; ${score.uncapped} before the P0 cap)` : ''
      } · **Status:** ${STATUS_LABEL[score.status]} · **Template:** ${
        template.title
      } v${data.plan.templateVersion}`,
      '',
    );
    out.push('| Dimension | Score | Points |', '| --- | --- | --- |');
    for (const d of score.dimensions) {
      out.push(
        `| ${d.title} | ${d.score ?? 'n/a'} | ${d.earned}/${d.possible} |`,
      );
    }
    out.push('', `## Open P0 blockers (${score.blockers.length})`, '');
    if (!score.blockers.length) out.push('None.');
    for (const b of score.blockers)
      out.push(
        `- ${b.taskId} ${b.title}${
          b.kind === 'expired' ? ' (evidence expired)' : ''
        }`,
      );
    const soon = Date.now() + 30 * 86_400_000;
    const expiring = data.tasks.flatMap(t =>
      t.evidence
        .filter(e => e.expiresAt && Date.parse(e.expiresAt) < soon)
        .map(
          e =>
            `- ${t.taskId}: ${e.summary} — expire${
              Date.parse(e.expiresAt!) < Date.now() ? 'd' : 's'
            } ${e.expiresAt!.slice(0, 10)}`,
        ),
    );
    out.push('', '## Evidence expired or expiring within 30 days', '');
    out.push(...(expiring.length ? expiring : ['None.']));
    for (const [i, phase] of template.phases.entries()) {
      const p = score.phases.find(x => x.id === phase.id)!;
      out.push(
        '',
        `## Phase ${i + 1}: ${phase.title} (${p.satisfied}/${
          p.applicable
        } tasks, ${p.earned}/${p.possible} points)`,
        '',
      );
      for (const task of phase.tasks) {
        const ev = evals.get(task.id)!;
        const st = states.get(task.id);
        const notes: Record<string, string> = {
          attested: ' — claimed, no evidence (half points)',
          expired: ' — evidence expired',
          exempt: ` — exempt until ${st?.exemption?.expiresAt.slice(0, 10)}: ${
            st?.exemption?.reason
          }`,
        };
        const note = notes[ev.kind] ?? '';
        out.push(
          `- ${TASK_MARK[ev.kind]} ${task.id} ${
            task.title
          } (${task.severity.toUpperCase()}, ${ev.earned}/${
            task.points
          } pts)${note}`,
        );
      }
    }
    if (data.runbooks.length) {
      out.push('', '## Runbooks', '');
      for (const r of data.runbooks)
        out.push(
          `- ${r.type}: [${r.title}](${r.url})${
            r.lastReviewedAt
              ? ` — reviewed ${r.lastReviewedAt.slice(0, 10)}`
              : ''
          }`,
        );
    }
    return `${out.join('\n')}\n`;
  }

  /** A markdown status report for the organisation, from the stored scores. */
  async exportOrg(
    query: RollupQuery,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const groups = await this.service.rollup(query, credentials);
    const out = [`# Production readiness by ${query.groupBy}`, ''];
    out.push(
      '| Group | Services | Average | Ready | At risk | Not ready | Open P0 blockers |',
    );
    out.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const g of groups) {
      out.push(
        `| ${g.key} | ${g.services} | ${g.average} | ${g.statusCounts.ready} | ${g.statusCounts.at_risk} | ${g.statusCounts.not_ready} | ${g.blockers} |`,
      );
    }
    const { groupBy: _groupBy, ...filters } = query;
    const blocked = await this.service.listServices(
      { ...filters, sort: 'overall', order: 'asc', limit: 500 },
      credentials,
    );
    out.push(
      '',
      '## Services',
      '',
      '| Service | Owner | Score | Status | Blockers |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const s of blocked.items) {
      out.push(
        `| ${s.entityRef} | ${s.owner ?? ''} | ${s.overall} | ${
          STATUS_LABEL[s.status]
        } | ${s.blockers} |`,
      );
    }
    return `${out.join('\n')}\n`;
  }
}
