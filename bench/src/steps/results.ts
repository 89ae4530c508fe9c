import fs from 'node:fs';
import path from 'node:path';
import { FrontendResult, frontendWeight } from '../frontend';
import { groupName, ownerOf, serviceName } from '../generate';
import { renderResults } from '../report';
import { TechInsightsResult, runTechInsights } from '../techInsights';
import { BenchContext, log, median } from './context';

/** Measures the frontend's weight (a failure is reported, not thrown). */
export async function frontendStep(ctx: BenchContext) {
  ctx.results.frontend = await frontendWeight({
    base: ctx.base,
    entity: serviceName(42),
    owner: groupName(ownerOf(42, ctx.shape)),
    smoke: ctx.smoke,
  }).catch((e: Error) => ({ error: e.message } as unknown as FrontendResult));
  log(`frontend: ${JSON.stringify(ctx.results.frontend)}`);
}

/** Runs Tech Insights on the same organisation, side by side (with the backend stopped). */
export async function techInsightsStep(ctx: BenchContext) {
  const ti: TechInsightsResult = await runTechInsights({
    shape: ctx.shape,
    connection: ctx.connection,
    runs: ctx.runs,
  });
  ctx.results.techInsights = ti;
  log(`tech insights: ${JSON.stringify(ti)}`);
}

/** Writes bench/RESULTS.md (bench/RESULTS.smoke.md for a smoke run). */
export function reportStep(ctx: BenchContext) {
  const { smoke, shape, generated, repoRoot } = ctx;
  const markdown = renderResults({
    smoke,
    shape,
    generated: {
      counts: generated.counts,
      seconds: generated.seconds,
      statuses: generated.statuses,
    },
    backendStartSeconds: ctx.backendStartSeconds,
    catalogIngestSeconds: ctx.catalogIngestSeconds,
    results: ctx.results,
    median,
  });
  const out = path.join(
    repoRoot,
    'bench',
    smoke ? 'RESULTS.smoke.md' : 'RESULTS.md',
  );
  fs.writeFileSync(out, markdown);
  log(`wrote ${path.relative(repoRoot, out)}`);
}

/** Throws when any load run had errors or answers other than 2xx. */
export function failuresStep(ctx: BenchContext) {
  const failures = Object.values(ctx.results)
    .flat()
    .filter(
      (r: any) =>
        r &&
        typeof r === 'object' &&
        'errors' in r &&
        (r.errors > 0 ||
          Object.keys(r.statusCounts).some(s => !s.startsWith('2'))),
    );
  if (failures.length) {
    throw new Error(
      `requests failed: ${JSON.stringify(
        failures.map((f: any) => [f.name, f.errors, f.statusCounts]),
      )}`,
    );
  }
}
