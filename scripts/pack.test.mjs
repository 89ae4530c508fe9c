// `node --test scripts/`: the tarball check of scripts/pack.mjs on hand-made tarballs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTarball } from './pack.mjs';

function tarball(pkg, files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pack-test-'));
  mkdirSync(path.join(dir, 'package'));
  writeFileSync(path.join(dir, 'package', 'package.json'), JSON.stringify(pkg));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, 'package', f)), { recursive: true });
    writeFileSync(path.join(dir, 'package', f), '');
  }
  const file = path.join(dir, 'p.tgz');
  spawnSync('tar', ['-czf', file, '-C', dir, 'package']);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('refuses what our packages used to pack: private, TypeScript entry points, workspace ranges', () => {
  const { file, cleanup } = tarball(
    {
      name: '@internal/plugin-readiness-backend',
      private: true,
      main: 'src/index.ts',
      types: 'src/index.ts',
      exports: { '.': './src/index.ts' },
      dependencies: { '@internal/plugin-readiness-common': 'workspace:^' },
    },
    ['src/index.ts', 'migrations/20261125_init.js'],
  );
  try {
    const problems = checkTarball(file).join('\n');
    assert.match(problems, /private/);
    assert.match(problems, /main is src\/index\.ts, not in dist/);
    assert.match(problems, /export \. is TypeScript source/);
    assert.match(problems, /ships sources/);
    assert.match(problems, /workspace:\^/);
  } finally {
    cleanup();
  }
});

test('accepts a built package: dist entry points, declarations, its config schema', () => {
  const { file, cleanup } = tarball(
    {
      name: '@prodready/plugin-readiness-common',
      main: './dist/index.cjs.js',
      module: './dist/index.esm.js',
      types: './dist/index.d.ts',
      configSchema: 'config.schema.json',
      exports: {
        '.': {
          backstage: '@backstage/BackendFeature',
          require: './dist/index.cjs.js',
          types: './dist/index.d.ts',
        },
        './package.json': './package.json',
      },
      dependencies: { zod: '^3.25.0' },
    },
    [
      'dist/index.cjs.js',
      'dist/index.esm.js',
      'dist/index.d.ts',
      'config.schema.json',
    ],
  );
  try {
    assert.deepEqual(checkTarball(file), []);
  } finally {
    cleanup();
  }
});
