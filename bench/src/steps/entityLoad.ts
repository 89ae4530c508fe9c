import { serviceName } from '../generate';
import { load } from '../load';
import { BenchContext, loadCommon, log, repeat } from './context';

/** The name of a random generated service. */
const randomService = (ctx: BenchContext) =>
  serviceName(Math.floor(Math.random() * ctx.shape.services));

/**
 * Loads the entity readiness endpoint after a warm-up: at an offered 500 req/s (the target
 * is a latency there), saturating (the ceiling) and at 200 req/s; then the catalog's own
 * entity read for reference.
 */
export async function entityLoadStep(ctx: BenchContext) {
  const common = loadCommon(ctx);
  const entity = () => ({
    path: `/api/readiness/entities/component/default/${randomService(ctx)}`,
  });
  await load({
    ...common,
    name: 'warm-up',
    connections: 10,
    duration: ctx.smoke ? 1 : 5,
    nextRequest: entity,
  });
  ctx.results.entity = await repeat(ctx, () =>
    load({
      ...common,
      name: 'entity readiness, 500 req/s offered',
      connections: 50,
      rate: 500,
      nextRequest: entity,
    }),
  );
  ctx.results.entityMax = await repeat(ctx, () =>
    load({
      ...common,
      name: 'entity readiness, saturating',
      connections: 50,
      nextRequest: entity,
    }),
  );
  // Latency well below saturation, as a person opening entity pages sees it.
  ctx.results.entityLight = await repeat(ctx, () =>
    load({
      ...common,
      name: 'entity readiness, 200 req/s offered',
      connections: 10,
      rate: 200,
      nextRequest: entity,
    }),
  );
  log(`entity endpoint: ${JSON.stringify(ctx.results.entity)}`);
  // For reference: the catalog's own entity read, which the readiness read may call.
  ctx.results.catalogRead = await repeat(ctx, () =>
    load({
      ...common,
      name: 'catalog entity read, 500 req/s offered (reference)',
      connections: 50,
      rate: 500,
      nextRequest: () => ({
        path: `/api/catalog/entities/by-name/component/default/${randomService(
          ctx,
        )}`,
      }),
    }),
  );
  log(`catalog read: ${JSON.stringify(ctx.results.catalogRead)}`);

  // The card's own read (issue 17), against a floor in the same backend and run: a trivial
  // readiness route that authenticates the caller and touches no database
  // (packages/backend/src/modules/readinessBenchFloor.ts).
  const summary = () => ({ path: `${entity().path}/summary` });
  ctx.results.summary = await repeat(ctx, () =>
    load({
      ...common,
      name: 'card summary, 500 req/s offered',
      connections: 50,
      rate: 500,
      nextRequest: summary,
    }),
  );
  ctx.results.summaryBursts = await repeat(ctx, () =>
    load({
      ...common,
      name: 'card summary, 500 req/s in per-second bursts (autocannon overallRate, as before)',
      connections: 50,
      rate: 500,
      bursts: true,
      nextRequest: summary,
    }),
  );
  // What the machine allows at that rate: the floor, offered the same load.
  ctx.results.floor500 = await repeat(ctx, () =>
    load({
      ...common,
      name: 'floor, 500 req/s offered',
      connections: 50,
      rate: 500,
      nextRequest: () => ({ path: '/api/readiness/bench/floor' }),
    }),
  );
  ctx.results.summaryMax = await repeat(ctx, () =>
    load({
      ...common,
      name: 'card summary, saturating',
      connections: 50,
      nextRequest: summary,
    }),
  );
  ctx.results.floorMax = await repeat(ctx, () =>
    load({
      ...common,
      name: 'floor: GET /api/readiness/bench/floor (auth only), saturating',
      connections: 50,
      nextRequest: () => ({ path: '/api/readiness/bench/floor' }),
    }),
  );
  // A second reference: a real readiness route without database (about 14 KB of JSON).
  ctx.results.templatesMax = await repeat(ctx, () =>
    load({
      ...common,
      name: 'template list (auth, permission, no database), saturating',
      connections: 50,
      nextRequest: () => ({ path: '/api/readiness/templates' }),
    }),
  );
  const bytes = async (path: string) => {
    const res = await fetch(`${ctx.base}${path}`, {
      headers: { authorization: `Bearer ${ctx.token}` },
    });
    return (await res.arrayBuffer()).byteLength;
  };
  const sample = entity().path;
  ctx.results.payloadBytes = {
    full: await bytes(sample),
    summary: await bytes(`${sample}/summary`),
  };
  log(`card summary: ${JSON.stringify(ctx.results.summary)}`);
}
