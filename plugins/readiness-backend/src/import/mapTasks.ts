import {
  ReadinessTemplate,
  TaskStatus,
} from '@prodready/plugin-readiness-common';
import { ParsedReport, ParsedTask } from './parseReport';

const STOPWORDS = new Set(
  'the and for with from into add added adding create created implement implementation setup set configure configured enhanced integration integrate production task phase all our new use using based via per fix fixed production enhanced hours hour'.split(
    ' ',
  ),
);

/** Words that mean the same thing in readiness reports, folded onto one token. */
const SYNONYMS: Record<string, string> = {
  sentry: 'error',
  exception: 'error',
  errors: 'error',
  crash: 'error',
  uptimerobot: 'uptime',
  pingdom: 'uptime',
  healthz: 'uptime',
  vitals: 'performance',
  speed: 'performance',
  latency: 'performance',
  apm: 'performance',
  logger: 'logging',
  logs: 'logging',
  log: 'logging',
  alert: 'alerts',
  alerting: 'alerts',
  pagerduty: 'alerts',
  cve: 'vulnerability',
  vulnerabilities: 'vulnerability',
  audit: 'vulnerability',
  scanning: 'vulnerability',
  dependabot: 'vulnerability',
  xlsx: 'vulnerability',
  jwt: 'authentication',
  auth: 'authentication',
  websocket: 'authentication',
  authorization: 'authentication',
  secret: 'secrets',
  vault: 'secrets',
  tls: 'headers',
  https: 'headers',
  csp: 'headers',
  backup: 'backups',
  recovery: 'disaster',
  dr: 'disaster',
  ratelimit: 'rate',
  throttling: 'rate',
  limiting: 'rate',
  incident: 'incident',
  playbook: 'incident',
  oncall: 'incident',
  retention: 'retention',
  deletion: 'retention',
  gdpr: 'consent',
  privacy: 'consent',
  parental: 'consent',
  legal: 'consent',
  owner: 'ownership',
  escalation: 'ownership',
  build: 'build',
  compile: 'build',
  eslint: 'build',
  ci: 'build',
  cicd: 'build',
  pipeline: 'build',
  load: 'load',
  stress: 'load',
  k6: 'load',
  rollback: 'rollback',
  revert: 'rollback',
  staging: 'staging',
  parity: 'staging',
  caching: 'capacity',
  cache: 'capacity',
  redis: 'capacity',
  queue: 'capacity',
  autoscaling: 'capacity',
  scaling: 'capacity',
};

/** Lower-cased keywords of a text; each word comes with its synonym group, if any. */
export function keywords(text: string): string[][] {
  const out = new Map<string, string[]>();
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw)) continue;
    const group = SYNONYMS[raw] ?? SYNONYMS[raw.replace(/s$/, '')];
    out.set(raw, group ? [raw, group] : [raw]);
  }
  return [...out.values()];
}

/**
 * A set of words to match against: the same word, or the same stem ("authentication" /
 * "authenticated", "monitor" / "monitoring": six shared first letters, or a five-letter
 * word that starts the other). Lookups are constant time.
 */
class WordSet {
  private readonly words = new Set<string>();
  private readonly prefix6 = new Set<string>();
  private readonly prefix5 = new Set<string>();
  private readonly five = new Set<string>();

  constructor(groups: string[][]) {
    for (const w of groups.flat()) {
      this.words.add(w);
      if (w.length >= 6) this.prefix6.add(w.slice(0, 6));
      if (w.length >= 5) this.prefix5.add(w.slice(0, 5));
      if (w.length === 5) this.five.add(w);
    }
  }

  has(w: string): boolean {
    if (this.words.has(w)) return true;
    if (w.length >= 6 && this.prefix6.has(w.slice(0, 6))) return true;
    if (w.length === 5) return this.prefix5.has(w);
    return w.length > 5 && this.five.has(w.slice(0, 5));
  }
}

/** How many words (counting a word and its synonym once) occur in the target. */
const hits = (words: string[][], target: WordSet) =>
  words.filter(forms => forms.some(w => target.has(w))).length;

/** A parsed task matched to a template task. */
export interface TaskMatch {
  taskId: string;
  title: string;
  /** 0..1 from the keyword match; 1 for a mapping the user chose. */
  confidence: number;
}

type TemplateWords = Array<{
  id: string;
  title: string;
  titleWords: WordSet;
  bodyWords: WordSet;
}>;

/** Keywords of every template task, computed once per report. */
function templateWords(template: ReadinessTemplate): TemplateWords {
  return template.phases
    .flatMap(p => p.tasks)
    .map(t => ({
      id: t.id,
      title: t.title,
      titleWords: new WordSet(keywords(t.title)),
      bodyWords: new WordSet(
        keywords(
          [t.description ?? '', ...t.checklist.map(c => c.title)].join(' '),
        ),
      ),
    }));
}

/**
 * Best template task for a parsed task. Title words weigh most; checklist lines only
 * support a match. At least one title word must meet the template task's title.
 */
function matchTask(
  parsed: ParsedTask,
  template: ReadinessTemplate | TemplateWords,
): TaskMatch | undefined {
  const tasks = Array.isArray(template) ? template : templateWords(template);
  const title = keywords(parsed.title);
  // The first lines of a checklist say enough; a huge one must not cost more.
  const checklist = keywords(
    parsed.checklist
      .slice(0, 50)
      .map(c => c.text)
      .join(' '),
  ).slice(0, 200);
  let best: (TaskMatch & { score: number }) | undefined;
  for (const t of tasks) {
    const titleHits = hits(title, t.titleWords);
    if (titleHits === 0) continue;
    const score =
      3 * titleHits +
      1.5 * hits(title, t.bodyWords) +
      Math.min(
        3,
        1.5 * hits(checklist, t.titleWords) +
          0.5 * hits(checklist, t.bodyWords),
      );
    if (score >= 4 && (!best || score > best.score)) {
      best = {
        taskId: t.id,
        title: t.title,
        score,
        confidence: Math.min(1, Math.round((score / 9) * 100) / 100),
      };
    }
  }
  return (
    best && {
      taskId: best.taskId,
      title: best.title,
      confidence: best.confidence,
    }
  );
}

/** The status for a template task that several report items mapped to. */
function combineStatuses(statuses: TaskStatus[]): TaskStatus {
  if (statuses.every(s => s === 'done')) return 'done';
  if (statuses.every(s => s === 'not_applicable')) return 'not_applicable';
  if (statuses.includes('blocked')) return 'blocked';
  if (statuses.some(s => s === 'done' || s === 'in_progress'))
    return 'in_progress';
  return 'todo';
}

/**
 * The user's corrections of a preview: report item id (`L<line>`) → template task id, or
 * `null` to leave the item out.
 */
export type MappingOverrides = Record<string, string | null>;

/** A correction that names an item or a task the report and template do not have. */
export class MappingOverrideError extends Error {
  name = 'MappingOverrideError';
}

/** Template task id → the status the report claims, with the report items behind it. */
export function mapReport(
  report: ParsedReport,
  template: ReadinessTemplate,
  overrides: MappingOverrides = {},
) {
  const words = templateWords(template);
  const titles = new Map(words.map(w => [w.id, w.title]));
  const items = new Set(report.phases.flatMap(p => p.tasks.map(t => t.id)));
  for (const [itemId, taskId] of Object.entries(overrides)) {
    if (!items.has(itemId))
      throw new MappingOverrideError(
        `mapping.${itemId}: the report has no item ${itemId}`,
      );
    if (taskId !== null && !titles.has(taskId))
      throw new MappingOverrideError(
        `mapping.${itemId}: template "${template.id}" has no task ${taskId}`,
      );
  }
  const byTask = new Map<string, { title: string; items: ParsedTask[] }>();
  const matches = new Map<ParsedTask, TaskMatch | undefined>();
  // Reports repeat items ("Build passing"); the same words match the same task.
  const seen = new Map<string, TaskMatch | undefined>();
  const automatic = (task: ParsedTask) => {
    const key = `${task.title}\u0000${task.checklist
      .slice(0, 50)
      .map(c => c.text)
      .join('\u0000')}`;
    if (!seen.has(key)) seen.set(key, matchTask(task, words));
    return seen.get(key);
  };
  const unmapped: ParsedTask[] = [];
  for (const phase of report.phases) {
    for (const task of phase.tasks) {
      const chosen = overrides[task.id];
      let match: TaskMatch | undefined;
      if (chosen === undefined) match = automatic(task);
      else if (chosen !== null)
        match = { taskId: chosen, title: titles.get(chosen)!, confidence: 1 };
      matches.set(task, match);
      if (!match) {
        if (chosen === undefined) unmapped.push(task);
        continue;
      }
      const entry = byTask.get(match.taskId) ?? {
        title: match.title,
        items: [],
      };
      entry.items.push(task);
      byTask.set(match.taskId, entry);
    }
  }
  const mapping = [...byTask.entries()].map(
    ([taskId, { title, items: from }]) => ({
      taskId,
      title,
      status: combineStatuses(from.map(i => i.status)),
      from: from.map(i => (i.ref ? `${i.ref} ${i.title}` : i.title)),
    }),
  );
  return { mapping, matches, unmapped };
}
