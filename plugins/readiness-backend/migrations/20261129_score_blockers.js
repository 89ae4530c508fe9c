/*
 * Keeps the blocking tasks with the stored score, so the org page lists every open P0
 * across the organisation from one indexed table instead of re-evaluating plans.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table
      .jsonb('blocker_list')
      .notNullable()
      .defaultTo('[]')
      .comment('Open P0 tasks: [{taskId, title, phaseId, kind}]');
  });
  await knex.schema.alterTable('readiness_score_snapshots', table => {
    table.index(['recorded_at'], 'readiness_snapshots_time_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_score_snapshots', table => {
    table.dropIndex([], 'readiness_snapshots_time_idx');
  });
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropColumn('blocker_list');
  });
};
