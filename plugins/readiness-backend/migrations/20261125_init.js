/*
 * Initial readiness schema: plans, task state, evidence and runbook links.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_plans', table => {
    table.comment('One readiness plan per catalog entity');
    table.string('entity_ref').primary().comment('Lower-cased entity ref');
    table.string('template_id').notNullable();
    table.integer('template_version').notNullable();
    table.string('owner').nullable();
    table.string('system').nullable();
    table.string('domain').nullable();
    table.string('lifecycle').nullable();
    table.string('tier').nullable();
    table.timestamp('archived_at', { useTz: true }).nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['owner'], 'readiness_plans_owner_idx');
  });

  await knex.schema.createTable('readiness_task_states', table => {
    table.comment(
      'State of one task in one plan, keyed by the template task id',
    );
    table
      .string('entity_ref')
      .notNullable()
      .references('entity_ref')
      .inTable('readiness_plans')
      .onDelete('CASCADE');
    table.string('task_id').notNullable();
    table.string('status').notNullable().defaultTo('todo');
    table.string('assignee').nullable();
    table.text('notes').nullable();
    table.jsonb('checklist').notNullable().defaultTo('{}');
    table.jsonb('exemption').nullable();
    table.integer('version').notNullable().defaultTo(0);
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.string('updated_by').nullable();
    table.primary(['entity_ref', 'task_id']);
  });

  await knex.schema.createTable('readiness_evidence', table => {
    table.comment('Evidence attached to a task');
    table.uuid('id').primary();
    table
      .string('entity_ref')
      .notNullable()
      .references('entity_ref')
      .inTable('readiness_plans')
      .onDelete('CASCADE');
    table.string('task_id').notNullable();
    table.string('kind').notNullable();
    table.text('url').nullable();
    table.text('summary').notNullable();
    table.string('source').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.string('recorded_by').notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.index(['entity_ref', 'task_id'], 'readiness_evidence_task_idx');
    table.index(['expires_at'], 'readiness_evidence_expires_idx');
  });

  await knex.schema.createTable('readiness_runbook_links', table => {
    table.comment('Runbook links from the catalog or added through the API');
    table.uuid('id').primary();
    table
      .string('entity_ref')
      .notNullable()
      .references('entity_ref')
      .inTable('readiness_plans')
      .onDelete('CASCADE');
    table.string('type').notNullable();
    table.text('title').notNullable();
    table.text('url').notNullable();
    table.string('source').notNullable();
    table.timestamp('last_reviewed_at', { useTz: true }).nullable();
    table.index(['entity_ref'], 'readiness_runbook_links_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_runbook_links');
  await knex.schema.dropTable('readiness_evidence');
  await knex.schema.dropTable('readiness_task_states');
  await knex.schema.dropTable('readiness_plans');
};
