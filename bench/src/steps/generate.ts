import knexFactory, { Knex } from 'knex';
import { DatabaseReadinessStore } from '../backend';
import { bulkLoad } from '../bulkLoad';
import { benchTemplate, generatePlan } from '../generate';
import { timed } from '../load';
import { BenchSettings, log } from './context';

/** Databases the demo backend uses besides the readiness one. */
const OTHER_PLUGINS = [
  'catalog',
  'auth',
  'permission',
  'app',
  'notifications',
  'signals',
  'user-settings',
];

/** Drops and creates a database on the bench's server, and connects to it. */
async function freshDatabase(connection: string, name: string): Promise<Knex> {
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw(`drop database if exists ?? with (force)`, [name]);
  await admin.raw(`create database ??`, [name]);
  await admin.destroy();
  const url = new URL(connection);
  url.pathname = `/${name}`;
  return knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 10 },
  });
}

/** Empties every database of the demo backend; returns the readiness one, connected. */
export async function databasesStep(settings: BenchSettings): Promise<Knex> {
  const { connection } = settings;
  const readinessDb = await freshDatabase(
    connection,
    'backstage_plugin_readiness',
  );
  for (const plugin of OTHER_PLUGINS) {
    await (
      await freshDatabase(connection, `backstage_plugin_${plugin}`)
    ).destroy();
  }
  return readinessDb;
}

/** Generates the organisation's plans, evidence and history into the readiness database. */
export async function generateStep(settings: BenchSettings, db: Knex) {
  const { shape } = settings;
  const store = await DatabaseReadinessStore.create({
    database: { getClient: async () => db, migrations: { skip: false } },
  });
  const template = benchTemplate();
  const now = new Date();
  const batch = 250;
  const counts = { plans: 0, tasks: 0, evidence: 0, snapshots: 0 };
  const { ms } = await timed(async () => {
    for (let i = 0; i < shape.services; i += batch) {
      const plans = [];
      for (let j = i; j < Math.min(shape.services, i + batch); j++) {
        plans.push(generatePlan(j, shape, template, now));
      }
      await bulkLoad(db, plans, 'service:readiness-bench');
      counts.plans += plans.length;
      counts.tasks += plans.reduce((n, p) => n + p.tasks.length, 0);
      counts.evidence += plans.reduce((n, p) => n + p.evidence.length, 0);
      counts.snapshots += plans.reduce((n, p) => n + p.history.length, 0);
    }
  });
  const statuses = await db('readiness_scores')
    .select('status')
    .count({ n: '*' })
    .groupBy('status');
  log(`generated ${JSON.stringify(counts)} in ${(ms / 1000).toFixed(1)} s`);
  return {
    store,
    template,
    counts,
    seconds: Math.round(ms / 100) / 10,
    statuses: Object.fromEntries(
      statuses.map((s: any) => [s.status, Number(s.n)]),
    ),
  };
}
