import { ServiceScoreRow } from '@prodready/plugin-readiness-common';

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  // Guard against formula injection when the CSV is opened in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV of services with their scores, for status reports. */
export function servicesToCsv(rows: ServiceScoreRow[]): string {
  const header: (keyof ServiceScoreRow)[] = [
    'entityRef',
    'owner',
    'system',
    'domain',
    'lifecycle',
    'tier',
    'overall',
    'status',
    'blockers',
    'computedAt',
  ];
  return [
    header.join(','),
    ...rows.map(r => header.map(h => csvCell(r[h])).join(',')),
  ].join('\n');
}
