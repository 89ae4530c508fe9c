// `node scripts/test.mjs`: installs dependencies, type-checks, lints, and runs every test
// once, database tests on a real PostgreSQL (see with-postgres.mjs).
import path from 'node:path';
import { checkNode, install, repoRoot, run } from './lib.mjs';

checkNode();
install();

const bin = name => path.join(repoRoot, 'node_modules', '.bin', name);
const steps = [
  ['type-check', bin('tsc'), []],
  ['lint', bin('backstage-cli'), ['repo', 'lint']],
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
