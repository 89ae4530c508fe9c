/*
 * An owner can ask for an exemption; an approver turns the request into an exemption.
 * Requests never count towards the score.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_task_states', table => {
    table
      .jsonb('exemption_request')
      .nullable()
      .comment(
        'Pending request: {reason, expiresAt, requestedBy, requestedAt}',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_task_states', table => {
    table.dropColumn('exemption_request');
  });
};
