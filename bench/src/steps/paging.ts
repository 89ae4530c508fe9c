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

/** One read of the org page as the browser makes it: the path and what it answers. */
async function orgPageRead(ctx: BenchContext, path: string) {
  const res = await fetch(`${ctx.base}${path}`, {
    headers: {
      Authorization: `Bearer ${ctx.token}`,
      'Accept-Encoding': 'gzip, deflate, br',
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  return {
    bytes: Buffer.byteLength(text),
    items: Array.isArray(body.items) ? body.items.length : 0,
    nextCursor: body.nextCursor as string | undefined,
  };
}

/**
 * Every read the org page makes when it opens, each one unloaded and one at a time (p50/p95,
 * uncompressed size, items answered), and what reading all the expiring evidence at once
 * would cost (the page read it whole before it paged): every page at the API's limit.
 */
export async function orgPageStep(ctx: BenchContext) {
  const reads = [
    ['rollup by owner', '/api/readiness/scores?groupBy=owner'],
    [
      'services, first page',
      '/api/readiness/services?sort=overall&order=asc&limit=20',
    ],
    ['trend, 90 days', '/api/readiness/trend?days=90'],
    ['open P0 blockers', '/api/readiness/blockers'],
    [
      'expiring evidence, first page',
      '/api/readiness/evidence/expiring?days=30&limit=20',
    ],
    ['review queue', '/api/readiness/reviews'],
    ['initiatives', '/api/readiness/initiatives'],
  ];
  const rows: Array<{
    name: string;
    path: string;
    requests: number;
    /** The first read (what a cache in front of it did not hold yet). */
    firstMs: number;
    p50: number;
    p95: number;
    bytes: number;
    items: number;
  }> = [];
  for (const [name, path] of reads) {
    const ms: number[] = [];
    let last = { bytes: 0, items: 0 };
    for (let r = 0; r < (ctx.smoke ? 3 : 20); r++) {
      const t = await timed(() => orgPageRead(ctx, path));
      ms.push(t.ms);
      last = { bytes: t.value.bytes, items: t.value.items };
    }
    rows.push({
      name,
      path,
      requests: ms.length,
      firstMs: Math.round(ms[0] * 10) / 10,
      p50: Math.round(percentile(ms, 50) * 10) / 10,
      p95: Math.round(percentile(ms, 95) * 10) / 10,
      ...last,
    });
  }
  ctx.results.orgPage = rows;

  const t0 = Date.now();
  let pages = 0;
  let items = 0;
  let bytes = 0;
  let cursor: string | undefined;
  do {
    const page = await orgPageRead(
      ctx,
      `/api/readiness/evidence/expiring?days=30&limit=500${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      }`,
    );
    pages += 1;
    items += page.items;
    bytes += page.bytes;
    cursor = page.nextCursor;
  } while (cursor);
  ctx.results.expiringAll = { pages, items, bytes, totalMs: Date.now() - t0 };
  log(
    `org page: ${JSON.stringify(rows)}; expiring all: ${JSON.stringify(
      ctx.results.expiringAll,
    )}`,
  );
}
