/**
 * The services each initiative has covered since it started: one that leaves the selection
 * (re-tiered, moved to another team, its readiness annotations removed) still counts until
 * the deadline, so a team cannot raise its initiative's progress by leaving it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_initiative_members', table => {
    table.comment('Services an initiative has covered, and when they left');
    table
      .string('initiative_id')
      .notNullable()
      .references('id')
      .inTable('readiness_initiatives')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.timestamp('joined_at', { useTz: true }).notNullable();
    table.timestamp('left_at', { useTz: true }).nullable();
    table.primary(['initiative_id', 'entity_ref']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_initiative_members');
};
