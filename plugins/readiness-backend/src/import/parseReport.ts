import type { Root, RootContent } from 'mdast';
import { repairMojibake } from './encoding';
import { finishReport } from './finish';
import { readHeading, scanNumbering } from './headings';
import { readList } from './lists';
import { parseTrees } from './markdownTree';
import { readParagraph } from './paragraphs';
import { PARSE_LIMITS, ParsedReport } from './parsedReport';
import { ReaderState } from './readerState';
import { readTable } from './tables';

export type {
  ParsedChecklistItem,
  ParsedPhase,
  ParsedReport,
  ParsedRisk,
  ParsedTask,
  UnreadItem,
} from './parsedReport';
export { PARSE_LIMITS } from './parsedReport';
export { chunks } from './markdownTree';

/** Reads the blocks of a tree in order, handing each kind of node to its reader. */
function flow(s: ReaderState, nodes: RootContent[], depth: number) {
  for (const node of nodes) {
    if (node.type === 'heading') readHeading(s, node);
    else if (node.type === 'paragraph') readParagraph(s, node);
    else if (node.type === 'list') readList(s, node);
    else if (node.type === 'table') readTable(s, node);
    else if (node.type === 'blockquote' && depth < PARSE_LIMITS.nesting)
      flow(s, node.children, depth + 1);
    // Code, HTML and thematic breaks say nothing about readiness.
  }
}

/** Reads the trees of a report's pieces in two passes: numbering first, then content. */
function readTrees(
  trees: Array<{ line: number; tree: Root; continuesList?: boolean }>,
  repairedLines: number,
  warnings: string[],
): ParsedReport {
  const s = new ReaderState(repairedLines, warnings);
  for (const { tree } of trees) scanNumbering(s, tree);
  for (const { line, tree, continuesList } of trees) {
    s.lineOffset = line;
    // A long list cut in two keeps the label of its first part.
    if (continuesList) s.label = s.listLabel;
    flow(s, tree.children, 0);
  }
  return finishReport(s);
}

/**
 * Parses a readiness report written in markdown, whatever its exact shape: phase headings,
 * numbered or "Task N.N" headings, checkbox lists with nested checklists, emoji or text
 * status markers, status tables, score lines and tables, blocker and risk sections. The
 * markdown is parsed into a syntax tree (micromark with GFM); expressions only ever see one
 * short line. Never throws on any input: what it cannot use becomes a warning or an unread
 * item with its line.
 */
export function parseReport(input: string): ParsedReport {
  const warnings: string[] = [];
  let text = input.replace(/\r\n?/g, '\n').split('\u0000').join('');
  if (text.includes('\uFFFD')) {
    warnings.push(
      'The report contains undecodable characters (U+FFFD); some markers may be lost',
    );
  }
  const repaired = repairMojibake(text);
  text = repaired.text;
  if (repaired.repairedLines) {
    warnings.push(
      `Repaired broken character encoding on ${repaired.repairedLines} line(s)`,
    );
  }
  return readTrees(parseTrees(text), repaired.repairedLines, warnings);
}
