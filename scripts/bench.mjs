// `yarn bench [--smoke]` (node scripts/bench.mjs): starts a throw-away embedded PostgreSQL and runs the benchmark
// (bench/src/run.ts) against it. The full run writes bench/RESULTS.md; --smoke runs the same
// harness on a small organisation and writes bench/RESULTS.smoke.md (git-ignored). With
// --checks it runs bench/src/checks.ts instead (bench/RESULTS.checks.md).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  checkNode,
  freePort,
  repoRoot,
  startEmbeddedPostgres,
  tmpDir,
} from './lib.mjs';

checkNode();
let pg;
let url = process.env.BENCH_DATABASE_URL;
if (!url) {
  pg = await startEmbeddedPostgres({
    dataDir: tmpDir('readiness-bench-pg'),
    port: await freePort(),
    persistent: false,
  });
  url = pg.connectionString;
}
const res = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    // --checks: one full cycle of the automatic checks against local fakes (bench/src/checks.ts).
    path.join('bench', 'src', process.argv.includes('--checks') ? 'checks.ts' : 'run.ts'),
    ...process.argv.slice(2).filter(a => a !== '--checks'),
  ],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      BENCH_DATABASE_URL: url,
      BENCH_PORT: String(await freePort()),
    },
  },
);
if (pg) await pg.stop().catch(() => {});
process.exit(res.status ?? 1);
