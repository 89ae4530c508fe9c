// End-to-end test in headless Chromium against the built demo app and the backend on a
// throw-away embedded PostgreSQL: catalog → service card → edit a task as its owner and see
// the score move → org page with rollups and a chart → approve another team's evidence from
// the review queue as an SRE. Screenshots go to e2e-screenshots/
// (and to docs/images/ with UPDATE_README_SCREENSHOTS=1).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromiumLaunchOptions, freePort, repoRoot, startEmbeddedPostgres, tmpDir } from '../scripts/lib.mjs';
import { startDemoFakes } from '../scripts/demo-fakes.mjs';

const results = [];
const parseRef = ref => ({ name: ref.split('/').pop() });
const shotsDir = path.join(repoRoot, 'e2e-screenshots');
mkdirSync(shotsDir, { recursive: true });
const step = async (name, fn) => {
  const started = Date.now();
  try {
    await fn();
    results.push([name, 'passed']);
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push([name, 'failed']);
    console.log(`  ✕ ${name}: ${error.message}`);
    throw error;
  }
};

const pg = await startEmbeddedPostgres({ dataDir: tmpDir('readiness-e2e-pg'), port: await freePort(), persistent: false });
const fakes = await startDemoFakes({});
const port = 7007;
const base = `http://localhost:${port}`;
const backend = spawn(path.join(repoRoot, 'node_modules', '.bin', 'backstage-cli'), ['package', 'start'], {
  cwd: path.join(repoRoot, 'packages', 'backend'),
  env: {
    ...process.env,
    POSTGRES_HOST: pg.host,
    POSTGRES_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PASSWORD: pg.password,
    ...fakes.env,
    // The next check cycle within seconds, so a build turned green shows up during the test;
    // the first one after the demo seed has been applied (the sync registers the plans at
    // 15 s, the seed job applies the seed at 35 s), so the two never write the same plan.
    APP_CONFIG_readiness_schedules_checks: JSON.stringify({
      frequency: { seconds: 10 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 60 },
    }),
    // The initiatives' burn-up point and reminders within seconds, after the seed too.
    APP_CONFIG_readiness_schedules_initiatives: JSON.stringify({
      frequency: { seconds: 10 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 60 },
    }),
    // The built app is served by the backend's app plugin.
    APP_CONFIG_app_baseUrl: base,
    APP_CONFIG_backend_cors_origin: base,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let backendLog = '';
backend.stdout.on('data', d => (backendLog += d));
backend.stderr.on('data', d => (backendLog += d));

let browser;
let exitCode = 0;
try {
  const { chromium } = await import('playwright-core');
  const token = async () => {
    const res = await fetch(`${base}/api/auth/guest/refresh?env=development`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    return (await res.json()).backstageIdentity.token;
  };
  await step('backend serves the app and has seeded the demo plans', async () => {
    const until = Date.now() + 180_000;
    for (;;) {
      try {
        const t = await token();
        const res = await fetch(`${base}/api/readiness/services?limit=1`, { headers: { Authorization: `Bearer ${t}` } });
        if (res.ok && (await res.json()).total >= 15) {
          const html = await (await fetch(base)).text();
          if (!html.includes('<div id="root">')) throw new Error('the app is not served');
          return;
        }
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`backend not ready in time\n${backendLog.slice(-3000)}`);
      await new Promise(r => setTimeout(r, 1000));
    }
  });

  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(60_000);
  const shot = async name => {
    const file = path.join(shotsDir, `${name}.png`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: file });
    if (process.env.UPDATE_README_SCREENSHOTS) copyFileSync(file, path.join(repoRoot, 'docs', 'images', `${name}.png`));
  };
  const score = async () => {
    const label = await page.getByRole('img', { name: /^Readiness score [\d.]+ of 100$/ }).first().getAttribute('aria-label');
    return Number(/score ([\d.]+) of/.exec(label)[1]);
  };

  await step('signs in and opens the catalog', async () => {
    await page.goto(base);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByRole('link', { name: 'payments-api' }).first().waitFor();
  });

  let before;
  await step('opens a service and sees its readiness card with a computed score', async () => {
    await page.getByRole('link', { name: 'payments-api' }).first().click();
    await page.getByText('Production readiness', { exact: true }).waitFor();
    await page.getByLabel(/^Status: /).first().waitFor();
    before = await score();
    if (!(before > 0 && before <= 100)) throw new Error(`unexpected score ${before}`);
    await page.getByText('Production readiness', { exact: true }).scrollIntoViewIfNeeded();
    await shot('e2e-entity-card');
  });

  await step('edits a task as its owner on the Readiness tab and sees the score move', async () => {
    // The entity page's Readiness tab (EntityContentBlueprint at /readiness).
    await page.goto(`${base}/catalog/default/component/payments-api/readiness`);
    await page.getByText('Phase 5: Capacity & change management').waitFor();
    await page.getByRole('button', { name: /Status of task 5\.5/ }).click();
    await page.getByRole('option', { name: 'done' }).click();
    const until = Date.now() + 30_000;
    let after = before;
    while (after === before && Date.now() < until) {
      await page.waitForTimeout(500);
      after = await score();
    }
    if (after === before) throw new Error(`score stayed at ${before}`);
    console.log(`    score ${before} → ${after}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('e2e-entity-tab');
  });

  await step("keeps checkout-web Not ready on a red CI run, naming the run; a green run makes it Ready after the next check cycle", async () => {
    const headers = { Authorization: `Bearer ${await token()}` };
    const read = async () =>
      (await fetch(`${base}/api/readiness/entities/component/default/checkout-web`, { headers })).json();
    const waitFor = async (what, ok) => {
      const until = Date.now() + 120_000;
      for (;;) {
        const plan = await read();
        if (ok(plan)) return plan;
        if (Date.now() > until)
          throw new Error(`${what} not seen in time: ${JSON.stringify({ score: plan.score?.overall, status: plan.score?.status, checkRuns: plan.checkRuns })}`);
        await new Promise(r => setTimeout(r, 2000));
      }
    };
    const ci = plan => plan.checkRuns?.find(r => r.taskId === '5.1');
    const red = await waitFor('a failed github-ci run on 5.1', plan => ci(plan)?.outcome === 'failed');
    if (!/\/acme\/checkout-web\/actions\/runs\/\d+$/.test(ci(red).url ?? ''))
      throw new Error(`5.1 failed without the run's link: ${JSON.stringify(ci(red))}`);
    if (red.score.status !== 'not_ready' || !red.score.blockers.some(b => b.taskId === '5.1'))
      throw new Error(`checkout-web with a red build is ${red.score.status}`);
    await page.goto(`${base}/catalog/default/component/checkout-web`);
    await page.getByLabel('Proof of task 5.1').getByRole('link').waitFor();
    const proof = page.getByLabel('Proof of task 5.1');
    await proof.scrollIntoViewIfNeeded();
    const said = await proof.innerText();
    if (!/^Checked by .+ · failed (just now|\d+ min ago): CI #\d+ on main ended failure/.test(said))
      throw new Error(`the card's proof line for 5.1 says: ${said}`);
    await shot('e2e-ci-red');
    console.log(`    red: ${red.score.overall} ${red.score.status} · ${ci(red).summary}`);

    const turned = await fetch(`${fakes.env.READINESS_GITHUB_API_URL}/_demo/repos/acme/checkout-web/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ conclusion: 'success' }),
    });
    if (turned.status !== 201) throw new Error(`the fake GitHub answered ${turned.status}`);
    const green = await waitFor('checkout-web Ready after a green run', plan => ci(plan)?.outcome === 'passed' && plan.score.status === 'ready');
    console.log(`    green: ${green.score.overall} ${green.score.status} · ${ci(green).summary}`);
    await page.reload();
    await page.getByLabel('Status: Ready').waitFor();
    await shot('e2e-ci-green');
  });

  await step('opens the org page and sees rollups and a chart', async () => {
    await page.goto(`${base}/readiness`);
    await page.getByRole('table', { name: 'Scores by owner' }).waitFor();
    await page.getByRole('figure', { name: 'Score distribution' }).locator('svg').first().waitFor();
    const rows = await page.getByRole('table', { name: 'Scores by owner' }).getByRole('row').count();
    if (rows < 5) throw new Error(`expected a row per owner group, got ${rows - 1}`);
    await shot('e2e-org-page');
  });

  await step('lists the open P0 blockers on the org page with their total, a page at a time', async () => {
    await page.goto(`${base}/readiness`);
    const blockers = page.getByRole('table', { name: 'Open P0 blockers' });
    const status = page.getByText(/^\d+ blockers? · page 1$/);
    await status.waitFor();
    const total = Number((await status.textContent()).match(/^\d+/)[0]);
    const title = await page.getByText(/^Open P0 blockers \(\d+\)$/).textContent();
    if (title !== `Open P0 blockers (${total})`) throw new Error(`the card says ${title}, its list ${total}`);
    const rows = (await blockers.getByRole('row').count()) - 1;
    if (rows !== Math.min(total, 20)) throw new Error(`${title} but ${rows} rows on the first page`);
    const next = page.getByRole('button', { name: 'Next page of blockers' });
    if ((await next.isDisabled()) !== total <= 20) throw new Error(`Next page is ${(await next.isDisabled()) ? 'disabled' : 'enabled'} with ${total} blockers`);
    await page.getByRole('table', { name: 'Expiring evidence' }).waitFor();
    await blockers.scrollIntoViewIfNeeded();
    await shot('e2e-org-blockers');
  });

  await step('drills down the org chart from the root to its teams, with a breadcrumb', async () => {
    await page.goto(`${base}/readiness`);
    await page.getByRole('table', { name: 'Scores by owner' }).waitFor();
    await page.getByRole('button', { name: /Owner group/ }).click();
    await page.getByRole('option', { name: 'Org chart' }).click();
    const root = page.getByRole('button', { name: 'Sub-teams of group:default/engineering' });
    await root.click();
    await page.getByRole('button', { name: 'Sub-teams of group:default/payments-team' }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: 'Org chart path' }).innerText();
    if (!/All groups\s*\/\s*engineering/.test(crumbs)) throw new Error(`breadcrumb says: ${crumbs}`);
    await page.getByRole('navigation', { name: 'Org chart path' }).scrollIntoViewIfNeeded();
    await shot('e2e-org-chart');
  });

  await step('follows an initiative from the org page: burn-up, teams and what each service lacks', async () => {
    const headers = { Authorization: `Bearer ${await token()}` };
    const id = 'tier1-restore-drills';
    let detail;
    for (const until = Date.now() + 120_000; ; ) {
      detail = await (await fetch(`${base}/api/readiness/initiatives/${id}`, { headers })).json();
      if (detail.history?.length) break;
      if (Date.now() > until) throw new Error(`no burn-up point recorded: ${JSON.stringify(detail)}`);
      await new Promise(r => setTimeout(r, 2000));
    }
    if (!(detail.progress.services >= 5)) throw new Error(`the initiative covers ${detail.progress.services} services`);
    if (detail.services.some(s => s.met !== (s.lacking.length === 0))) throw new Error('met and lacking disagree');
    await page.goto(`${base}/readiness`);
    await page.getByRole('table', { name: 'Initiatives' }).waitFor();
    await page.getByRole('link', { name: detail.title }).click();
    await page.waitForURL(`**/readiness/initiatives/${id}`);
    const chart = page.getByRole('img', { name: /^Burn-up of / });
    const said = await chart.getAttribute('aria-label');
    const want = `${detail.history.at(-1).met} of ${detail.history.at(-1).services} services met the goal`;
    if (!said.includes(want)) throw new Error(`the burn-up says "${said}", expected "${want}"`);
    const teams = await page.getByRole('table', { name: 'Teams' }).getByRole('row').count();
    if (teams - 1 !== detail.teams.length) throw new Error(`${teams - 1} team rows for ${detail.teams.length} teams`);
    const lacking = detail.services.find(s => !s.met);
    if (lacking) await page.getByRole('table', { name: 'Covered services' }).getByText(lacking.lacking[0]).first().waitFor();
    console.log(`    ${detail.progress.met} of ${detail.progress.services} services meet "${detail.title}"`);
    await shot('initiative');
    // The service's own card says which initiatives it is in and what it still lacks.
    if (lacking) {
      const { name } = parseRef(lacking.entityRef);
      await page.goto(`${base}/catalog/default/component/${name}`);
      const list = page.getByRole('list', { name: 'Initiatives' });
      await list.getByText(detail.title).waitFor();
      await list.getByText(`Still lacks: ${lacking.lacking.join('; ')}`).first().waitFor();
      await list.scrollIntoViewIfNeeded();
      await shot('e2e-entity-initiatives');
    }
  });

  await step("reviews another team's evidence as an SRE, never the own team's", async () => {
    const headers = { Authorization: `Bearer ${await token()}` };
    // The seed job writes the demo's evidence in the background: wait for it.
    let queue;
    let item;
    for (const until = Date.now() + 60_000; !item && Date.now() < until; ) {
      queue = await (await fetch(`${base}/api/readiness/reviews`, { headers })).json();
      item = queue.items.find(i => i.entityRef === 'component:default/pricing-service' && i.taskId === '1.4');
      if (!item) await new Promise(r => setTimeout(r, 2000));
    }
    const mine = queue.items.filter(i => i.owner === 'group:default/payments-team');
    if (mine.length) throw new Error(`the guest may not review its own team's evidence: ${JSON.stringify(mine)}`);
    if (!item) throw new Error(`pricing-service 1.4 is not in the review queue: ${JSON.stringify(queue.items)}`);
    await page.goto(`${base}/readiness`);
    const approve = page.getByRole('button', { name: `Approve evidence "${item.evidence.summary}" on task 1.4 of ${item.entityRef}` });
    await approve.scrollIntoViewIfNeeded();
    await shot('e2e-review-queue');
    await approve.click();
    await approve.waitFor({ state: 'detached' });
    const plan = await (await fetch(`${base}/api/readiness/entities/component/default/pricing-service`, { headers })).json();
    const evaluated = plan.score.tasks.find(t => t.taskId === '1.4');
    const evidence = plan.tasks.find(t => t.taskId === '1.4').evidence.find(e => e.id === item.evidence.id);
    if (evidence.trust !== 'reviewed' || evaluated.kind !== 'proven') {
      throw new Error(`after review: trust ${evidence.trust}, task ${evaluated.kind}`);
    }
  });
} catch (error) {
  exitCode = 1;
  console.error(error);
} finally {
  await browser?.close();
  try {
    process.kill(-backend.pid, 'SIGINT');
  } catch {
    // gone
  }
  await new Promise(r => setTimeout(r, 1500));
  fakes.close();
  await pg.stop().catch(() => {});
}
const passed = results.filter(r => r[1] === 'passed').length;
console.log(`e2e: ${passed} passed, ${results.length - passed} failed`);
process.exit(exitCode);
