// The adopter's test: a Backstage app outside this workspace (e2e/adopter, its own yarn.lock)
// installs the plugins only from the tarballs scripts/pack.mjs produced, as the plugin READMEs
// say; it builds the app, starts the backend on a throw-away embedded PostgreSQL with one
// annotated component, and in headless Chromium sees the readiness card, the tab and the org
// page: once through an app on the new frontend system (the /alpha plugin), once through an app
// on the legacy one (EntityReadinessCard, EntityReadinessContent, ReadinessPage). Screenshots go
// to e2e-screenshots/adopter-*.png.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  chromiumLaunchOptions,
  freePort,
  repoRoot,
  startEmbeddedPostgres,
  stopGroup,
  tmpDir,
  yarnRelease,
} from '../scripts/lib.mjs';

const adopter = path.join(repoRoot, 'e2e', 'adopter');
const tarballs = path.join(repoRoot, 'dist-tarballs');
const shotsDir = path.join(repoRoot, 'e2e-screenshots');
mkdirSync(shotsDir, { recursive: true });

const timed = (name, fn) => {
  const started = Date.now();
  const out = fn();
  console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return out;
};
const must = (cmd, args, opts) => {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed in ${opts?.cwd}`);
};

if (!existsSync(tarballs) || readdirSync(tarballs).length < 5) {
  timed('pack the plugins', () =>
    must(process.execPath, [path.join(repoRoot, 'scripts', 'pack.mjs')], {
      cwd: repoRoot,
    }),
  );
}
// Tarballs change with every build, so their checksums in the lockfile are refreshed; the
// registry packages stay as the committed lockfile pins them.
timed('install the adopter app from the tarballs', () =>
  must(process.execPath, [yarnRelease(), 'install'], {
    cwd: adopter,
    env: { ...process.env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' },
  }),
);
const cli = path.join(adopter, 'node_modules', '.bin', 'backstage-cli');
timed('build the adopter app', () =>
  must(cli, ['package', 'build'], {
    cwd: path.join(adopter, 'packages', 'app'),
  }),
);

timed('build the adopter app on the legacy frontend system', () =>
  must(cli, ['package', 'build'], {
    cwd: path.join(adopter, 'packages', 'app-legacy'),
  }),
);

const pg = await startEmbeddedPostgres({
  dataDir: tmpDir('readiness-adopter-pg'),
  port: await freePort(),
  persistent: false,
});
const port = 7008;
const base = `http://localhost:${port}`;

/** The adopter backend, serving `appPackage` (the app backend's `app.packageName`). */
function startBackend(appPackage) {
  const child = spawn(cli, ['package', 'start'], {
    cwd: path.join(adopter, 'packages', 'backend'),
    env: {
      ...process.env,
      POSTGRES_HOST: pg.host,
      POSTGRES_PORT: String(pg.port),
      POSTGRES_USER: pg.user,
      POSTGRES_PASSWORD: pg.password,
      APP_CONFIG_app_packageName: appPackage,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.log = '';
  child.stdout.on('data', d => (child.log += d));
  child.stderr.on('data', d => (child.log += d));
  return child;
}

const token = async () => {
  const res = await fetch(`${base}/api/auth/guest/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  return (await res.json()).backstageIdentity.token;
};

async function waitForBackend(backend) {
  const started = Date.now();
  for (;;) {
    try {
      const t = await token();
      const res = await fetch(
        `${base}/api/readiness/entities/component/default/adopter-service`,
        {
          headers: { Authorization: `Bearer ${t}` },
        },
      );
      const html = await (await fetch(base)).text();
      if (res.ok && html.includes('<div id="root">')) break;
    } catch {
      // not up yet
    }
    if (Date.now() - started > 240_000)
      throw new Error(
        `adopter backend not ready in time\n${backend.log.slice(-4000)}`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
  console.log(
    `  ✓ the adopter backend serves the app and the readiness API (${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s)`,
  );
  // A new service is scored by the registration job (every 30 s) and then rolls up.
  const until = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${base}/api/readiness/scores?groupBy=owner`, {
      headers: { Authorization: `Bearer ${await token()}` },
    });
    if (res.ok && (await res.json()).items?.length) break;
    if (Date.now() > until) throw new Error('the service was never scored');
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function checkApp(browser, variant) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  page.setDefaultTimeout(60_000);
  const shot = async name => {
    await page.waitForTimeout(500);
    await page.screenshot({
      path: path.join(shotsDir, `adopter-${variant}-${name}.png`),
    });
  };
  try {
    await page.goto(`${base}/catalog/default/component/adopter-service`);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByText('Production readiness', { exact: true }).waitFor();
    await page
      .getByRole('img', { name: /^Readiness score [\d.]+ of 100$/ })
      .first()
      .waitFor();
    await shot('card');
    console.log(`  ✓ ${variant}: the entity page shows the readiness card`);

    await page.goto(
      `${base}/catalog/default/component/adopter-service/readiness`,
    );
    await page
      .getByText(/^Phase 1: /)
      .first()
      .waitFor();
    await shot('tab');
    console.log(`  ✓ ${variant}: the Readiness tab shows the plan`);

    await page.goto(`${base}/readiness`);
    await page.getByRole('table', { name: 'Scores by owner' }).waitFor();
    await page
      .getByRole('table', { name: 'Scores by owner' })
      .getByText(/adopters/)
      .first()
      .waitFor();
    await shot('org');
    console.log(
      `  ✓ ${variant}: the org page rolls the service up under its team`,
    );
  } catch (error) {
    await page
      .screenshot({
        path: path.join(shotsDir, `adopter-${variant}-failure.png`),
      })
      .catch(() => undefined);
    throw new Error(`${variant}: ${error.message}`);
  } finally {
    await page.close();
  }
}

let browser;
let backend;
let exitCode = 0;
try {
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch(chromiumLaunchOptions());
  for (const [variant, appPackage] of [
    ['new-frontend-system', 'app'],
    ['legacy-frontend-system', 'app-legacy'],
  ]) {
    backend = startBackend(appPackage);
    await waitForBackend(backend);
    await checkApp(browser, variant);
    await stopGroup(backend);
    backend = undefined;
  }
} catch (error) {
  exitCode = 1;
  console.error(`  ✕ ${error.message}`);
  console.error(backend?.log.slice(-3000) ?? '');
} finally {
  await browser?.close().catch(() => undefined);
  if (backend) await stopGroup(backend).catch(() => undefined);
  await pg.stop().catch(() => undefined);
}
process.exit(exitCode);
