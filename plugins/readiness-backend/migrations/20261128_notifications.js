/*
 * Remembers which readiness notifications were sent, so an event is announced once.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_notifications_sent', table => {
    table.comment(
      'One row per notified event (evidence expiring/expired, score drop)',
    );
    table.string('entity_ref').notNullable();
    table.string('event_key').notNullable();
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['entity_ref', 'event_key']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_notifications_sent');
};
