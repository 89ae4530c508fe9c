/**
 * The last run of each automatic check on each task: which check proves the task, when it
 * last ran and what it found (failures and "could not tell" included), so the card can say
 * so without a row of evidence per failing run.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_check_runs', table => {
    table.string('entity_ref').notNullable();
    table.string('task_id').notNullable();
    table.string('check_id').notNullable();
    table.string('check_title').notNullable();
    table.string('outcome').notNullable().comment('passed | failed | unknown');
    table.text('summary').notNullable();
    table.text('url').nullable();
    table.timestamp('ran_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'task_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_check_runs');
};
