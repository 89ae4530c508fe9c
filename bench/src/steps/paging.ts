import { percentile, timed } from '../load';
import { BenchContext, log } from './context';

/** Pages through every service, 100 a page, once per run: pages, total and p95 page time. */
export async function pagingStep(ctx: BenchContext) {
  const { base, token } = ctx;
  const paging: Array<{
    pages: number;
    totalMs: number;
    p95PageMs: number;
    rows: number;
  }> = [];
  for (let r = 0; r < ctx.runs; r++) {
    const pageMs: number[] = [];
    let cursor: string | undefined;
    let rows = 0;
    const t0 = Date.now();
    const page = async (after: string | undefined) => {
      const res = await fetch(
        `${base}/api/readiness/services?limit=100${
          after ? `&cursor=${encodeURIComponent(after)}` : ''
        }`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (!res.ok) throw new Error(`services page: ${res.status}`);
      return (await res.json()) as any;
    };
    do {
      const after = cursor;
      const { value, ms } = await timed(() => page(after));
      pageMs.push(ms);
      rows += value.items.length;
      cursor = value.nextCursor;
    } while (cursor);
    paging.push({
      pages: pageMs.length,
      totalMs: Date.now() - t0,
      p95PageMs: Math.round(percentile(pageMs, 95) * 10) / 10,
      rows,
    });
  }
  ctx.results.paging = paging;
  // The first page alone (it counts the matching services; later pages carry the count).
  const firstMs: number[] = [];
  for (let r = 0; r < (ctx.smoke ? 5 : 50); r++) {
    const { ms } = await timed(async () => {
      const res = await fetch(`${base}/api/readiness/services?limit=100`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`services first page: ${res.status}`);
      await res.json();
    });
    firstMs.push(ms);
  }
  ctx.results.firstPage = {
    requests: firstMs.length,
    p50: Math.round(percentile(firstMs, 50) * 10) / 10,
    p95: Math.round(percentile(firstMs, 95) * 10) / 10,
  };
  log(
    `paging: ${JSON.stringify(paging)}; first page ${JSON.stringify(
      ctx.results.firstPage,
    )}`,
  );
}

/** Our org view, unloaded, one request at a time: the rollup and the first page of services. */
export async function orgViewStep(ctx: BenchContext) {
  const { base, token } = ctx;
  const orgView: number[] = [];
  for (let r = 0; r < (ctx.smoke ? 3 : 20); r++) {
    const { ms } = await timed(async () => {
      for (const p of [
        '/api/readiness/scores?groupBy=owner',
        '/api/readiness/services?limit=50',
      ]) {
        const res = await fetch(`${base}${p}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!res.ok) throw new Error(`${p}: ${res.status}`);
        await res.json();
      }
    });
    orgView.push(ms);
  }
  ctx.results.orgViewMs = orgView;
}
