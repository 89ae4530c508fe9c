import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EntityReadinessResponse,
  ReadinessTemplate,
  TaskState,
  getBackupPolicyId,
  getSentryProjectSlug,
} from '@prodready/plugin-readiness-common';

/**
 * The Sentry project and backup policy of an entity, as the card shows them. The Sentry
 * link is built from config; the token never leaves the backend.
 * @internal
 */
export function entityLinks(
  entity: Entity,
  config: Config,
  template: ReadinessTemplate,
  tasks: TaskState[],
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
    const drillTasks = template.phases
      .flatMap(p => p.tasks)
      .filter(t => t.verification === 'restore-drill-recent')
      .map(t => t.id);
    const drills = tasks
      .filter(t => drillTasks.includes(t.taskId))
      .flatMap(t => t.evidence)
      .filter(
        e => e.kind !== 'attestation' && !e.recordedBy.startsWith('check:'),
      )
      .map(e => e.recordedAt)
      .sort();
    out.backupPolicy = {
      id,
      title: policy.getString('title'),
      rpoHours: policy.getNumber('rpoHours'),
      rtoHours: policy.getNumber('rtoHours'),
      retentionDays: policy.getNumber('retentionDays'),
      restoreDrillEveryDays: policy.getNumber('restoreDrillEveryDays'),
      ...(drills.length ? { lastDrillAt: drills[drills.length - 1] } : {}),
    };
  }
  return out;
}
