/**
 * Indexes for 50 000 services: the services list pages by score column and ref through an
 * index for every sort (not only `overall`), active plans are counted and joined from a
 * partial index instead of the plan rows (about 1 kB each with the entity snapshot), and
 * the snapshot retention finds the per-change snapshots without reading the daily ones
 * (90 per service).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table.index(['blockers', 'entity_ref'], 'readiness_scores_blockers_idx');
    table.index(
      ['computed_at', 'entity_ref'],
      'readiness_scores_computed_at_idx',
    );
  });
  await knex.raw(
    `create index readiness_plans_active_idx on readiness_plans (entity_ref)
       where archived_at is null`,
  );
  await knex.raw(
    `create index readiness_snapshots_changes_idx on readiness_score_snapshots (recorded_at)
       where reason <> 'daily'`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists readiness_snapshots_changes_idx');
  await knex.raw('drop index if exists readiness_plans_active_idx');
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropIndex([], 'readiness_scores_computed_at_idx');
    table.dropIndex([], 'readiness_scores_blockers_idx');
  });
};
