/**
 * The org chart as the catalog sync last saw it: each group with its parent, and every
 * (ancestor group, member) pair — a group's descendants, and the users in it or below it — so
 * `groupBy=group` rolls a group up over everything beneath it with one join.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_org_groups', table => {
    table.comment('Groups from the catalog with their parent (catalog sync)');
    table.string('group_ref').primary();
    table.string('parent_ref').nullable();
    table.string('title').nullable();
    table.index(['parent_ref'], 'readiness_org_groups_parent_idx');
  });
  await knex.schema.createTable('readiness_org_members', table => {
    table.comment(
      'Closure of the org chart: a row per ancestor group and each group or user beneath it (itself included)',
    );
    table.string('ancestor_ref').notNullable();
    table.string('member_ref').notNullable();
    table.primary(['ancestor_ref', 'member_ref']);
    table.index(['member_ref'], 'readiness_org_members_member_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('readiness_org_members');
  await knex.schema.dropTable('readiness_org_groups');
};
