import { Config } from '@backstage/config';
import {
  RUNBOOK_TYPES,
  RunbookType,
  getBackupPolicyId,
  isTrusted,
  isValidProof,
} from '@prodready/plugin-readiness-common';
import { ReadinessCheck } from '@prodready/plugin-readiness-node';

const RUNBOOK_TITLES: Record<RunbookType, string> = {
  dr: 'Disaster recovery',
  incident: 'Incident',
  deploy: 'Deploy',
  rollback: 'Rollback',
  database: 'Database',
  'on-call': 'On-call',
  other: 'Other',
};

const runbookCheck = (type: RunbookType, title: string): ReadinessCheck => ({
  id: `runbook-${type}`,
  title: `${title} runbook linked`,
  source: 'catalog',
  // A link the team added proves the link exists, not the runbook: a claim until reviewed.
  trust: 'claimed',
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
  // The annotation is the team's free text: looked up among the configured ids, never read
  // as a config path (`daily.title`, `30 d` and `constructor` used to throw).
  const ids = new Set(policies?.keys() ?? []);
  const policyOf = (id: string | undefined) =>
    id && ids.has(id) ? policies?.getConfig(id) : undefined;
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
      // An annotation is the team's declaration, not proof that backups run.
      trust: 'claimed',
      async run({ entity }) {
        const id = getBackupPolicyId(entity);
        if (!id) {
          return {
            outcome: 'failed',
            summary: 'No readiness/backup-policy annotation',
          };
        }
        const policy = policyOf(id);
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
    {
      id: 'restore-drill-recent',
      title: 'Restore drill within the backup policy cadence',
      source: 'backup',
      async run({ entity, state, now }) {
        const id = getBackupPolicyId(entity);
        const every = policyOf(id)?.getOptionalNumber('restoreDrillEveryDays');
        if (!every) {
          return {
            outcome: 'failed',
            summary: 'No known backup policy, so no restore drill cadence',
          };
        }
        // Drills count when a bound CI principal reported them or a second person reviewed
        // the report; our own rows and a person's unreviewed word do not.
        const drills = (state?.evidence ?? [])
          .filter(e => isTrusted(e) && !e.recordedBy.startsWith('check:'))
          .map(e => Date.parse(e.recordedAt))
          .sort((a, b) => b - a);
        if (!drills.length) {
          return {
            outcome: 'failed',
            summary: `No restore drill reported; policy ${id} requires one every ${every} days`,
          };
        }
        const last = new Date(drills[0]).toISOString().slice(0, 10);
        return now.getTime() - drills[0] <= every * 86_400_000
          ? {
              outcome: 'passed',
              summary: `Last restore drill ${last}; policy ${id} requires one every ${every} days`,
            }
          : {
              outcome: 'failed',
              summary: `Last restore drill ${last} is older than the ${every}-day cadence of policy ${id}`,
            };
      },
    },
    {
      id: 'backup-within-rpo',
      title: 'Latest backup younger than the policy RPO',
      source: 'backup',
      async run({ entity, state, template, tasks, now }) {
        const id = getBackupPolicyId(entity);
        const rpoHours = policyOf(id)?.getOptionalNumber('rpoHours');
        if (!rpoHours) {
          return {
            outcome: 'failed',
            summary: 'No known backup policy, so no RPO to hold backups to',
          };
        }
        // Only the backup system's bound principal (or a reviewed report) proves a backup ran.
        const backups = (state?.evidence ?? [])
          .filter(e => isTrusted(e) && !e.recordedBy.startsWith('check:'))
          .sort((a, b) => Date.parse(b.recordedAt) - Date.parse(a.recordedAt));
        if (!backups.length) {
          return {
            outcome: 'failed',
            summary: `No backup reported by a bound principal; policy ${id} has an RPO of ${rpoHours} h`,
          };
        }
        const [last] = backups;
        const ageHours =
          (now.getTime() - Date.parse(last.recordedAt)) / 3_600_000;
        // The policy (so the RPO) is the team's own choice: it holds backups to the org's
        // standard only once a second person (or a bound principal) proved the declaration.
        const declarations = new Set(
          (template?.phases ?? [])
            .flatMap(p => p.tasks)
            .filter(t => t.verification === 'backup-policy-declared')
            .map(t => t.id),
        );
        const approved = (tasks ?? []).some(
          t =>
            declarations.has(t.taskId) &&
            t.evidence.some(
              e => isValidProof(e, now) && !e.recordedBy.startsWith('check:'),
            ),
        );
        const unreviewed = approved
          ? ''
          : " (the policy is the team's declaration until a second person reviews it)";
        return ageHours <= rpoHours
          ? {
              outcome: 'passed',
              summary: `Last backup reported ${last.recordedAt.slice(
                0,
                16,
              )}Z by ${
                last.recordedBy
              }, within the ${rpoHours} h RPO of policy ${id}${unreviewed}`,
              ...(last.url ? { url: last.url } : {}),
              ...(approved ? {} : { trust: 'claimed' as const }),
            }
          : {
              outcome: 'failed',
              summary: `Last backup reported ${Math.floor(
                ageHours,
              )} h ago, beyond the ${rpoHours} h RPO of policy ${id}`,
            };
      },
    },
    ...RUNBOOK_TYPES.filter(t => t !== 'other').map(t =>
      runbookCheck(t, RUNBOOK_TITLES[t]),
    ),
  ];
}
