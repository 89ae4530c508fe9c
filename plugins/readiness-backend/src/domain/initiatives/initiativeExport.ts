import {
  InitiativeDetail,
  initiativeGoalParts,
} from '@prodready/plugin-readiness-common';

const csvCell = (value: string) => {
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** An initiative as CSV: one row per covered service, formula-safe cells. */
export function toCsv(detail: InitiativeDetail): string {
  const rows = [
    ['initiative', 'deadline', 'service', 'owner', 'meets goal', 'lacking'],
    ...detail.services.map(s => [
      detail.id,
      detail.deadline,
      s.entityRef,
      s.owner ?? '',
      s.met ? 'yes' : 'no',
      s.lacking.join('; '),
    ]),
  ];
  return `${rows.map(r => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const mdCell = (value: string) =>
  value.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** An initiative as a markdown report: summary, teams, services and burn-up. */
export function toMarkdown(detail: InitiativeDetail): string {
  const pct = (met: number, of: number) =>
    of === 0 ? '—' : `${Math.round((met / of) * 100)} %`;
  const lines = [
    `# ${mdCell(detail.title)}`,
    '',
    `- Owner: ${detail.owner}`,
    `- Goal: ${initiativeGoalParts(detail.goal).join('; ')}`,
    `- From ${detail.startsAt} to ${detail.deadline} (${detail.state})`,
    `- Progress: ${detail.progress.met} of ${
      detail.progress.services
    } services meet the goal (${pct(
      detail.progress.met,
      detail.progress.services,
    )})`,
    '',
    '## Teams',
    '',
    '| Team | Services | Meet the goal |',
    '|---|---|---|',
    ...detail.teams.map(
      t =>
        `| ${mdCell(t.owner)} | ${t.services} | ${t.met} (${pct(
          t.met,
          t.services,
        )}) |`,
    ),
    '',
    '## Services',
    '',
    '| Service | Owner | Meets the goal | Lacking |',
    '|---|---|---|---|',
    ...detail.services.map(
      s =>
        `| ${mdCell(s.entityRef)} | ${mdCell(s.owner ?? '')} | ${
          s.met ? 'yes' : 'no'
        } | ${mdCell(s.lacking.join('; '))} |`,
    ),
    '',
  ];
  if (detail.history.length) {
    lines.push(
      '## Burn-up',
      '',
      '| Day | Services | Meet the goal |',
      '|---|---|---|',
      ...detail.history.map(h => `| ${h.day} | ${h.services} | ${h.met} |`),
      '',
    );
  }
  return lines.join('\n');
}
