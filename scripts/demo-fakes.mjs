// DEMO ONLY: starts the fake Sentry, GitHub and PagerDuty beside the demo backend (the checks
// then show a mix of green, red and unknown) and returns the environment that points the
// backend's app-config at them. A variable already set (a real Sentry, say) is left alone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, repoRoot } from './lib.mjs';
import { startFakeSentry } from './fake-sentry.mjs';
import { startFakeGithub } from './fake-github.mjs';
import { startFakePagerDuty } from './fake-pagerduty.mjs';

/** The demo components (examples/entities.yaml): name and whether a backup policy is named. */
function demoComponents() {
  return readFileSync(path.join(repoRoot, 'examples', 'entities.yaml'), 'utf8')
    .split(/^---$/m)
    .filter(doc => /^kind: Component$/m.test(doc))
    .map(doc => ({
      name: /^ {2}name: (\S+)$/m.exec(doc)?.[1],
      backups: /readiness\/backup-policy:/.test(doc),
    }))
    .filter(c => c.name);
}

/** The token of the demo backup system's principal (`backend.auth.externalAccess`). */
export const DEMO_BACKUP_TOKEN = 'demo-backup-system-token-not-a-secret';

/**
 * DEMO ONLY: the backup system. After each (pretend) backup it reports to the readiness API
 * as its own service principal, bound in app-config to task 3.6 only, as a real backup job
 * would from its pipeline. Reports every `everyMs` once the backend answers.
 */
function startBackupReporter({ backendUrl, everyMs = 10 * 60_000 }) {
  const services = demoComponents().filter(c => c.backups);
  let timer;
  let stopped = false;
  const report = async () => {
    let ok = 0;
    for (const { name } of services) {
      const res = await fetch(
        `${backendUrl}/api/readiness/entities/component/default/${name}/tasks/3.6/evidence`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${DEMO_BACKUP_TOKEN}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            kind: 'link',
            url: `https://backups.example.com/jobs/${name}/${Date.now()}`,
            summary: `DEMO backup of ${name} completed`,
          }),
        },
      ).catch(() => undefined);
      if (res?.ok) ok += 1;
    }
    return ok;
  };
  const loop = async () => {
    const ok = await report();
    // Until every service's plan exists (the catalog sync registers them), retry soon.
    if (!stopped) timer = setTimeout(loop, ok === services.length ? everyMs : 10_000);
  };
  timer = setTimeout(loop, 10_000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Starts the backup system, and the fakes whose real counterpart is not configured in `env`;
 * resolves with the
 * variables to add, the ports, and `close`.
 */
export async function startDemoFakes(env = process.env, ports = {}, backendUrl = 'http://localhost:7007') {
  const added = { READINESS_DEMO_BACKUP_TOKEN: DEMO_BACKUP_TOKEN };
  const closers = [startBackupReporter({ backendUrl })];
  const started = ['backup system reporting to task 3.6'];
  if (!env.READINESS_SENTRY_BASE_URL) {
    const port = ports.sentry ?? (await freePort());
    closers.push((await startFakeSentry({ port, token: 'demo-token' })).close);
    Object.assign(added, {
      READINESS_SENTRY_BASE_URL: `http://127.0.0.1:${port}`,
      READINESS_SENTRY_TOKEN: 'demo-token',
    });
    started.push(`Sentry on ${port}`);
  }
  if (!env.READINESS_GITHUB_API_URL) {
    const port = ports.github ?? (await freePort());
    closers.push((await startFakeGithub({ port, token: 'demo-token' })).close);
    Object.assign(added, {
      READINESS_GITHUB_API_URL: `http://127.0.0.1:${port}`,
      READINESS_GITHUB_TOKEN: 'demo-token',
    });
    started.push(`GitHub on ${port}`);
  }
  if (!env.READINESS_PAGERDUTY_BASE_URL) {
    const port = ports.pagerduty ?? (await freePort());
    closers.push(
      (
        await startFakePagerDuty({
          port,
          token: 'demo-token',
          services: demoComponents().map(c => c.name),
        })
      ).close,
    );
    Object.assign(added, {
      READINESS_PAGERDUTY_BASE_URL: `http://127.0.0.1:${port}`,
      READINESS_PAGERDUTY_TOKEN: 'demo-token',
    });
    started.push(`PagerDuty on ${port}`);
  }
  return {
    env: added,
    started,
    close: () => closers.forEach(close => close()),
  };
}
