import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { CatalogClient } from '@backstage/catalog-client';
import { ConfigReader } from '@backstage/config';
import {
  CatalogSyncJob,
  DatabaseReadinessStore,
  ReadinessService,
  TemplateRegistry,
} from './backend';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Wall time and memory growth of one in-process job. */
export interface JobResult {
  name: string;
  wallSeconds: number;
  /**
   * Peak heap in use during the job minus heap in use before it (after a GC); includes
   * garbage not yet collected, so it depends on the heap limit.
   */
  peakHeapGrowthMB: number;
  /** Heap in use after the job (and a GC) minus before: what the job leaves behind. */
  retainedHeapMB: number;
  /** Peak resident memory of the process during the job minus resident memory before it. */
  rssGrowthMB: number;
  detail: string;
  /** The job's process ran with `--max-old-space-size` set to this. */
  heapCapMB?: number;
}

const quietLogger: LoggerService = {
  child: () => quietLogger,
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(`  [warn] ${m}`),
  error: (m: string) => console.error(`  [error] ${m}`),
};

const gc = () => (global as any).gc?.();
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Runs `fn`, sampling heap use every 20 ms, after a full GC when `--expose-gc` is on. */
export async function measureJob(
  name: string,
  fn: () => Promise<string>,
): Promise<JobResult> {
  gc();
  const before = process.memoryUsage();
  let peak = before.heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const t0 = process.hrtime.bigint();
  const detail = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  gc();
  const after = process.memoryUsage();
  return {
    name,
    wallSeconds: Math.round(wall * 100) / 100,
    peakHeapGrowthMB: mb(peak - before.heapUsed),
    retainedHeapMB: mb(after.heapUsed - before.heapUsed),
    // maxRSS is the process's high-water mark, so this is the job's peak footprint growth.
    rssGrowthMB: mb(process.resourceUsage().maxRSS * 1024 - before.rss),
    detail,
  };
}

/** A catalog service over HTTP with a static token (what the backend's catalogServiceRef does). */
export function httpCatalog(baseUrl: string, token: string): CatalogService {
  const client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `${baseUrl}/api/catalog` },
  });
  return new Proxy({} as CatalogService, {
    get: (_target, method: string) => (request: unknown, _options: unknown) =>
      (client as any)[method](request, { token }),
  });
}

/** The plugin's own service objects, wired as plugin.ts wires them, against `store`. */
export function readinessJobs(options: {
  store: DatabaseReadinessStore;
  catalog: CatalogService;
}) {
  const config = new ConfigReader({});
  const templates = TemplateRegistry.fromConfig(config);
  const auth = mockServices.auth();
  const service = new ReadinessService({
    store: options.store,
    templates,
    catalog: options.catalog,
    auth,
    logger: quietLogger,
    config,
    cache: CacheManager.fromConfig(config).forPlugin('readiness'),
  });
  const sync = new CatalogSyncJob({
    catalog: options.catalog,
    auth,
    service,
    templates,
    logger: quietLogger,
  });
  return { service, sync };
}
