import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { JobResult } from '../jobs';
import { BenchContext, HEAP_CAP_MB, log } from './context';

/**
 * Runs one job in its own process with the old-space heap capped at the memory target
 * (150 MB): finishing proves its live data fits; RSS growth is its footprint.
 */
export function runJob(
  ctx: BenchContext,
  job: 'recompute' | 'sync',
): JobResult {
  const readinessUrl = new URL(ctx.connection);
  readinessUrl.pathname = '/backstage_plugin_readiness';
  const out = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${HEAP_CAP_MB}`,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(ctx.repoRoot, 'bench', 'src', 'job.ts'),
      job,
      readinessUrl.toString(),
      ctx.base,
      ctx.serviceToken,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (out.status !== 0) {
    throw new Error(
      `${job} job failed (heap capped at ${HEAP_CAP_MB} MB): ${out.stderr.slice(
        -3000,
      )}`,
    );
  }
  const line = out.stdout.trim().split('\n').pop()!;
  return { ...JSON.parse(line), heapCapMB: HEAP_CAP_MB };
}

/** Runs the re-evaluation job, once per run, and lists it with the catalog sync. */
export async function recomputeStep(ctx: BenchContext) {
  const jobs: JobResult[] = [];
  for (let r = 0; r < (ctx.smoke ? 1 : 3); r++) {
    const j = runJob(ctx, 'recompute');
    jobs.push({ ...j, name: `${j.name} (run ${r + 1})` });
    log(JSON.stringify(jobs[jobs.length - 1]));
  }
  // Run before the load (see orgChartStep), listed after the re-evaluations as before.
  if (ctx.syncJob) jobs.push(ctx.syncJob);
  ctx.results.jobs = jobs;
}
