import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { percentile } from './load';

/** The plugin's share of the built app and how fast the entity card shows data. */
export interface FrontendResult {
  appJsKB: number;
  entryChunks: string[];
  readinessInEntry: boolean;
  /** Readiness source files bundled into entry chunks (loaded on every page). */
  readinessEntrySources: string[];
  readinessChunks: Array<{
    file: string;
    kB: number;
    gzipKB: number;
    readinessSources: number;
  }>;
  /** Readiness sources in entry chunks that are neither extension declarations nor the API client. */
  readinessEntryOutside: string[];
  cardVisibleMs?: number[];
  cardVisibleMedianMs?: number;
  /**
   * Per load, measured in the page from navigation start: when the entity page's header shows
   * the entity's title, when the readiness card shows its status, and when the card's summary
   * request started and ended (Resource Timing).
   */
  loads?: PageLoadTimes[];
  /** Median over the loads of `card - header`. */
  cardAfterHeaderMedianMs?: number;
  /** Median over the loads of `card - headerLoaded`. */
  cardAfterHeaderLoadedMedianMs?: number;
  /** Median over the loads of `about - header`: the catalog's own first card, for reference. */
  aboutAfterHeaderMedianMs?: number;
}

/** One entity page load, in milliseconds from navigation start. */
export interface PageLoadTimes {
  /** The header shows the entity's title (taken from the URL, before the entity loads). */
  header: number;
  /** The header shows the entity's owner: the entity has loaded. */
  headerLoaded?: number;
  card: number;
  cardAfterHeader: number;
  cardAfterHeaderLoaded?: number;
  /**
   * The catalog's own About card shows its title: the overview's cards are on the page (a
   * reference for what the page itself takes before any card can show).
   */
  about?: number;
  summaryRequest?: { start: number; end: number };
}

/**
 * Entry-chunk sources that may be readiness code: the extension declarations (legacy and new
 * frontend system), the route refs and the API client. Everything else must load lazily.
 */
const ALLOWED_IN_ENTRY =
  /^plugins\/readiness\/src\/(index\.ts|plugin\.ts|routes\.ts|alpha\/index\.tsx|api\/)/;

/**
 * Runs in the page before the app: records, with `performance.now()` (milliseconds from
 * navigation start), the first moment the entity page's header title and the readiness card's
 * status are in the DOM and rendered. A MutationObserver sees them in the same task React
 * commits them, so both times are taken the same way.
 */
function recordTimes({ title, owner }: { title: string; owner: string }) {
  const times: {
    header?: number;
    headerLoaded?: number;
    about?: number;
    card?: number;
  } = {};
  (window as any).__readinessTimes = times;
  const rendered = (el: Element | null) =>
    !!el && (el as HTMLElement).getClientRects().length > 0;
  const check = (observer: MutationObserver) => {
    const now = performance.now();
    if (
      times.header === undefined &&
      [...document.querySelectorAll('h1, h2')].some(
        h => h.textContent?.trim() === title && rendered(h),
      )
    ) {
      times.header = now;
    }
    // The header's owner label links to the owner once the entity has loaded (an avatar's
    // initial, then the name); cards further down the page name it too.
    if (
      times.headerLoaded === undefined &&
      [...document.querySelectorAll('a')].some(
        a =>
          a.textContent?.trim().endsWith(owner) &&
          rendered(a) &&
          a.getBoundingClientRect().top < 250,
      )
    ) {
      times.headerLoaded = now;
    }
    if (
      times.about === undefined &&
      [...document.querySelectorAll('h2, h3, h4, h5, h6')].some(
        h => h.textContent?.trim() === 'About' && rendered(h),
      )
    ) {
      times.about = now;
    }
    if (
      times.card === undefined &&
      rendered(document.querySelector('[aria-label^="Status: "]'))
    ) {
      times.card = now;
    }
    if (
      times.header !== undefined &&
      times.headerLoaded !== undefined &&
      times.card !== undefined
    ) {
      observer.disconnect();
    }
  };
  new MutationObserver((_records, observer) => check(observer)).observe(
    document,
    { childList: true, subtree: true, characterData: true },
  );
}

const kb = (n: number) => Math.round((n / 1024) * 10) / 10;

/**
 * Reads the built app (packages/app/dist) and attributes chunks to the readiness plugin
 * through their source maps; then, in headless Chromium, times how long the entity page
 * takes until the readiness card shows a status, and how long after the page's header.
 */
export async function frontendWeight(options: {
  base: string;
  entity: string;
  /** The entity's owner group's name, which the header shows once the entity has loaded. */
  owner: string;
  smoke: boolean;
}): Promise<FrontendResult> {
  const staticDir = path.resolve(
    process.cwd(),
    'packages',
    'app',
    'dist',
    'static',
  );
  if (!fs.existsSync(staticDir)) {
    throw new Error(
      'packages/app/dist is missing: build the app first (yarn workspace app build)',
    );
  }
  const html = fs.readFileSync(
    path.join(staticDir, '..', 'index.html'),
    'utf8',
  );
  const entryChunks = [...html.matchAll(/static\/([^"]+\.js)/g)].map(m => m[1]);
  let appBytes = 0;
  let readinessInEntry = false;
  const readinessEntrySources: string[] = [];
  const readinessChunks: FrontendResult['readinessChunks'] = [];
  for (const file of fs.readdirSync(staticDir).filter(f => f.endsWith('.js'))) {
    const body = fs.readFileSync(path.join(staticDir, file));
    appBytes += body.length;
    const mapFile = path.join(staticDir, `${file}.map`);
    if (!fs.existsSync(mapFile)) continue;
    const sources: string[] =
      JSON.parse(fs.readFileSync(mapFile, 'utf8')).sources ?? [];
    const mine = sources.filter(s =>
      /plugins\/readiness(-common)?\/src\//.test(s),
    );
    if (!mine.length) continue;
    if (entryChunks.includes(file)) {
      readinessInEntry = true;
      readinessEntrySources.push(
        ...mine.map(m => m.replace(/^.*plugins\//, 'plugins/')),
      );
    }
    readinessChunks.push({
      file,
      kB: kb(body.length),
      gzipKB: kb(zlib.gzipSync(body).length),
      readinessSources: mine.length,
    });
  }
  const result: FrontendResult = {
    appJsKB: kb(appBytes),
    entryChunks,
    readinessInEntry,
    readinessEntrySources,
    readinessEntryOutside: readinessEntrySources.filter(
      s => !ALLOWED_IN_ENTRY.test(s),
    ),
    readinessChunks: readinessChunks.sort((a, b) => b.kB - a.kB),
  };

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(options.base);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByText('Catalog', { exact: false }).first().waitFor();
    await page.addInitScript(recordTimes, {
      title: options.entity,
      owner: options.owner,
    });
    const times: number[] = [];
    const loads: PageLoadTimes[] = [];
    for (let r = 0; r < (options.smoke ? 3 : 5); r++) {
      const t0 = Date.now();
      await page.goto(
        `${options.base}/catalog/default/component/${options.entity}`,
      );
      await page
        .getByLabel(/^Status: /)
        .first()
        .waitFor();
      times.push(Date.now() - t0);
      const handle = await page.waitForFunction(() => {
        const t = (window as any).__readinessTimes;
        if (t?.header === undefined || t.card === undefined) return undefined;
        const summary = performance
          .getEntriesByType('resource')
          .find(e =>
            /\/api\/readiness\/entities\/.*\/summary$/.test(e.name),
          ) as PerformanceResourceTiming | undefined;
        return {
          header: t.header as number,
          headerLoaded: t.headerLoaded as number | undefined,
          about: t.about as number | undefined,
          card: t.card as number,
          summary: summary && {
            start: summary.startTime,
            end: summary.responseEnd,
          },
        };
      });
      // waitForFunction resolves only once the function returns a value.
      const t = (await handle.jsonValue())!;
      const round = (n: number) => Math.round(n);
      loads.push({
        header: round(t.header),
        card: round(t.card),
        cardAfterHeader: round(t.card - t.header),
        ...(t.headerLoaded !== undefined && {
          headerLoaded: round(t.headerLoaded),
          cardAfterHeaderLoaded: round(t.card - t.headerLoaded),
        }),
        ...(t.about !== undefined && { about: round(t.about) }),
        ...(t.summary && {
          summaryRequest: {
            start: round(t.summary.start),
            end: round(t.summary.end),
          },
        }),
      });
    }
    result.cardVisibleMs = times;
    result.cardVisibleMedianMs = percentile(times, 50);
    result.loads = loads;
    result.cardAfterHeaderMedianMs = percentile(
      loads.map(l => l.cardAfterHeader),
      50,
    );
    const afterLoaded = loads.flatMap(l =>
      l.cardAfterHeaderLoaded === undefined ? [] : [l.cardAfterHeaderLoaded],
    );
    if (afterLoaded.length)
      result.cardAfterHeaderLoadedMedianMs = percentile(afterLoaded, 50);
    const aboutAfter = loads.flatMap(l =>
      l.about === undefined ? [] : [l.about - l.header],
    );
    if (aboutAfter.length)
      result.aboutAfterHeaderMedianMs = percentile(aboutAfter, 50);
  } finally {
    await browser.close();
  }
  return result;
}
