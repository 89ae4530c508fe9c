// `node scripts/start.mjs`: installs dependencies, starts PostgreSQL (embedded unless
// POSTGRES_HOST points at an external one), then the backend (:7007) and app (:3000).
import path from 'node:path';
import { checkNode, install, repoRoot, run, startEmbeddedPostgres } from './lib.mjs';

checkNode();
install();

let pg;
if (process.env.POSTGRES_HOST) {
  console.log(`[start] using external PostgreSQL at ${process.env.POSTGRES_HOST}`);
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
  console.log(`[start] embedded PostgreSQL on port ${pg.port}, data in ${dataDir}`);
}

let stopping = false;
const stop = async code => {
  if (stopping) return;
  stopping = true;
  if (pg) {
    console.log('[start] stopping embedded PostgreSQL');
    await pg.stop().catch(e => console.error(e));
  }
  process.exit(code);
};
// The children get the same Ctrl-C from the terminal; wait for them, then stop Postgres.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const cli = path.join(repoRoot, 'node_modules', '.bin', 'backstage-cli');
const code = await run(cli, ['repo', 'start', ...process.argv.slice(2)]);
await stop(code);
