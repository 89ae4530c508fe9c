// Runs a command with BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING pointing at a real
// PostgreSQL: the one given in the environment, else a throw-away embedded one.
// Usage: node scripts/with-postgres.mjs <command> [args...]
import { freePort, run, startEmbeddedPostgres, tmpDir } from './lib.mjs';

const ENV_KEY = 'BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-postgres.mjs <command> [args...]');
  process.exit(2);
}

let pg;
if (!process.env[ENV_KEY]) {
  pg = await startEmbeddedPostgres({
    dataDir: tmpDir('readiness-test-pg'),
    port: await freePort(),
    persistent: false,
  });
  process.env[ENV_KEY] = pg.connectionString;
  console.log(`[with-postgres] embedded PostgreSQL on port ${pg.port}`);
}
const stop = async () => {
  if (pg) await pg.stop().catch(() => {});
  pg = undefined;
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await stop();
    process.exit(130);
  });
}
const code = await run(cmd, args, { shell: false });
await stop();
process.exit(code);
