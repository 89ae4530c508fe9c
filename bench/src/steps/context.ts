import { Knex } from 'knex';
import {
  FULL_ORG,
  OrgShape,
  QUICK_ORG,
  benchTemplate,
  orgChart,
} from '../generate';
import { JobResult } from '../jobs';
import { LoadResult, percentile } from '../load';

/** Settings of one benchmark run, from the command line and the environment. */
export interface BenchSettings {
  /** The repository root (scripts/bench.mjs starts the bench there). */
  repoRoot: string;
  smoke: boolean;
  /** `--quick`: the 10 000-service organisation instead of the full 50 000. */
  quick: boolean;
  shape: OrgShape;
  /** How often each measurement is repeated. */
  runs: number;
  /** Duration of one load run. */
  seconds: number;
  /** The PostgreSQL server the bench creates its databases on. */
  connection: string;
}

/** The organisation generated into the readiness database. */
export interface Generated {
  template: ReturnType<typeof benchTemplate>;
  counts: { plans: number; tasks: number; evidence: number; snapshots: number };
  seconds: number;
  statuses: Record<string, number>;
}

/** The demo backend the bench started. */
export interface Backend {
  /** The tail of its log. */
  output: () => string;
  stop: () => Promise<void>;
}

/** What the steps share once the backend is started; each step adds to `results`. */
export interface BenchContext extends BenchSettings {
  readinessDb: Knex;
  generated: Generated;
  backend: Backend;
  work: string;
  base: string;
  serviceToken: string;
  /** A guest user's token, once the backend is up. */
  token: string;
  /** When the wait for the backend began: start and ingestion times count from here. */
  startedAt: number;
  backendStartSeconds: number;
  catalogIngestSeconds: number;
  chart: ReturnType<typeof orgChart>;
  /** The full catalog sync, run before the load and listed with the jobs. */
  syncJob?: JobResult;
  results: Record<string, unknown>;
}

/** Old-space heap cap of each job process, the memory target. */
export const HEAP_CAP_MB = 150;

/** Logs one line of progress. */
export const log = (m: string) => console.log(`[bench] ${m}`);

/** Median of a list of numbers. */
export const median = (xs: number[]) => percentile(xs, 50);

/**
 * The settings from `process` (started by scripts/bench.mjs): the full organisation
 * (50 000 services), `--quick` (10 000) or `--smoke` (60). The full run repeats each load
 * measurement twice instead of three times, to keep it within about an hour.
 */
export function benchSettings(): BenchSettings {
  const smoke = process.argv.includes('--smoke');
  const quick = !smoke && process.argv.includes('--quick');
  let shape = FULL_ORG;
  let runs = 2;
  if (smoke) {
    shape = { services: 60, groups: 6, systems: 5, domains: 2, historyDays: 7 };
    runs = 1;
  } else if (quick) {
    shape = QUICK_ORG;
    runs = 3;
  }
  return {
    // Started by scripts/bench.mjs with the repository root as working directory.
    repoRoot: process.cwd(),
    smoke,
    quick,
    shape,
    runs,
    seconds: smoke ? 2 : 10,
    connection: process.env.BENCH_DATABASE_URL!,
  };
}

/** The options every load run shares. */
export const loadCommon = (ctx: BenchContext) => ({
  url: ctx.base,
  token: ctx.token,
  duration: ctx.seconds,
});

/** Runs a load measurement `ctx.runs` times. */
export async function repeat(
  ctx: BenchContext,
  fn: () => Promise<LoadResult>,
): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for (let r = 0; r < ctx.runs; r++) all.push(await fn());
  return all;
}

/** Polls `fn` every second until it returns a value; throws after `ms` with `onTimeout()`. */
export async function until<T>(
  what: string,
  ms: number,
  fn: () => Promise<T | undefined>,
  onTimeout: () => string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${what} timed out\n${onTimeout()}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}
