/*
 * The readiness benchmark: generates the organisation into PostgreSQL through the plugin's
 * store, starts the demo backend on it, and measures the API over HTTP with autocannon, the
 * re-evaluation and catalog sync jobs in-process, Tech Insights side by side, and the
 * frontend's weight. Started by scripts/bench.mjs (`yarn bench`, or `--smoke` for a small run).
 * Each step is in ./steps, in the order `main` runs them.
 */
import {
  backendUpStep,
  catalogStep,
  holdStep,
  orgRelationsStep,
  startBackendStep,
} from './steps/backend';
import { benchSettings, log } from './steps/context';
import { entityLoadStep } from './steps/entityLoad';
import { databasesStep, generateStep } from './steps/generate';
import { recomputeStep } from './steps/jobs';
import { orgChartStep } from './steps/orgChart';
import { orgPageStep, orgViewStep, pagingStep } from './steps/paging';
import {
  failuresStep,
  frontendStep,
  reportStep,
  techInsightsStep,
} from './steps/results';
import { rollupsStep } from './steps/rollups';
import { updatesStep } from './steps/updates';

/** Runs the benchmark's steps in order; the backend and database are released whatever happens. */
async function main() {
  const settings = benchSettings();
  if (!settings.connection)
    throw new Error(
      'BENCH_DATABASE_URL is not set: run through scripts/bench.mjs',
    );
  log(
    `${settings.smoke ? 'smoke run' : 'full run'}: ${JSON.stringify(
      settings.shape,
    )}`,
  );
  const readinessDb = await databasesStep(settings);
  const generated = await generateStep(settings, readinessDb);
  const ctx = startBackendStep(settings, readinessDb, generated);
  try {
    await backendUpStep(ctx);
    await catalogStep(ctx);
    await orgRelationsStep(ctx);
    await orgChartStep(ctx);
    // A running backend re-scores every plan within its first minute (storing each card);
    // the re-evaluation's timed runs come first so the loads read that state.
    await recomputeStep(ctx);
    if (process.argv.includes('--hold')) await holdStep(ctx);
    await entityLoadStep(ctx);
    await rollupsStep(ctx);
    await pagingStep(ctx);
    await updatesStep(ctx);
    await orgViewStep(ctx);
    await orgPageStep(ctx);
    await frontendStep(ctx);
    await ctx.backend.stop();
    await techInsightsStep(ctx);
    reportStep(ctx);
    failuresStep(ctx);
  } finally {
    await ctx.backend.stop();
    await readinessDb.destroy();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
