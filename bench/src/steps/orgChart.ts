import { ROOT_GROUP, departmentName, divisionName, ownerOf } from '../generate';
import { BenchContext, log, until } from './context';
import { runJob } from './jobs';

/**
 * Checks the group rollup against the generated organisation (a fast wrong answer would be
 * worthless): the root level is the one root group and counts every service; the drill-down
 * into the first division lists its departments and counts its services. Waits out the
 * backend's rollup cache (15 s), then fails loudly with what the backend answered.
 */
async function checkOrgChart(ctx: BenchContext) {
  const { base, token, chart, shape } = ctx;
  let problem = 'no answer yet';
  // The first answer to a query is computed (later ones come from the 15 s rollup cache,
  // as most answers in the load runs do): its time is the query's own cost.
  const firstMs: Record<string, number> = {};
  const rollup = async (query: string) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/readiness/scores?${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    }).catch(error => {
      problem = `scores?${query} failed: ${error.cause ?? error}`;
      throw error;
    });
    if (!res.ok) {
      problem = `scores?${query} answered ${res.status}: ${await res.text()}`;
      throw new Error(problem);
    }
    const items = ((await res.json()) as any).items as Array<{
      key: string;
      services: number;
    }>;
    firstMs[query] ??= Math.round((performance.now() - t0) * 10) / 10;
    return items;
  };
  const rootRef = `group:default/${ROOT_GROUP}`;
  const parent = `group:default/${divisionName(0)}`;
  const expectedDepartments: string[] = [];
  for (let d = 0; d < chart.departments; d++) {
    if (chart.divisionOf(d) === 0)
      expectedDepartments.push(`group:default/${departmentName(d)}`);
  }
  let expectedDivisionServices = 0;
  for (let i = 0; i < shape.services; i++) {
    if (chart.divisionOf(chart.departmentOf(ownerOf(i, shape))) === 0)
      expectedDivisionServices += 1;
  }
  // One rollup first, so the timed group answers do not pay for the first request's setup
  // (retried: spawnSync blocked this event loop through the sync job, so a keep-alive socket
  // the backend closed meanwhile may be reused once and fail).
  await until(
    'readiness rollup',
    30_000,
    () => rollup('groupBy=owner'),
    () => problem,
  );
  const rows = (items: Array<{ key: string; services: number }>) =>
    JSON.stringify(items.map(r => [r.key, r.services]));
  return until(
    'group rollup check',
    60_000,
    async () => {
      const root = await rollup('groupBy=group');
      if (
        root.length !== 1 ||
        root[0].key !== rootRef ||
        root[0].services !== shape.services
      ) {
        problem = `groupBy=group answered ${rows(
          root,
        )}; expected only ${rootRef} with all ${shape.services} services`;
        return undefined;
      }
      const drillQuery = `groupBy=group&parent=${encodeURIComponent(parent)}`;
      const drill = await rollup(drillQuery);
      const drillServices = drill.reduce((n, r) => n + r.services, 0);
      if (
        JSON.stringify(drill.map(r => r.key)) !==
          JSON.stringify(expectedDepartments) ||
        drillServices !== expectedDivisionServices
      ) {
        problem = `groupBy=group&parent=${parent} answered ${rows(
          drill,
        )}; expected ${JSON.stringify(
          expectedDepartments,
        )} with ${expectedDivisionServices} services in all`;
        return undefined;
      }
      return {
        levels: chart.levels,
        root: rootRef,
        rootServices: root[0].services,
        drillParent: parent,
        drillRows: drill.length,
        drillServices,
        uncachedMs: [firstMs['groupBy=group'], firstMs[drillQuery]],
      };
    },
    () => `the group rollup is wrong: ${problem}`,
  );
}

/**
 * Runs the measured full catalog sync (the plugin's CatalogSync in its own process, reported
 * with the jobs) so that it stores the org chart, then checks the group rollup against it.
 */
export async function orgChartStep(ctx: BenchContext) {
  // The backend's own sync is scheduled an hour out (app-config.bench.yaml); this one runs
  // before the group rollups are measured.
  ctx.syncJob = runJob(ctx, 'sync');
  log(JSON.stringify(ctx.syncJob));
  ctx.results.orgChart = await checkOrgChart(ctx);
  log(`org chart: ${JSON.stringify(ctx.results.orgChart)}`);
}
