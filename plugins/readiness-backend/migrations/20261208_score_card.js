/**
 * The entity card's plan-decided part (`ReadinessCard` in the common package), stored with
 * each score so a card read does no scoring. Rows scored before this read null until the
 * next re-score (the re-evaluation a minute after start); until then cards are computed.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table.jsonb('card').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropColumn('card');
  });
};
