import type { Heading, Nodes, Root } from 'mdast';
import {
  dateIn,
  phaseTitle,
  splitTaskTitle,
  statusFrom,
  stripMarkers,
} from './markdownText';
import { textOf } from './markdownTree';
import { PARSE_LIMITS } from './parsedReport';
import {
  BLOCKER_LABEL,
  BLOCKER_SECTION,
  IGNORE_SECTION,
  ReaderState,
  SectionKind,
  isNone,
  short,
} from './readerState';

/** First pass: which numbers are phases, and whether the report is structured. */
export function scanNumbering(s: ReaderState, tree: Root) {
  const stack: Array<{ node: Nodes; depth: number }> = [
    { node: tree, depth: 0 },
  ];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (node.type === 'heading' || node.type === 'listItem') {
      const own = stripMarkers(textOf(node).split('\n')[0]);
      const { ref, numbered } = splitTaskTitle(own);
      if (ref?.includes('.')) s.majors.add(ref.split('.')[0]);
      if (node.type === 'heading' && (phaseTitle(own) || numbered))
        s.structured = true;
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

/** A heading: the report's title, a phase, a task, a blocker or the start of a section. */
export function readHeading(s: ReaderState, node: Heading) {
  const raw = textOf(node).replace(/\n/g, ' ');
  const clean = stripMarkers(raw);
  const line = s.lineOf(node);
  s.label = undefined;
  s.scores(raw, line);
  if (node.depth === 1 && !s.report.title && !phaseTitle(clean)) {
    s.report.title = short(clean);
    s.reportDate ??= dateIn(raw);
    return;
  }
  while (
    s.sections.length &&
    s.sections[s.sections.length - 1].depth >= node.depth
  )
    s.sections.pop();
  s.task = undefined;
  s.taskFromHeading = false;
  s.heading = clean;
  const inherited = s.section;
  const { ref, title, numbered } = splitTaskTitle(raw);
  const st = statusFrom(raw);

  if (inherited === 'ignore') {
    s.sections.push({ depth: node.depth, kind: 'ignore' });
    return;
  }
  if (inherited === 'blockers' && (numbered || st)) {
    s.blocker(title, st ? st.status !== 'done' : true, line);
    return;
  }
  const phaseName =
    phaseTitle(clean) ??
    (ref && !ref.includes('.') && s.majors.has(ref) && node.depth <= 3
      ? title
      : undefined);
  if (phaseName && inherited !== 'scores' && inherited !== 'risks') {
    s.phase = {
      title: short(phaseName),
      tasks: [],
      line,
      depth: node.depth,
      ...(st ? { status: st.status } : {}),
    };
    s.report.phases.push(s.phase);
    s.sections.push({ depth: node.depth, kind: 'other' });
    return;
  }
  const blockerLabel = BLOCKER_LABEL.exec(clean);
  if (blockerLabel && !isNone(blockerLabel[1])) {
    s.blocker(blockerLabel[1], true, line);
    return;
  }
  const statusMarked =
    st?.source === 'emoji' && s.phase !== undefined && inherited === 'other';
  if (
    (numbered || statusMarked) &&
    node.depth >= 2 &&
    inherited === 'other' &&
    !IGNORE_SECTION.test(clean)
  ) {
    s.task = s.addTask({
      ref,
      title,
      status: st?.status,
      source: st?.source,
      p0: /\bp0\b/i.test(raw),
      line,
    });
    s.taskFromHeading = true;
    s.sections.push({ depth: node.depth, kind: 'other' });
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
  s.sections.push({ depth: node.depth, kind });
  // A heading as high as the phase's that names no phase ends the phase.
  if (s.phase && node.depth <= s.phase.depth) s.phase = undefined;
  if (node.depth <= 2) s.group = short(clean);
}
