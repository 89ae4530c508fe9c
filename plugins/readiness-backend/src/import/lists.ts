import type { List, ListItem } from 'mdast';
import { splitTaskTitle, statusFrom, stripMarkers } from './markdownText';
import { checkedOf, textOf } from './markdownTree';
import { PARSE_LIMITS, ParsedTask } from './parsedReport';
import {
  BLOCKER_LABEL,
  CHECKED_STATUS,
  ReaderState,
  WORK_LABEL,
  isNone,
  short,
} from './readerState';
import { readRiskItem } from './risks';

/** A list: its items are tasks, checklist items, blockers or risks depending on where it is. */
export function readList(s: ReaderState, list: List) {
  const label = s.label;
  s.listLabel = label;
  s.label = undefined;
  if (s.section === 'ignore') return;
  for (const item of list.children) readItem(s, item, label, 0);
}

/** One item of a list, see {@link readList}. */
function readItem(
  s: ReaderState,
  item: ListItem,
  label: string | undefined,
  depth: number,
) {
  if (depth > PARSE_LIMITS.nesting) return;
  const own = textOf(item);
  const ownLines = own.split('\n');
  const line = s.lineOf(item);
  const nested = item.children.filter((c): c is List => c.type === 'list');
  ownLines.forEach((l, i) => s.scores(l, line + i));
  const clean = stripMarkers(ownLines[0]);
  if (!clean) return;
  const checked = checkedOf(item, ownLines[0]);
  const st = statusFrom(ownLines[0]);

  if (s.section === 'blockers') {
    if (isNone(clean)) return;
    s.blocker(clean, st ? st.status !== 'done' : checked !== true, line);
    return;
  }
  if (s.section === 'risks') {
    readRiskItem(s, item, own, line);
    return;
  }
  const blockerLabel = BLOCKER_LABEL.exec(clean);
  if (blockerLabel) {
    if (!isNone(blockerLabel[1])) s.blocker(blockerLabel[1], true, line);
    return;
  }
  const work = label === undefined || WORK_LABEL.test(label);
  const { ref, title } = splitTaskTitle(ownLines[0]);
  const marked = checked !== undefined || st?.source === 'emoji';
  const listTaskAllowed =
    depth === 0 &&
    work &&
    s.section === 'other' &&
    (s.phase !== undefined || !s.structured);
  // A numbered item ("- [x] 1.1: Add Sentry") starts a task even under another task.
  if (
    listTaskAllowed &&
    (ref !== undefined ? marked || !s.taskFromHeading : marked) &&
    (!s.taskFromHeading || ref !== undefined)
  ) {
    const task = s.addTask({
      ref,
      title,
      status:
        st?.status ??
        (checked === undefined ? undefined : CHECKED_STATUS[String(checked)]),
      source: st?.source ?? (checked === undefined ? undefined : 'checkbox'),
      p0: /\bp0\b/i.test(own),
      line,
    });
    if (!task) return;
    if (checked && st && st.status !== 'done' && st.status !== 'not_applicable')
      s.report.warnings.push(
        `Line ${line}: "${short(title)}" is ticked but marked ${
          st.status
        }; kept ${st.status}`,
      );
    s.task = task;
    s.taskFromHeading = false;
    for (const sub of nested)
      for (const child of sub.children)
        readChecklistItem(s, task, child, true, depth + 1);
    return;
  }
  if (s.task && (s.taskFromHeading ? work || marked : depth > 0)) {
    if (s.taskFromHeading && !marked && !(label && WORK_LABEL.test(label)))
      return;
    readChecklistItem(s, s.task, item, true, depth);
    return;
  }
  if (!work && !s.taskFromHeading) s.task = undefined;
  if (checked !== undefined && s.report.unread.length < PARSE_LIMITS.unread)
    s.report.unread.push({
      line,
      text: short(clean),
      reason: 'checkbox outside any phase or task',
    });
}

/** An item (and, when it has a marker, its own marked sub-items) on a task's checklist. */
function readChecklistItem(
  s: ReaderState,
  task: ParsedTask,
  item: ListItem,
  counted: boolean,
  depth: number,
) {
  if (depth > PARSE_LIMITS.nesting) return;
  const first = textOf(item).split('\n')[0];
  const text = stripMarkers(first);
  const checked = checkedOf(item, first);
  const st = statusFrom(first);
  if (counted && text && task.checklist.length < PARSE_LIMITS.checklist) {
    task.checklist.push({
      text: short(text),
      done: checked ?? st?.status === 'done',
      line: s.lineOf(item),
    });
  }
  for (const sub of item.children)
    if (sub.type === 'list')
      for (const child of sub.children) {
        const childFirst = textOf(child).split('\n')[0];
        const childMarked =
          typeof child.checked === 'boolean' ||
          /^\[[ xX✓]\]/.test(childFirst.trim()) ||
          statusFrom(childFirst)?.source === 'emoji';
        if (childMarked) readChecklistItem(s, task, child, true, depth + 1);
      }
}
