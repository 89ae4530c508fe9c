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
  cardVisibleMs?: number[];
  cardVisibleMedianMs?: number;
}

const kb = (n: number) => Math.round((n / 1024) * 10) / 10;

/**
 * Reads the built app (packages/app/dist) and attributes chunks to the readiness plugin
 * through their source maps; then, in headless Chromium, times how long the entity page
 * takes until the readiness card shows a status.
 */
export async function frontendWeight(options: {
  base: string;
  entity: string;
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
    const times: number[] = [];
    for (let r = 0; r < (options.smoke ? 1 : 5); r++) {
      const t0 = Date.now();
      await page.goto(
        `${options.base}/catalog/default/component/${options.entity}`,
      );
      await page
        .getByLabel(/^Status: /)
        .first()
        .waitFor();
      times.push(Date.now() - t0);
    }
    result.cardVisibleMs = times;
    result.cardVisibleMedianMs = percentile(times, 50);
  } finally {
    await browser.close();
  }
  return result;
}
