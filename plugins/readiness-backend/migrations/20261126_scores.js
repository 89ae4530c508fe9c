/*
 * Scores: the precomputed score row per plan, score snapshots (history) and an append-only
 * change log.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_scores', table => {
    table.comment(
      'Latest computed score per plan, read by rollups without re-evaluation',
    );
    table
      .string('entity_ref')
      .primary()
      .references('entity_ref')
      .inTable('readiness_plans')
      .onDelete('CASCADE');
    table.decimal('overall', 5, 1).notNullable();
    table.string('status').notNullable();
    table.integer('blockers').notNullable();
    table.jsonb('dimensions').notNullable();
    table.timestamp('computed_at', { useTz: true }).notNullable();
    table.index(['status'], 'readiness_scores_status_idx');
  });

  await knex.schema.createTable('readiness_score_snapshots', table => {
    table.comment(
      'Score history: one row per change that moved a score, plus daily points',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable();
    table.decimal('overall', 5, 1).notNullable();
    table.string('status').notNullable();
    table.integer('blockers').notNullable();
    table.jsonb('dimensions').notNullable();
    table.string('reason').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'recorded_at'],
      'readiness_snapshots_entity_time_idx',
    );
  });

  await knex.schema.createTable('readiness_change_log', table => {
    table.comment('Append-only log of every write, shown in the UI');
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable();
    table.string('task_id').nullable();
    table.string('action').notNullable();
    table.string('actor').notNullable();
    table.jsonb('before').nullable();
    table.jsonb('after').nullable();
    table
      .timestamp('at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['entity_ref', 'at'], 'readiness_change_log_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_change_log');
  await knex.schema.dropTable('readiness_score_snapshots');
  await knex.schema.dropTable('readiness_scores');
};
