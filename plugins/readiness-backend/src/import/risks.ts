import type { ListItem } from 'mdast';
import { stripMarkers } from './markdownText';
import { textOf } from './markdownTree';
import { ParsedRisk } from './parsedReport';
import { ReaderState, short } from './readerState';

/** A labelled line in a risk section ("Risk: ...", "Mitigation: ..."). */
export function readRiskLine(s: ReaderState, clean: string, line: number) {
  const m =
    /^(risk|mitigation|impact|status|likelihood|owner)s? ?: ?(.+)$/i.exec(
      clean,
    );
  if (!m) return;
  const key = m[1].toLowerCase();
  const value = short(m[2]);
  const last = s.report.risks[s.report.risks.length - 1];
  if (key === 'risk' || !last) s.report.risks.push({ risk: value, line });
  else if (key === 'mitigation' || key === 'impact' || key === 'status')
    last[key] = value;
}

/** An item of a risk list ("risk → mitigation"), with its labelled sub-items. */
export function readRiskItem(
  s: ReaderState,
  item: ListItem,
  own: string,
  line: number,
) {
  const clean = stripMarkers(own.split('\n')[0]);
  const labelled = /^(risk|mitigation|impact|status)s? ?: ?(.+)$/i.exec(clean);
  if (labelled && labelled[1].toLowerCase() !== 'risk') {
    readRiskLine(s, clean, line);
    return;
  }
  const body = labelled ? labelled[2] : clean;
  const arrow = /^(.{1,300}?) ?(?:→|->|—|–) ?(.{1,300})$/.exec(body);
  const heading = s.heading ?? '';
  const mitigated = /mitigated|resolved|closed/i.test(heading);
  const risk: ParsedRisk = {
    risk: short(arrow ? arrow[1] : body),
    line,
    ...(mitigated ? { status: 'mitigated' } : {}),
    ...(/outstanding|open|remaining/i.test(heading) ? { status: 'open' } : {}),
  };
  if (arrow) risk[mitigated ? 'mitigation' : 'impact'] = short(arrow[2]);
  s.report.risks.push(risk);
  for (const sub of item.children)
    if (sub.type === 'list')
      for (const child of sub.children)
        readRiskLine(
          s,
          stripMarkers(textOf(child).split('\n')[0]),
          s.lineOf(child),
        );
}
