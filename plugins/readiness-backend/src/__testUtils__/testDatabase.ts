import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';

/**
 * Real PostgreSQL for tests. The repo's test command provides
 * BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING (embedded Postgres); without it
 * `eachSupportedId()` is empty and `it.each` fails loudly instead of skipping.
 */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['POSTGRES_18'] });
}

export function databaseServiceFor(knex: Knex): DatabaseService {
  return { getClient: async () => knex, migrations: { skip: false } };
}
