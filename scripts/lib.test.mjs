// `node --test scripts/`: tests of the repo scripts' own helpers (run by scripts/test.mjs).
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopGroup } from './lib.mjs';

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
