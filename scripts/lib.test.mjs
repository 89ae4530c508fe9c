// `node --test scripts/`: tests of the repo scripts' own helpers (run by scripts/test.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeTooOld, repoRoot, stopGroup } from './lib.mjs';

const spawnGroup = source =>
  spawn(process.execPath, ['-e', source], { detached: true, stdio: 'ignore' });

test('stopGroup lets a well-behaved group exit on the signal', async () => {
  const child = spawnGroup('setInterval(() => {}, 1000)');
  await new Promise(r => setTimeout(r, 300));
  assert.equal(await stopGroup(child, { graceMs: 5_000 }), 'exited');
});

test('stopGroup kills a group whose event loop is blocked, after the grace period', async () => {
  // Ignores SIGTERM and then never yields, like a backend stuck in a regular expression.
  const child = spawnGroup(
    "process.on('SIGTERM', () => {}); const t = Date.now(); while (Date.now() - t < 60000) {}",
  );
  await new Promise(r => setTimeout(r, 300));
  const started = Date.now();
  assert.equal(await stopGroup(child, { graceMs: 500 }), 'killed');
  assert.ok(Date.now() - started < 10_000);
});

test('nodeTooOld: Backstage 1.55 needs Node 22 or 24', () => {
  assert.equal(nodeTooOld('18.20.0'), true);
  assert.equal(nodeTooOld('20.20.2'), true);
  assert.equal(nodeTooOld('22.0.0'), false);
  assert.equal(nodeTooOld('24.1.0'), false);
});

test('an entry script started on an older Node re-runs itself under node@22, saying so once', async t => {
  // The machines this runs on have an older system Node next to the fetched one.
  const old = ['/usr/bin/node', '/usr/local/bin/node'].find(
    p =>
      existsSync(p) &&
      nodeTooOld(
        spawnSync(p, ['-p', 'process.versions.node'], {
          encoding: 'utf8',
        }).stdout.trim(),
      ),
  );
  if (!old) {
    t.diagnostic(
      'no Node older than 22 on this machine: only the decision is tested',
    );
    assert.equal(nodeTooOld(process.versions.node), false);
    return;
  }
  const dir = mkdtempSync(path.join(repoRoot, 'scripts', '.node-check-'));
  const script = path.join(dir, 'probe.mjs');
  writeFileSync(
    script,
    `import { checkNode } from '../lib.mjs';\ncheckNode();\nconsole.log('running on ' + process.versions.node + ' with ' + process.argv.slice(2).join(' '));\n`,
  );
  try {
    const res = spawnSync(old, [script, 'a', 'b'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.match(lines[0], /is too old for Backstage .*re-running under it/);
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^running on 2[2-9]\.\d+\.\d+ with a b$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
