import { Knex } from 'knex';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { normalizeRef } from '../database/refs';
import { DbScoreSnapshotsRow } from '../database/tables';
import { defaultTemplate } from '../templates/defaultTemplate';
import { createTestDatabases, databaseServiceFor } from './testDatabase';

/** A migrated store on a fresh test database. */
export async function createTestStore(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: Parameters<ReturnType<typeof createTestDatabases>['init']>[0],
  options: { withPayments?: boolean } = {},
): Promise<{ knex: Knex; store: DatabaseReadinessStore }> {
  const knex = await databases.init(databaseId);
  const store = await DatabaseReadinessStore.create({
    database: databaseServiceFor(knex),
  });
  if (options.withPayments) {
    await store.plans.upsert({
      entityRef: 'Component:default/Payments',
      templateId: 'default',
      templateVersion: 1,
      templateSnapshot: defaultTemplate,
      owner: 'group:default/payments-team',
    });
  }
  return { knex, store };
}

/** True when the plan has a snapshot recorded at or after `since`. */
export async function hasSnapshotSince(
  knex: Knex,
  entityRef: string,
  since: Date,
): Promise<boolean> {
  const row = await knex<DbScoreSnapshotsRow>('readiness_score_snapshots')
    .where({ entity_ref: normalizeRef(entityRef) })
    .where('recorded_at', '>=', since)
    .first('id');
  return Boolean(row);
}
