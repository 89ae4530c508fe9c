import { Config } from '@backstage/config';
import {
  RunbookType,
  getBackupPolicyId,
} from '@internal/plugin-readiness-common';
import { ReadinessCheck } from '@internal/plugin-readiness-node';

const runbookCheck = (type: RunbookType, title: string): ReadinessCheck => ({
  id: `runbook-${type}`,
  title: `${title} runbook linked`,
  source: 'catalog',
  async run({ runbooks }) {
    const link = runbooks.find(r => r.type === type);
    return link
      ? {
          outcome: 'passed',
          summary: `${title} runbook: ${link.title}`,
          url: link.url,
        }
      : {
          outcome: 'failed',
          summary: `No runbook link of type runbook-${type} in catalog-info.yaml or the API`,
        };
  },
});

/** Checks that need nothing but the catalog and app-config. @internal */
export function builtinChecks(config: Config): ReadinessCheck[] {
  const policies = config.getOptionalConfig('readiness.backupPolicies');
  return [
    {
      id: 'catalog-owner-set',
      title: 'Owner set in the catalog',
      source: 'catalog',
      async run({ entity }) {
        const owner = entity.relations?.find(
          r => r.type === 'ownedBy',
        )?.targetRef;
        return owner
          ? { outcome: 'passed', summary: `Owned by ${owner}` }
          : {
              outcome: 'failed',
              summary: 'spec.owner does not resolve to a catalog entity',
            };
      },
    },
    {
      id: 'backup-policy-declared',
      title: 'Known backup policy declared',
      source: 'backup',
      async run({ entity }) {
        const id = getBackupPolicyId(entity);
        if (!id) {
          return {
            outcome: 'failed',
            summary: 'No readiness/backup-policy annotation',
          };
        }
        const policy = policies?.getOptionalConfig(id);
        if (!policy) {
          return {
            outcome: 'failed',
            summary: `Backup policy "${id}" is not in readiness.backupPolicies`,
          };
        }
        return {
          outcome: 'passed',
          summary: `Backup policy ${id}: RPO ${policy.getNumber(
            'rpoHours',
          )} h, RTO ${policy.getNumber(
            'rtoHours',
          )} h, retention ${policy.getNumber('retentionDays')} d`,
        };
      },
    },
    runbookCheck('dr', 'Disaster recovery'),
    runbookCheck('incident', 'Incident'),
    runbookCheck('rollback', 'Rollback'),
  ];
}
