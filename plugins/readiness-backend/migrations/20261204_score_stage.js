/**
 * The phase stage of each stored score (the last phase, counted from the first, whose P0 and
 * P1 tasks are all proven), for rollups per stage and the `minStage` filter. Existing rows
 * read 0 until the next re-evaluation (a minute after start) stores their stage.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table.integer('stage').notNullable().defaultTo(0);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropColumn('stage');
  });
};
