import type { ListItem, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { MAX_LINE } from './markdownText';

/** Syntax-tree side of the report parser: cutting a report into pieces, parsing them, reading node text. */

/** Text of a node, inline markup removed, hard breaks kept as new lines. Iterative. */
export function textOf(node: Nodes, stopAtLists = true): string {
  const parts: string[] = [];
  let length = 0;
  const stack: Nodes[] = [node];
  while (stack.length && length < MAX_LINE * 4) {
    const n = stack.pop()!;
    if (n.type === 'text' || n.type === 'inlineCode') {
      parts.push(n.value);
      length += n.value.length;
    } else if (n.type === 'break') parts.push('\n');
    else if (n.type === 'image') parts.push(n.alt ?? '');
    else if (n !== node && stopAtLists && n.type === 'list') continue;
    else if (n.type === 'paragraph' && n !== node && parts.length)
      parts.push('\n');
    if ('children' in n)
      for (let i = n.children.length - 1; i >= 0; i--)
        stack.push(n.children[i] as Nodes);
  }
  return parts.join('');
}

/** GFM's `[x]`/`[ ]`, or a `[✓]` GFM does not know, on a list item. */
export function checkedOf(
  item: ListItem,
  firstLine: string,
): boolean | undefined {
  if (typeof item.checked === 'boolean') return item.checked;
  const box = /^\[([ xX✓])\]/.exec(firstLine.trim());
  return box ? box[1] !== ' ' : undefined;
}

/**
 * Emphasis and links are read as plain text (stripMarkers removes their markup): micromark's
 * resolution of unmatched `*` and `[` runs grows quadratically on hostile input, and what a
 * report means never depends on them.
 */
const PLAIN_INLINE = {
  disable: {
    null: ['attention', 'labelStartLink', 'labelStartImage', 'labelEnd'],
  },
};

/** Nesting no report needs: deeper quotes and indentation are flattened before parsing. */
const DEEP_QUOTES = /^(?: {0,3}>){9,}/;
const DEEP_INDENT = /^[ \t]{65,}/;

const CHUNK = 16_000;
// Micromark's list handling grows faster than linearly with the items of one list.
const LIST_CHUNK = 4_000;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;

/**
 * Cuts a report into pieces of about 16 KB that parse on their own: before a heading or a
 * paragraph, or (in long lists) before a top-level list item; never inside a fenced code block. Micromark slows down
 * more than linearly on one large document; pieces keep the whole parse linear in length.
 */
export function chunks(
  text: string,
): Array<{ text: string; line: number; continuesList?: boolean }> {
  const lines = text.split('\n');
  const out: Array<{ text: string; line: number; continuesList?: boolean }> =
    [];
  let continuesList = false;
  let start = 0;
  let size = 0;
  let fence: string | undefined;
  // The header and delimiter rows of the table being read: a long table is cut between
  // rows, and each piece starts with them again.
  let table: string[] | undefined;
  let prefix: string[] = [];
  const push = (end: number) =>
    out.push({
      text: [...prefix, ...lines.slice(start, end)].join('\n'),
      line: start - prefix.length,
      ...(continuesList ? { continuesList } : {}),
    });
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const f = FENCE.exec(l);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length)
        fence = undefined;
    } else {
      if (!l.includes('|')) table = undefined;
      else if (i > 0 && isDelimiterRow(l) && lines[i - 1].includes('|'))
        table = [lines[i - 1], l];
      const listCut =
        size > LIST_CHUNK && lines[i - 1]?.trim() !== '' && LIST_ITEM.test(l);
      const tableCut =
        size > CHUNK && table !== undefined && i > start + 1 && l !== table[1];
      const cut =
        i > start &&
        ((size > CHUNK && ATX.test(l)) ||
          listCut ||
          tableCut ||
          (size > CHUNK &&
            l !== '' &&
            !/^[\s>|]/.test(l) &&
            lines[i - 1].trim() === ''));
      if (cut) {
        push(i);
        start = i;
        size = 0;
        continuesList = listCut;
        prefix = tableCut && table ? table : [];
      }
      if (f) fence = f[1];
    }
    size += l.length + 1;
  }
  push(lines.length);
  return out;
}

/** A GFM table's delimiter row ("| --- | :-: |"). */
function isDelimiterRow(line: string): boolean {
  return /^[\s|:-]+$/.test(line) && line.includes('-');
}

/** Parses a (normalised) report into syntax trees, one per piece from {@link chunks}. */
export function parseTrees(
  text: string,
): Array<{ line: number; tree: Root; continuesList?: boolean }> {
  const flattened = text
    .split('\n')
    .map(l =>
      l.replace(DEEP_QUOTES, '>>>>>>>> ').replace(DEEP_INDENT, ' '.repeat(64)),
    )
    .join('\n');
  return chunks(flattened).map(chunk => ({
    line: chunk.line,
    continuesList: chunk.continuesList,
    tree: fromMarkdown(chunk.text, {
      // GFM tables and task list items are what reports use; the other GFM extensions
      // (autolinks, footnotes, strikethrough) only cost time here.
      extensions: [gfmTable(), gfmTaskListItem(), PLAIN_INLINE],
      mdastExtensions: [gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown()],
    }),
  }));
}
