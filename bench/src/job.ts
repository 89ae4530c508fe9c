/*
 * Runs one readiness job in its own process (spawned by run.ts with a capped heap):
 * `recompute` (the scheduled re-evaluation of every plan) or `sync` (one full catalog
 * sync). Prints one JSON line with the measurement.
 */
import knexFactory from 'knex';
import { DatabaseReadinessStore } from './backend';
import { httpCatalog, measureJob, readinessJobs } from './jobs';

async function main() {
  const [job, dbUrl, base, token] = process.argv.slice(2);
  const db = knexFactory({
    client: 'pg',
    connection: dbUrl,
    pool: { min: 0, max: 10 },
  });
  const store = await DatabaseReadinessStore.create({
    database: { getClient: async () => db, migrations: { skip: true } },
  });
  const { service, sync } = readinessJobs({
    store,
    catalog: httpCatalog(base, token),
  });
  const result =
    job === 'sync'
      ? await measureJob('full catalog sync', async () => {
          const out = await sync.run();
          return `${out.synced} entities synced, ${out.registered} registered, ${out.archived.length} archived`;
        })
      : await measureJob('recompute every score', async () => {
          const out = await service.reevaluateAll();
          return `plans re-scored, ${out.daily} daily snapshots written`;
        });
  await db.destroy();
  console.log(JSON.stringify(result));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
