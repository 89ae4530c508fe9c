/**
 * Markdown import against a corpus of hostile documents up to the 1 MB body limit:
 * - worst parse time of the preview (in a worker with a generous budget);
 * - longest event-loop stall while the same documents go through the preview worker with
 *   its time budget, next to an idle loop measured in the same run (the reference).
 * `yarn bench:import [--smoke]`; the full run writes bench/RESULTS.import.md.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { PreviewRunner, defaultTemplate } from './backend';

const smoke = process.argv.includes('--smoke');
// Run from the repository root (`yarn bench:import`), like the main benchmark.
const repoRoot = process.cwd();
const size = smoke ? 64 * 1024 : 1_000_000;
const log = (m: string) => console.log(`[bench:import] ${m}`);
const fill = (unit: string, prefix = '', suffix = '') =>
  prefix +
  unit.repeat(
    Math.max(
      1,
      Math.floor((size - prefix.length - suffix.length) / unit.length),
    ),
  ) +
  suffix;
const phase = '## Phase 1: Monitoring\n\n';
const fixture = (f: string) =>
  fs.readFileSync(
    path.join(
      repoRoot,
      'plugins',
      'readiness-backend',
      'src',
      'import',
      '__fixtures__',
      f,
    ),
    'utf8',
  );
const REPORTS = [
  'dance-studio-platform.md',
  'matching-app.md',
  'numerology-app.md',
  'table-only-report.md',
  'revised-report.md',
];
const reference = REPORTS.slice(0, 3).map(fixture).join('\n\n');

const corpus: Array<[string, string]> = [
  ['risk line of spaces', fill(' ', `${phase}risk`, 'x\n')],
  ['estimate repeated', fill('estimate ', phase, '\n')],
  ['status repeated', fill('status ', phase, '\n')],
  [
    'one long numeric cell',
    fill('1', `${phase}| Area | Score |\n| --- | --- |\n| Ops | `, ' |\n'),
  ],
  [
    'digits and spaces before /100',
    fill(
      '7 ',
      `${phase}| Area | Score |\n| --- | --- |\n| Ops | `,
      '/ 100 |\n',
    ),
  ],
  [
    'huge table',
    fill(
      '| 1.1 Task | done | 10/100 | ✅ |\n',
      `${phase}| Task | Status | Score | Done |\n| --- | --- | --- | --- |\n`,
    ),
  ],
  ['thousands of headings', fill('## Phase 1: x\n### 1.1 Task\n')],
  [
    'deep list nesting',
    Array.from(
      { length: Math.floor(Math.sqrt(size)) - 20 },
      (_, i) => `${' '.repeat(i)}- [x] 1.${i}`,
    ).join('\n'),
  ],
  ['deep blockquotes', fill('>', '', ' - [x] 1.1 Error tracking\n')],
  ['pathological emphasis', fill('**a*', phase, '\n')],
  ['mixed emphasis', fill('**a *b _c ', phase, '\n')],
  ['unclosed links', fill('[a](', phase, '\n')],
  ['score soup', fill('score 99/100 → 98% ready ', phase, '\n')],
  ['many checkboxes', fill('- [x] 1.1 Error tracking ✅\n', phase)],
  ['parentheses', fill('(', `${phase}- [ ] 1.1 Task `, '\n')],
  ['reference reports repeated', fill(`${reference}\n`)],
];

async function main() {
  log(
    `${smoke ? 'smoke' : 'full'} run: ${
      corpus.length
    } documents of up to ${size} bytes`,
  );
  // Parse times through a worker with a generous budget, so one super-linear case cannot
  // hold the benchmark itself hostage; past it the time is reported as the budget.
  const budget = smoke ? 10_000 : 30_000;
  const timer = new PreviewRunner({ timeoutMs: budget });
  const parse: Array<{
    name: string;
    bytes: number;
    ms: number;
    tasks: number | string;
  }> = [];
  for (const [name, markdown] of corpus) {
    const started = Date.now();
    let tasks: number | string;
    try {
      const preview = await timer.preview(markdown, defaultTemplate);
      tasks = preview.phases.reduce((n, p) => n + p.tasks.length, 0);
    } catch {
      tasks = `over ${budget} ms`;
    }
    const ms = Date.now() - started;
    parse.push({ name, bytes: Buffer.byteLength(markdown), ms, tasks });
    log(`parse ${name}: ${ms} ms, ${tasks} tasks`);
  }
  await timer.close();

  // What each reference (and self-written) report yields, and how long it takes.
  const reports: string[] = [];
  const reader = new PreviewRunner({ timeoutMs: budget });
  for (const name of REPORTS) {
    const markdown = fixture(name);
    const started = Date.now();
    const preview = await reader.preview(markdown, defaultTemplate);
    const ms = Date.now() - started;
    const tasks = preview.phases.flatMap(p => p.tasks);
    reports.push(
      `| ${name} | ${Buffer.byteLength(markdown)} | ${ms} | ${
        preview.phases.length
      } | ${tasks.length} | ${tasks.reduce(
        (n, t) => n + t.checklist.length,
        0,
      )} | ${preview.blockers.filter(b => b.open).length}/${
        preview.blockers.length
      } | ${preview.claimedScore ?? '—'} | ${preview.risks.length} | ${
        preview.mapping.length
      } | ${preview.unmapped.length} |`,
    );
  }
  await reader.close();
  log(`reports:\n${reports.join('\n')}`);

  const measure = async (fn: () => Promise<void>) => {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const started = Date.now();
    await fn();
    h.disable();
    return {
      wallMs: Date.now() - started,
      maxStallMs: Math.round(h.max / 1e6),
      p99StallMs: Math.round(h.percentile(99) / 1e6),
    };
  };
  const runner = new PreviewRunner({ timeoutMs: 2000 });
  const outcomes: Record<string, string> = {};
  const worker = await measure(async () => {
    for (const [name, markdown] of corpus) {
      try {
        await runner.preview(markdown, defaultTemplate);
        outcomes[name] = '200';
      } catch (error) {
        outcomes[name] =
          (error as Error).name === 'ReportTooComplexError' ? '422' : 'error';
      }
    }
  });
  await runner.close();
  // The reference: the same loop, idle, for as long.
  const idle = await measure(
    () => new Promise(r => setTimeout(r, Math.min(worker.wallMs, 10_000))),
  );
  const worst = parse.reduce((a, b) => (b.ms > a.ms ? b : a));
  const result = {
    smoke,
    worstParse: worst,
    worker,
    idle,
    stallRatio: Number(
      (worker.maxStallMs / Math.max(1, idle.maxStallMs)).toFixed(1),
    ),
    outcomes,
    parse,
  };
  log(
    JSON.stringify({
      worstParse: worst,
      worker,
      idle,
      stallRatio: result.stallRatio,
      outcomes,
    }),
  );
  if (!smoke) {
    const out = path.join(repoRoot, 'bench', 'RESULTS.import.md');
    fs.writeFileSync(
      out,
      [
        '# Markdown import against hostile documents',
        '',
        `Written by \`yarn bench:import\` on ${new Date()
          .toISOString()
          .slice(
            0,
            10,
          )}. Parse times are the pure preview in process; stalls are the`,
        'backend loop while the same documents go through the preview worker (2 s budget), next to the same loop idle.',
        '',
        '| document | bytes | parse ms | tasks | worker outcome |',
        '| --- | --- | --- | --- | --- |',
        ...parse.map(
          p =>
            `| ${p.name} | ${p.bytes} | ${p.ms} | ${p.tasks} | ${
              outcomes[p.name]
            } |`,
        ),
        '',
        `Worst parse: **${worst.ms} ms** (${worst.name}). Longest event-loop stall through the worker: **${worker.maxStallMs} ms** (p99 ${worker.p99StallMs} ms) over ${worker.wallMs} ms, against **${idle.maxStallMs} ms** idle (ratio ${result.stallRatio}).`,
        '',
        '## What the reports yield',
        '',
        'Preview through the worker (first one includes starting it). Blockers: open/all; mapped: template tasks the report maps to; not imported: unmapped items and checkboxes outside any task.',
        '',
        '| report | bytes | ms | phases | tasks | checklist items | blockers | claimed score | risks | mapped | not imported |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...reports,
        '',
      ].join('\n'),
    );
    log(`wrote ${path.relative(process.cwd(), out)}`);
  }
}

let finished = false;
// A run that ends because nothing keeps the process alive (an unref'd worker) is a failure,
// not a silent success.
process.on('beforeExit', () => {
  if (!finished) {
    console.error(
      '[bench:import] the process ran out of work before the run finished',
    );
    process.exit(1);
  }
});
main()
  .then(() => {
    finished = true;
  })
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
