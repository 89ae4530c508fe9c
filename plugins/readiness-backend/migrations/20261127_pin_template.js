/*
 * Pins the full template a plan was created from, so template changes in config never
 * silently rescore a plan: upgrades are explicit and report added/removed tasks.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_plans', table => {
    table
      .jsonb('template_snapshot')
      .nullable()
      .comment('The template (id, version, tasks) the plan is pinned to');
  });
  await knex.schema.alterTable('readiness_scores', table => {
    table.index(['overall', 'entity_ref'], 'readiness_scores_overall_idx');
  });
  await knex.schema.alterTable('readiness_plans', table => {
    table.index(['system'], 'readiness_plans_system_idx');
    table.index(['domain'], 'readiness_plans_domain_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_plans', table => {
    table.dropIndex([], 'readiness_plans_system_idx');
    table.dropIndex([], 'readiness_plans_domain_idx');
  });
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropIndex([], 'readiness_scores_overall_idx');
  });
  await knex.schema.alterTable('readiness_plans', table => {
    table.dropColumn('template_snapshot');
  });
};
