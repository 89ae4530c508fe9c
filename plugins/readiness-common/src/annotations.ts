import { Entity } from '@backstage/catalog-model';

/** Sentry project of the service (community convention; the org comes from app-config). @public */
export const ANNOTATION_SENTRY_PROJECT_SLUG = 'sentry.io/project-slug';
/** Id of a backup policy in `readiness.backupPolicies`. @public */
export const ANNOTATION_BACKUP_POLICY = 'readiness/backup-policy';
/** Id of the readiness template to use instead of the selected default. @public */
export const ANNOTATION_TEMPLATE = 'readiness/template';
/** Criticality tier, `1` (most critical) to `4`. @public */
export const ANNOTATION_TIER = 'readiness/tier';
/** GitHub repository `owner/name` (Backstage convention), read by the GitHub checks. @public */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';
/** PagerDuty service id (community convention), read by the on-call check. @public */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';
/**
 * URL the TLS and security-header probe reads, when the entity has no link of type `website`.
 * @public
 */
export const ANNOTATION_PROBE_URL = 'readiness/probe-url';
/** Health URL the health probe reads, when the entity has no link of type `health`. @public */
export const ANNOTATION_HEALTH_URL = 'readiness/health-url';

/** Annotations that register an entity for readiness tracking. @public */
export const READINESS_ANNOTATIONS = [
  ANNOTATION_SENTRY_PROJECT_SLUG,
  ANNOTATION_BACKUP_POLICY,
  ANNOTATION_TEMPLATE,
  ANNOTATION_TIER,
] as const;

const annotation = (entity: Entity, key: string): string | undefined => {
  const value = entity.metadata.annotations?.[key]?.trim();
  return value ? value : undefined;
};

/** @public */
export const getSentryProjectSlug = (entity: Entity) =>
  annotation(entity, ANNOTATION_SENTRY_PROJECT_SLUG);
/** @public */
export const getBackupPolicyId = (entity: Entity) =>
  annotation(entity, ANNOTATION_BACKUP_POLICY);
/** @public */
export const getTemplateId = (entity: Entity) =>
  annotation(entity, ANNOTATION_TEMPLATE);
/** @public */
export const getTier = (entity: Entity) => annotation(entity, ANNOTATION_TIER);

/** True when the entity carries at least one readiness annotation. @public */
export const isReadinessAnnotated = (entity: Entity): boolean =>
  READINESS_ANNOTATIONS.some(key => annotation(entity, key) !== undefined);

/**
 * The `verification` of a template task that no check runs: a CI principal bound to the task
 * in `readiness.ci.principals` proves it (e.g. a test suite reports its result).
 * @public
 */
export const VERIFICATION_CI_PRINCIPAL = 'ci-principal';

/** Link `type` values that mark a runbook: `runbook` or `runbook-<type>`. @public */
export const RUNBOOK_LINK_TYPE_PATTERN = /^runbook(?:-([a-z][a-z-]*))?$/;
