/*
 * Keeps the catalog entity's kind, metadata, spec and relations on the plan (refreshed by
 * every registration and catalog sync), so reads by users who may read every catalog entity
 * need no catalog round trip.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_plans', table => {
    table
      .jsonb('entity_snapshot')
      .nullable()
      .comment('Catalog entity as of the last registration or sync');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_plans', table => {
    table.dropColumn('entity_snapshot');
  });
};
