// `node scripts/pack.mjs`: builds every publishable plugin and packs it the way `npm publish`
// would (`yarn pack`, which runs `backstage-cli package prepack/postpack`), into
// dist-tarballs/, then checks each tarball is installable outside this workspace: entry points
// and declarations in dist/, no TypeScript sources, no workspace: ranges, and the files the
// package needs at run time (migrations, config schema, the import worker).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { checkNode, repoRoot, yarn } from './lib.mjs';

/** Files a package must ship beyond its entry points. */
const REQUIRED = {
  '@prodready/plugin-readiness-backend': [
    'migrations/20261202_evidence_trust.js',
    'dist/import/previewWorker.cjs.js',
  ],
};

function must(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    ...opts,
  });
  if (res.status !== 0)
    throw new Error(
      `${path.basename(cmd)} ${args.join(' ')} failed in ${
        opts.cwd ?? repoRoot
      }`,
    );
}

export const tarballDir = path.join(repoRoot, 'dist-tarballs');

/** The publishable workspaces: plugins/* without `private`. */
export function publishable() {
  return readdirSync(path.join(repoRoot, 'plugins'))
    .map(dir => path.join(repoRoot, 'plugins', dir))
    .filter(dir => existsSync(path.join(dir, 'package.json')))
    .map(dir => ({
      dir,
      pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')),
    }))
    .filter(p => !p.pkg.private);
}

function tarList(file) {
  const res = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`tar -tzf ${file}: ${res.stderr}`);
  return res.stdout.split('\n').filter(Boolean);
}

function tarRead(file, entry) {
  const res = spawnSync('tar', ['-xzOf', file, entry], { encoding: 'utf8' });
  if (res.status !== 0)
    throw new Error(`tar -xzOf ${file} ${entry}: ${res.stderr}`);
  return res.stdout;
}

/** What is wrong with a packed tarball, if anything (an empty list when it is fine). */
export function checkTarball(file) {
  const entries = new Set(tarList(file).map(e => e.replace(/^package\//, '')));
  const pkg = JSON.parse(tarRead(file, 'package/package.json'));
  const problems = [];
  const need = (rel, why) => {
    const clean = rel.replace(/^\.\//, '');
    if (!entries.has(clean))
      problems.push(`${pkg.name}: ${why} ${clean} is not in the tarball`);
  };
  if (pkg.private) problems.push(`${pkg.name}: private`);
  for (const field of ['main', 'types', 'module']) {
    if (!pkg[field]) continue;
    if (!/^(\.\/)?dist\//.test(pkg[field]))
      problems.push(`${pkg.name}: ${field} is ${pkg[field]}, not in dist/`);
    need(pkg[field], field);
  }
  if (!pkg.main) problems.push(`${pkg.name}: no main`);
  // prepack turns config.d.ts into the JSON schema adopters' config is validated with.
  if (pkg.configSchema) need(pkg.configSchema, 'configSchema');
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    // `backstage` marks what the entry point holds; it is not a file.
    const targets =
      typeof target === 'string'
        ? [target]
        : Object.entries(target)
            .filter(([condition]) => condition !== 'backstage')
            .map(([, t]) => t);
    for (const t of targets) {
      if (typeof t !== 'string' || t.endsWith('package.json')) continue;
      if (/\.tsx?$/.test(t) && !t.endsWith('.d.ts'))
        problems.push(`${pkg.name}: export ${key} is TypeScript source ${t}`);
      need(t, `export ${key}`);
    }
  }
  const sources = [...entries].filter(e => /^src\//.test(e));
  if (sources.length)
    problems.push(
      `${pkg.name}: ships sources (${sources.slice(0, 3).join(', ')})`,
    );
  for (const deps of [
    pkg.dependencies,
    pkg.peerDependencies,
    pkg.devDependencies,
  ]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (String(range).startsWith('workspace:'))
        problems.push(`${pkg.name}: ${name}@${range}`);
    }
  }
  for (const rel of REQUIRED[pkg.name] ?? []) need(rel, 'needed at run time:');
  return problems;
}

export function packAll() {
  // Declarations for the builds (the same as the test command's type-check step).
  must(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), []);
  rmSync(tarballDir, { recursive: true, force: true });
  mkdirSync(tarballDir, { recursive: true });
  const out = [];
  for (const { dir, pkg } of publishable()) {
    must(
      path.join(repoRoot, 'node_modules', '.bin', 'backstage-cli'),
      ['package', 'build'],
      { cwd: dir },
    );
    const file = path.join(
      tarballDir,
      `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
    );
    yarn(['pack', '--out', file], { cwd: dir });
    out.push({ name: pkg.name, file, bytes: statSync(file).size });
  }
  return out;
}

/**
 * The built backend's import worker answers a preview: the file the package resolves at run
 * time (`dist/import/previewWorker.cjs.js`) exists, loads and parses a report.
 */
export async function smokeWorker() {
  const { Worker } = await import('node:worker_threads');
  const file = path.join(
    repoRoot,
    'plugins',
    'readiness-backend',
    'dist',
    'import',
    'previewWorker.cjs.js',
  );
  const template = {
    id: 'smoke',
    version: 1,
    title: 'Smoke',
    readyThreshold: 80,
    atRiskThreshold: 60,
    blockerCap: 59,
    dimensions: [{ id: 'observability', title: 'Observability' }],
    phases: [
      {
        id: 'p1',
        title: 'Monitoring',
        tasks: [
          {
            id: '1.1',
            title: 'Error tracking',
            dimension: 'observability',
            severity: 'p1',
            points: 10,
            checklist: [],
            verification: 'manual',
          },
        ],
      },
    ],
  };
  // In this workspace the sibling packages resolve to their TypeScript sources, hence the
  // transform; the worker file itself is the built JavaScript the tarball ships.
  const worker = new Worker(file, {
    workerData: 'readiness-import-preview',
    execArgv: [
      '--require',
      path.join(
        repoRoot,
        'node_modules',
        '@backstage',
        'cli-node',
        'config',
        'nodeTransform.cjs',
      ),
    ],
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no answer in 30 s')),
        30_000,
      );
      worker.on('error', reject);
      worker.on('message', message => {
        if (message.ready) {
          worker.postMessage({
            id: 1,
            markdown: '## Phase 1: Monitoring\n\n- [x] 1.1 Error tracking\n',
            template,
            overrides: {},
          });
          return;
        }
        clearTimeout(timer);
        if (message.error) reject(new Error(message.error));
        else resolve(message.preview);
      });
    });
  } finally {
    await worker.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  checkNode();
  const packed = packAll();
  let failed = false;
  for (const p of packed) {
    const problems = checkTarball(p.file);
    console.log(
      `${p.name}: ${path.relative(repoRoot, p.file)} ${(p.bytes / 1024).toFixed(
        1,
      )} KB${problems.length ? '' : ', ok'}`,
    );
    for (const problem of problems) console.error(`  ${problem}`);
    failed ||= problems.length > 0;
  }
  const preview = await smokeWorker().catch(error => ({ error }));
  const mapped = preview.mapping?.map(m => `${m.taskId}:${m.status}`).join(',');
  console.log(`built import worker: ${preview.error ?? `mapping ${mapped}`}`);
  failed ||= mapped !== '1.1:done';
  process.exit(failed ? 1 : 0);
}
