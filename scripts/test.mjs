// `node scripts/test.mjs`: installs dependencies, type-checks, lints, and runs every test
// once, database tests on a real PostgreSQL (see with-postgres.mjs).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkNode, install, repoRoot, run, yarnRelease } from './lib.mjs';

checkNode();
install();

// The end-to-end test drives Debian's Chromium (playwright cannot download browsers here).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (process.getuid?.() === 0) {
    console.log('=== installing Debian chromium for the end-to-end test ===');
    await run('apt-get', ['update', '-qq']);
    await run('apt-get', ['install', '-y', '-qq', 'chromium']);
  }
  if (!existsSync(chromium)) {
    console.error(
      `No Chromium at ${chromium}: install Debian's chromium package or set CHROMIUM_PATH.`,
    );
    process.exit(1);
  }
}

const bin = name => path.join(repoRoot, 'node_modules', '.bin', name);
const steps = [
  // The HTTP contract is schema/openapi.yaml; what is generated from it (the backend's typed
  // router, the frontend client's types) must be regenerated with it. Neither check needs Java.
  [
    'OpenAPI: generated files up to date',
    process.execPath,
    [
      path.join(
        repoRoot,
        'plugins',
        'readiness-backend',
        'src',
        'schema',
        'generate.mjs',
      ),
      '--check',
    ],
  ],
  // Backstage's own check: each package's openapi.yaml is valid and equals the `spec` of its
  // src/schema/openapi/generated/router.ts (loaded through the CLI's TypeScript transform).
  [
    'OpenAPI: repo-tools validate',
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      bin('backstage-repo-tools'),
      'repo',
      'schema',
      'openapi',
      'validate',
    ],
    { cwd: repoRoot },
  ],
  // Not incremental: the declarations the API reports read must come out the same on every
  // machine (an incremental build orders the members of inferred types differently).
  ['type-check', bin('tsc'), ['--incremental', 'false']],
  ['lint', bin('backstage-cli'), ['repo', 'lint']],
  // The repo scripts' own helpers (process-group stop of `start.mjs`, …) with node:test.
  [
    'script tests',
    process.execPath,
    [
      '--test',
      path.join(repoRoot, 'scripts', 'lib.test.mjs'),
      path.join(repoRoot, 'scripts', 'pack.test.mjs'),
    ],
  ],
  // Publishable metadata (repository, pluginPackages, …) as `backstage-cli repo fix --publish` keeps it.
  [
    'publish metadata',
    bin('backstage-cli'),
    ['repo', 'fix', '--publish', '--check'],
  ],
  // The public surface of every package (and /alpha) against the checked-in report.api.md files;
  // the type-check step above wrote the declarations they are read from.
  [
    'API reports',
    process.execPath,
    [yarnRelease(), 'build:api-reports', '--ci'],
  ],
  // Build and `yarn pack` every plugin, then check the tarballs install outside this workspace.
  [
    'pack the plugins',
    process.execPath,
    [path.join(repoRoot, 'scripts', 'pack.mjs')],
  ],
  [
    'unit + integration tests',
    process.execPath,
    [
      path.join(repoRoot, 'scripts', 'with-postgres.mjs'),
      bin('backstage-cli'),
      'repo',
      'test',
      '--ci',
    ],
    { env: { ...process.env, CI: process.env.CI ?? 'true' } },
  ],
  [
    'build the demo app',
    bin('backstage-cli'),
    ['package', 'build'],
    { cwd: path.join(repoRoot, 'packages', 'app') },
  ],
  [
    'end-to-end in headless Chromium',
    process.execPath,
    [path.join(repoRoot, 'e2e', 'run.mjs')],
  ],
  // An adopter's own app (e2e/adopter, outside this workspace) installs the packed tarballs as
  // the READMEs say, builds, starts on PostgreSQL and shows the card, the tab and the org page.
  [
    'adopter app from the tarballs',
    process.execPath,
    [path.join(repoRoot, 'e2e', 'adopter.mjs')],
  ],
  // The benchmark harness on a small organisation, so it cannot rot; no timing is asserted.
  [
    'benchmark smoke run',
    process.execPath,
    [path.join(repoRoot, 'scripts', 'bench.mjs'), '--smoke'],
  ],
  // One check cycle (built-in, GitHub and PagerDuty checks against local fakes) on 200 services.
  [
    'check cycle benchmark smoke run',
    process.execPath,
    [path.join(repoRoot, 'scripts', 'bench.mjs'), '--checks', '--smoke'],
  ],
  // The importer against hostile documents (64 KB each in the smoke run), off the event loop.
  [
    'import benchmark smoke run',
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      path.join(repoRoot, 'bench', 'src', 'importer.ts'),
      '--smoke',
    ],
    { cwd: repoRoot },
  ],
];
for (const [name, cmd, args, opts] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const code = await run(cmd, args, opts);
  console.log(
    `=== ${name}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s ===`,
  );
  if (code !== 0) process.exit(code);
}
