import fs from 'node:fs';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabase';

const migrationsDir = `${__dirname}/../../migrations`;
const migrationsFiles = fs.readdirSync(migrationsDir).sort();

jest.setTimeout(60_000);

async function migrateUntilBefore(knex: Knex, target: string) {
  const index = migrationsFiles.indexOf(target);
  if (index === -1) throw new Error(`Migration ${target} not found`);
  for (let i = 0; i < index; i++) {
    await knex.migrate.up({ directory: migrationsDir });
  }
}

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    '20261126_scores.js goes up and down keeping plan data, %p',
    async id => {
      const knex = await databases.init(id);
      await migrateUntilBefore(knex, '20261126_scores.js');
      await knex('readiness_plans').insert({
        entity_ref: 'component:default/a',
        template_id: 'default',
        template_version: 1,
      });
      await knex('readiness_task_states').insert({
        entity_ref: 'component:default/a',
        task_id: '1.1',
        status: 'done',
        version: 3,
      });

      await knex.migrate.up({ directory: migrationsDir });
      await knex('readiness_scores').insert({
        entity_ref: 'component:default/a',
        overall: 42.5,
        status: 'not_ready',
        blockers: 1,
        dimensions: '{}',
        computed_at: new Date(),
      });
      expect(
        await knex('readiness_task_states').select(
          'task_id',
          'status',
          'version',
        ),
      ).toEqual([{ task_id: '1.1', status: 'done', version: 3 }]);
      expect(Number((await knex('readiness_scores').first()).overall)).toBe(
        42.5,
      );

      await knex.migrate.down({ directory: migrationsDir });
      expect(await knex.schema.hasTable('readiness_scores')).toBe(false);
      expect(await knex.schema.hasTable('readiness_score_snapshots')).toBe(
        false,
      );
      expect(await knex('readiness_plans').select('entity_ref')).toEqual([
        { entity_ref: 'component:default/a' },
      ]);
      expect(
        await knex('readiness_task_states').select('task_id', 'version'),
      ).toEqual([{ task_id: '1.1', version: 3 }]);

      await knex.migrate.down({ directory: migrationsDir });
      expect(await knex.schema.hasTable('readiness_plans')).toBe(false);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('readiness_change_log')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'every migration goes up, down and up again with data kept, and a second start-up is a no-op, %p',
    async id => {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('readiness_plans').insert({
        entity_ref: 'component:default/a',
        template_id: 'default',
        template_version: 2,
      });
      await knex('readiness_task_states').insert({
        entity_ref: 'component:default/a',
        task_id: '1.1',
        status: 'done',
        version: 5,
      });
      await knex('readiness_evidence').insert({
        id: '00000000-0000-4000-8000-000000000009',
        entity_ref: 'component:default/a',
        task_id: '1.1',
        kind: 'link',
        url: 'https://x',
        summary: 'ok',
        source: 'ci',
        recorded_at: new Date(),
        recorded_by: 'u',
      });

      // Down to just after the initial migration, then all the way up again.
      for (let i = migrationsFiles.length - 1; i > 0; i--) {
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable('readiness_scores')).toBe(false);
      expect(
        await knex('readiness_task_states').select('task_id', 'version'),
      ).toEqual([{ task_id: '1.1', version: 5 }]);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex('readiness_evidence').count({ n: '*' })).toEqual([
        { n: '1' },
      ]);

      // A second start-up on a migrated database runs nothing.
      const [, pending] = await knex.migrate.list({ directory: migrationsDir });
      expect(pending).toEqual([]);
      const [batch, log] = await knex.migrate.latest({
        directory: migrationsDir,
      });
      expect(log).toEqual([]);
      expect(batch).toBeGreaterThan(0);
    },
  );

  it.each(databases.eachSupportedId())(
    "20261202_evidence_trust.js trusts only the backend's own readings, %p",
    async id => {
      const knex = await databases.init(id);
      await migrateUntilBefore(knex, '20261202_evidence_trust.js');
      await knex('readiness_plans').insert({
        entity_ref: 'component:default/a',
        template_id: 'default',
        template_version: 2,
      });
      const row = (n: number, kind: string, source: string, by: string) => ({
        id: `00000000-0000-4000-8000-00000000000${n}`,
        entity_ref: 'component:default/a',
        task_id: '1.1',
        kind,
        url: 'https://x.example.com',
        summary: by,
        source,
        recorded_at: new Date(),
        recorded_by: by,
      });
      await knex('readiness_evidence').insert([
        row(1, 'check', 'sentry', 'check:sentry-project-active'),
        row(2, 'check', 'catalog', 'check:runbook-dr'),
        row(3, 'check', 'backup', 'check:backup-policy-declared'),
        // A client-chosen "check" from CI before the trust model: a claim now.
        row(4, 'check', 'ci', 'service:ci-pipeline'),
        row(5, 'link', 'manual', 'user:default/alice'),
      ]);

      await knex.migrate.up({ directory: migrationsDir });
      const trust = await knex('readiness_evidence')
        .orderBy('id')
        .select('recorded_by', 'trust', 'review_state');
      expect(trust).toEqual([
        {
          recorded_by: 'check:sentry-project-active',
          trust: 'verified',
          review_state: null,
        },
        {
          recorded_by: 'check:runbook-dr',
          trust: 'claimed',
          review_state: null,
        },
        {
          recorded_by: 'check:backup-policy-declared',
          trust: 'claimed',
          review_state: null,
        },
        {
          recorded_by: 'service:ci-pipeline',
          trust: 'claimed',
          review_state: null,
        },
        {
          recorded_by: 'user:default/alice',
          trust: 'claimed',
          review_state: 'pending',
        },
      ]);

      await knex.migrate.down({ directory: migrationsDir });
      expect(await knex.schema.hasColumn('readiness_evidence', 'trust')).toBe(
        false,
      );
      expect(await knex('readiness_evidence').count({ n: '*' })).toEqual([
        { n: '5' },
      ]);
    },
  );
});
