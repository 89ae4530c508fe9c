import { divisionName } from '../generate';
import { load } from '../load';
import { BenchContext, loadCommon, log, repeat } from './context';

/** Loads the score rollups: by owner, system and domain, and the org chart's two levels. */
export async function rollupsStep(ctx: BenchContext) {
  const common = loadCommon(ctx);
  for (const groupBy of ['owner', 'system', 'domain']) {
    ctx.results[`rollup-${groupBy}`] = await repeat(ctx, () =>
      load({
        ...common,
        name: `rollup by ${groupBy}`,
        connections: 10,
        nextRequest: () => ({
          path: `/api/readiness/scores?groupBy=${groupBy}`,
        }),
      }),
    );
  }
  // The org chart rollup: the root level, and one level down from a division.
  for (const [key, name, query] of [
    ['rollup-group', 'rollup by group (root level)', 'groupBy=group'],
    [
      'rollup-group-drill',
      'rollup by group (drill-down)',
      `groupBy=group&parent=${encodeURIComponent(
        `group:default/${divisionName(0)}`,
      )}`,
    ],
  ]) {
    ctx.results[key] = await repeat(ctx, () =>
      load({
        ...common,
        name,
        connections: 10,
        nextRequest: () => ({ path: `/api/readiness/scores?${query}` }),
      }),
    );
  }
  log('rollups done');
}
