import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EntityReadinessResponse,
  getBackupPolicyId,
  getSentryProjectSlug,
} from '@prodready/plugin-readiness-common';

/**
 * The Sentry project and backup policy of an entity, as the card shows them, with the last
 * restore drill (`lastRestoreDrill` of its plan). The Sentry link is built from config; the
 * token never leaves the backend.
 * @internal
 */
export function entityLinks(
  entity: Entity,
  config: Config,
  lastDrillAt: string | undefined,
): Pick<EntityReadinessResponse, 'sentry' | 'backupPolicy'> {
  const out: Pick<EntityReadinessResponse, 'sentry' | 'backupPolicy'> = {};
  const slug = getSentryProjectSlug(entity);
  if (slug) {
    const project = slug.includes('/') ? slug.split('/').pop()! : slug;
    const sentry = config.getOptionalConfig('readiness.sentry');
    const org = sentry?.getOptionalString('organization');
    const base = (
      sentry?.getOptionalString('baseUrl') ?? 'https://sentry.io'
    ).replace(/\/+$/, '');
    out.sentry = {
      project,
      ...(org
        ? {
            url: `${base}/organizations/${encodeURIComponent(
              org,
            )}/projects/${encodeURIComponent(project)}/`,
          }
        : {}),
    };
  }
  const id = getBackupPolicyId(entity);
  const policy = id
    ? config.getOptionalConfig(`readiness.backupPolicies.${id}`)
    : undefined;
  if (id && policy) {
    out.backupPolicy = {
      id,
      title: policy.getString('title'),
      rpoHours: policy.getNumber('rpoHours'),
      rtoHours: policy.getNumber('rtoHours'),
      retentionDays: policy.getNumber('retentionDays'),
      restoreDrillEveryDays: policy.getNumber('restoreDrillEveryDays'),
      ...(lastDrillAt ? { lastDrillAt } : {}),
    };
  }
  return out;
}
