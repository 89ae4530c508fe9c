/**
 * Evidence provenance: how far each row is trusted (`verified`, `reviewed`, `claimed`) and
 * the second person's review of a person's evidence. Rows recorded before the trust model
 * were chosen by their clients, so only the backend's own check rows become `verified`;
 * people's links, commits and documents await review. Stored scores catch up at the next
 * scheduled re-evaluation (a minute after start).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('readiness_evidence', table => {
    table
      .string('trust')
      .notNullable()
      .defaultTo('claimed')
      .comment('verified | reviewed | claimed, assigned by the server');
    table
      .string('review_state')
      .nullable()
      .comment('pending | approved | rejected; null when not reviewable');
    table.string('reviewed_by').nullable();
    table.timestamp('reviewed_at', { useTz: true }).nullable();
    table.text('review_comment').nullable();
  });
  // Checks that only read what a team declared (runbook links, the backup-policy
  // annotation, the example staging link) stay claims, as they are from now on.
  await knex('readiness_evidence')
    .where({ kind: 'check' })
    .where('recorded_by', 'like', 'check:%')
    .whereNot('recorded_by', 'like', 'check:runbook-%')
    .whereNotIn('recorded_by', [
      'check:backup-policy-declared',
      'check:staging-parity',
    ])
    .update({ trust: 'verified' });
  await knex('readiness_evidence')
    .whereIn('kind', ['link', 'commit', 'document'])
    .whereNot('recorded_by', 'like', 'check:%')
    .whereNot('recorded_by', 'like', 'service:%')
    .update({ review_state: 'pending' });
  await knex.raw(
    `create index readiness_evidence_pending_idx on readiness_evidence (recorded_at)
       where review_state = 'pending'`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists readiness_evidence_pending_idx');
  await knex.schema.alterTable('readiness_evidence', table => {
    table.dropColumn('review_comment');
    table.dropColumn('reviewed_at');
    table.dropColumn('reviewed_by');
    table.dropColumn('review_state');
    table.dropColumn('trust');
  });
};
