import type { Table } from 'mdast';
import {
  MAX_LINE,
  dateIn,
  splitTaskTitle,
  statusFrom,
  stripMarkers,
} from './markdownText';
import { textOf } from './markdownTree';
import { ReaderState, short } from './readerState';

/** A table of risks, of tasks with their status, or of scores. */
export function readTable(s: ReaderState, table: Table) {
  const label = s.label;
  s.label = undefined;
  if (s.section === 'ignore' || table.children.length < 2) return;
  const rows = table.children.map(r => ({
    line: s.lineOf(r),
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
      s.report.risks.push({
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
      if (s.section === 'blockers') {
        s.blocker(title, st ? st.status !== 'done' : true, r.line);
        continue;
      }
      if (phaseCol >= 0) {
        const name = short(stripMarkers(r.cells[phaseCol] ?? '')) || 'Tasks';
        if (s.phase?.title !== name) {
          s.phase = { title: name, tasks: [], line: r.line, depth: 7 };
          s.report.phases.push(s.phase);
        }
      }
      s.addTask({
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
      s.report.scores.push({
        text: short(`${name}: ${values[values.length - 1]}`),
        value: values[values.length - 1],
        kind: 'current',
        line: r.line,
        ...(date ? { date } : {}),
      });
      continue;
    }
    s.report.dimensionScores.push({ dimension: short(name), values });
  }
}
