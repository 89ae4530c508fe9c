/**
 * Initiatives (campaigns): their definitions (from config, kept in step at start, or from
 * admins through the API) and a daily progress point each for the burn-up chart. Stored
 * scores keep the tasks they count as proven, so an initiative's goal of task ids is read
 * from one table. Existing score rows hold no proven tasks until the next re-evaluation (a
 * minute after start).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_scores', table => {
    table
      .jsonb('proven_tasks')
      .notNullable()
      .defaultTo('[]')
      .comment('Task ids proven, or exempt / not applicable by approval');
  });
  await knex.schema.createTable('readiness_initiatives', table => {
    table.comment('Initiatives: a goal for a selection of services by a deadline');
    table.string('id').primary();
    table.jsonb('definition').notNullable();
    table.string('source').notNullable().comment('config or api');
    table.string('updated_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('readiness_initiative_progress', table => {
    table.comment('Burn-up history: services meeting the goal, one row per day');
    table
      .string('initiative_id')
      .notNullable()
      .references('id')
      .inTable('readiness_initiatives')
      .onDelete('CASCADE');
    table.date('day').notNullable();
    table.integer('services').notNullable();
    table.integer('met').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.primary(['initiative_id', 'day']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_initiative_progress');
  await knex.schema.dropTable('readiness_initiatives');
  await knex.schema.alterTable('readiness_scores', table => {
    table.dropColumn('proven_tasks');
  });
};
