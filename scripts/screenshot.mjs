// Takes README screenshots of the running demo app in headless Chromium.
// Usage: [CARD_ONLY=1] [THEME=dark] [BASE_URL=http://localhost:3000] node scripts/screenshot.mjs <path> <out.png> [waitForText]
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './lib.mjs';

const [
  ,
  ,
  urlPath = '/catalog/default/component/payments-api',
  out = 'docs/images/entity-card.png',
  waitFor,
] = process.argv;
const browser = await chromium.launch(chromiumLaunchOptions());
const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
if (process.env.THEME) {
  // Backstage keeps the chosen theme in localStorage.
  await page.addInitScript(
    theme => window.localStorage.setItem('theme', theme),
    process.env.THEME,
  );
}
page.on(
  'console',
  m => m.type() === 'error' && console.error('[console]', m.text()),
);
await page.goto(`${process.env.BASE_URL ?? 'http://localhost:3000'}${urlPath}`);
const enter = page.getByRole('button', { name: 'Enter' });
await enter.waitFor({ timeout: 60_000 });
await enter.click();
if (waitFor) await page.getByText(waitFor).first().waitFor({ timeout: 60_000 });
else await page.waitForTimeout(8000);
const card = page.locator('.MuiCard-root', {
  has: page.getByText('Production readiness', { exact: true }),
});
// Let the other cards (relations graph) finish laying out before capturing.
await page.waitForLoadState('networkidle');
await page.waitForTimeout(1500);
if (process.env.CARD_ONLY && (await card.count()) > 0) {
  await card.first().scrollIntoViewIfNeeded();
  await card.first().screenshot({ path: out });
} else {
  await page.screenshot({ path: out, fullPage: true });
}
console.log(`saved ${out}`);
await browser.close();
