import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import yaml from 'yaml';
import { catalogEntities, orgChart } from '../generate';
import {
  Backend,
  BenchContext,
  BenchSettings,
  Generated,
  log,
  until,
} from './context';

/** Starts the demo backend in production mode, its output going to `logFile`. */
function startBackend(
  repoRoot: string,
  env: Record<string, string>,
  logFile: string,
): Backend {
  // Logs go straight to a file: reading them here would cost CPU inside the measurements.
  const logFd = fs.openSync(logFile, 'w');
  // Production mode, as deployed: compact JSON responses and JSON logs (the CLI's
  // `package start` is development mode: pretty-printed JSON, colour logs, file watching).
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../bench/app-config.bench.yaml',
    ],
    {
      cwd: path.join(repoRoot, 'packages', 'backend'),
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', logFd, logFd],
      detached: true,
    },
  );
  const output = () => fs.readFileSync(logFile, 'utf8').slice(-20_000);
  return {
    output,
    stop: async () => {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
      await new Promise(r => setTimeout(r, 2000));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Writes the catalog of the organisation and starts the backend on it. */
export function startBackendStep(
  settings: BenchSettings,
  readinessDb: Knex,
  generated: Generated,
): BenchContext {
  const { shape, connection } = settings;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-bench-'));
  const catalogFile = path.join(work, 'catalog.yaml');
  fs.writeFileSync(
    catalogFile,
    catalogEntities(shape)
      .map(d => yaml.stringify(d))
      .join('---\n'),
  );
  const seedFile = path.join(work, 'seed.yaml');
  fs.writeFileSync(seedFile, 'services: {}\n');

  const port = Number(process.env.BENCH_PORT ?? 7017);
  const base = `http://localhost:${port}`;
  const serviceToken = randomBytes(24).toString('hex');
  const pg = new URL(connection);
  const backend = startBackend(
    settings.repoRoot,
    {
      BENCH_PORT: String(port),
      BENCH_CATALOG_FILE: catalogFile,
      BENCH_SEED_FILE: seedFile,
      BENCH_SERVICE_TOKEN: serviceToken,
      POSTGRES_HOST: pg.hostname,
      POSTGRES_PORT: pg.port,
      POSTGRES_USER: decodeURIComponent(pg.username),
      POSTGRES_PASSWORD: decodeURIComponent(pg.password),
      APP_CONFIG_app_baseUrl: base,
      APP_CONFIG_backend_cors_origin: base,
    },
    path.join(work, 'backend.log'),
  );
  log(`backend log: ${path.join(work, 'backend.log')}`);
  return {
    ...settings,
    readinessDb,
    generated,
    backend,
    work,
    base,
    serviceToken,
    token: '',
    startedAt: Date.now(),
    backendStartSeconds: 0,
    catalogIngestSeconds: 0,
    chart: orgChart(shape),
    results: {},
  };
}

/** Waits for the backend to answer, and signs in as a guest. */
export async function backendUpStep(ctx: BenchContext) {
  ctx.startedAt = Date.now();
  ctx.token = await until(
    'backend start',
    300_000,
    async () => {
      const res = await fetch(
        `${ctx.base}/api/auth/guest/refresh?env=development`,
        {
          headers: { 'X-Requested-With': 'XMLHttpRequest' },
        },
      );
      return res.ok
        ? (((await res.json()) as any).backstageIdentity.token as string)
        : undefined;
    },
    ctx.backend.output,
  );
  ctx.backendStartSeconds = (Date.now() - ctx.startedAt) / 1000;
  log(`backend up in ${ctx.backendStartSeconds.toFixed(1)} s`);
}

/** The number of catalog entities matching a filter. */
async function catalogCount(ctx: BenchContext, filter = 'kind=component') {
  const res = await fetch(
    `${ctx.base}/api/catalog/entities/by-query?filter=${encodeURIComponent(
      filter,
    )}&limit=1`,
    {
      headers: { Authorization: `Bearer ${ctx.serviceToken}` },
    },
  );
  return ((await res.json()) as any).totalItems as number;
}

/** Waits for the catalog to ingest every service and settle. */
export async function catalogStep(ctx: BenchContext) {
  const { shape, smoke } = ctx;
  // 20 minutes at least, two more per 1 000 services: 10 000 took 157 s, and the catalog
  // processes one location of 50 000 entities.
  const ingestMs = Math.max(1_200_000, shape.services * 120);
  await until(
    'catalog ingestion',
    ingestMs,
    async () =>
      (await catalogCount(ctx)) >= shape.services ? true : undefined,
    () => `catalog has ${'?'} components`,
  );
  ctx.catalogIngestSeconds = (Date.now() - ctx.startedAt) / 1000;
  // Let the catalog finish its first processing pass (stitching, relations) so it does
  // not compete with the measurements: wait until nothing is due for processing.
  const catalogUrl = new URL(ctx.connection);
  catalogUrl.pathname = '/backstage_plugin_catalog';
  const catalogDb = knexFactory({
    client: 'pg',
    connection: catalogUrl.toString(),
  });
  await until(
    'catalog processing to settle',
    ingestMs / 2,
    async () => {
      const [{ due }] = await catalogDb('refresh_state')
        .where('next_update_at', '<=', catalogDb.fn.now())
        .count({ due: '*' });
      return Number(due) === 0 ? true : undefined;
    },
    () => 'catalog still processing',
  );
  await catalogDb.destroy();
  await new Promise(r => setTimeout(r, smoke ? 1000 : 15_000));
  log(
    `catalog holds ${
      shape.services
    } components after ${ctx.catalogIngestSeconds.toFixed(0)} s`,
  );
}

/**
 * Waits until every group but the root has its childOf relation (derived by the catalog
 * from spec.parent), so that the readiness catalog sync reads the whole org chart.
 */
export async function orgRelationsStep(ctx: BenchContext) {
  const { chart } = ctx;
  const groupsWithParent = chart.divisions + chart.departments + chart.teams;
  let groupsLinked = 0;
  await until(
    'catalog org chart relations',
    300_000,
    async () => {
      groupsLinked = await catalogCount(ctx, 'kind=group,relations.childOf');
      return groupsLinked >= groupsWithParent ? true : undefined;
    },
    () =>
      `catalog has ${groupsLinked} of ${groupsWithParent} groups with a parent`,
  );
}

/** For profiling by hand (`--hold`): keeps the loaded backend up until interrupted. */
export async function holdStep(ctx: BenchContext) {
  const { base, token, serviceToken } = ctx;
  fs.writeFileSync(
    path.join(os.tmpdir(), 'readiness-bench-hold.json'),
    JSON.stringify({ base, token, serviceToken }),
  );
  log(`holding: ${base} (token in ${os.tmpdir()}/readiness-bench-hold.json)`);
  await new Promise(() => {});
}
