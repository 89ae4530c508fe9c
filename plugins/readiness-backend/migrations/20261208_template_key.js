/**
 * The md5 of each plan's pinned template, kept by PostgreSQL as a stored generated column.
 * Plan reads key their parsed-template cache by it; computing it per read detoasted and
 * hashed the ~14 KB template of every row (240 ms per page of 500 plans at 50 000 plans,
 * a third of a full re-evaluation).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    `alter table readiness_plans
       add column template_key text
       generated always as (md5(template_snapshot::text)) stored`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('readiness_plans', table => {
    table.dropColumn('template_key');
  });
};
