import { templateSchema } from '@prodready/plugin-readiness-common';

/**
 * The default template, drawn from the teams' readiness reports (phases Monitoring →
 * Security → Operational resilience → Compliance → Capacity & change) and Google's
 * production readiness review areas. Validated with the same schema as config templates.
 */
export const defaultTemplate = templateSchema.parse({
  id: 'default',
  version: 3,
  title: 'Production readiness (default)',
  description:
    'Five phases from monitoring to capacity. P0 tasks block readiness until they are done with evidence.',
  dimensions: [
    { id: 'monitoring', title: 'Monitoring & visibility', weight: 1 },
    { id: 'security', title: 'Security', weight: 1.25 },
    { id: 'resilience', title: 'Operational resilience', weight: 1.25 },
    { id: 'compliance', title: 'Compliance & data', weight: 0.75 },
    { id: 'capacity', title: 'Capacity & change management', weight: 1 },
  ],
  phases: [
    {
      id: 'monitoring',
      title: 'Monitoring & visibility',
      description: 'See failures before users report them.',
      risk: 'low',
      estimateHours: 8,
      tasks: [
        {
          id: '1.1',
          title: 'Error tracking reports production errors',
          description:
            'Errors from every runtime reach Sentry with release and environment tags; PII is filtered before sending.',
          dimension: 'monitoring',
          points: 15,
          severity: 'p0',
          verification: 'sentry-project-active',
          maxAgeDays: 30,
          checklist: [
            { id: 'sdk', title: 'SDK installed and initialised first' },
            { id: 'pii', title: 'PII scrubbing in beforeSend' },
            { id: 'release', title: 'Release and environment tags set' },
            {
              id: 'annotation',
              title: 'sentry.io/project-slug annotation in catalog-info.yaml',
            },
          ],
        },
        {
          id: '1.2',
          title: 'External uptime monitoring on a health endpoint',
          description:
            'The health URL (a catalog link of type health) answers 2xx when probed.',
          dimension: 'monitoring',
          points: 10,
          severity: 'p1',
          verification: 'probe-health',
          checklist: [
            { id: 'health', title: 'Health endpoint checks dependencies' },
            { id: 'monitor', title: 'External monitor alerts on-call' },
          ],
        },
        {
          id: '1.3',
          title: 'Performance monitoring (latency, Web Vitals, slow queries)',
          dimension: 'monitoring',
          points: 8,
          severity: 'p2',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '1.4',
          title: 'Structured logging shipped to a central store',
          dimension: 'monitoring',
          points: 8,
          severity: 'p1',
          verification: 'manual',
          checklist: [
            { id: 'levels', title: 'Log levels and standards documented' },
            {
              id: 'errors',
              title: 'Errors and warnings forwarded to error tracking',
            },
          ],
        },
        {
          id: '1.5',
          title: 'Alerts routed to on-call with a runbook link each',
          description:
            'The PagerDuty service named by pagerduty.com/service-id has someone on call now.',
          dimension: 'monitoring',
          points: 10,
          severity: 'p1',
          verification: 'pagerduty-on-call',
          checklist: [],
        },
        {
          id: '1.6',
          title: 'Unresolved production errors kept under the limit',
          description:
            'Unresolved Sentry issues stay at or below readiness.sentry.maxUnresolvedIssues.',
          dimension: 'monitoring',
          points: 5,
          severity: 'p2',
          verification: 'sentry-issues-under-threshold',
          maxAgeDays: 7,
          checklist: [],
        },
      ],
    },
    {
      id: 'security',
      title: 'Security hardening',
      description: 'Fix real vulnerabilities before handling real data.',
      risk: 'medium',
      estimateHours: 12,
      tasks: [
        {
          id: '2.1',
          title:
            'No high or critical vulnerabilities in production dependencies',
          description:
            'No open high or critical Dependabot alerts on the repository; vulnerable packages replaced, not ignored.',
          dimension: 'security',
          points: 15,
          severity: 'p0',
          verification: 'github-vulnerabilities',
          maxAgeDays: 30,
          checklist: [
            { id: 'audit', title: 'Dependency audit runs in CI' },
            { id: 'zero', title: '0 high/critical findings' },
          ],
        },
        {
          id: '2.2',
          title: 'Every endpoint authenticated, including WebSockets',
          description:
            "An authentication test suite in CI calls every route without a token; the pipeline's bound principal reports the result.",
          dimension: 'security',
          points: 15,
          severity: 'p0',
          verification: 'ci-principal',
          maxAgeDays: 14,
          checklist: [
            { id: 'http', title: 'HTTP routes require a verified token' },
            { id: 'ws', title: 'WebSocket handshake verifies a JWT' },
          ],
        },
        {
          id: '2.3',
          title: 'Secrets in a secret manager, none in the repository',
          dimension: 'security',
          points: 10,
          severity: 'p1',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '2.4',
          title: 'Test and debug endpoints disabled in production',
          dimension: 'security',
          points: 8,
          severity: 'p1',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '2.5',
          title: 'TLS everywhere and security headers set',
          description:
            'The website link serves a certificate valid for 14 more days, HSTS, nosniff and a CSP.',
          dimension: 'security',
          points: 5,
          severity: 'p2',
          verification: 'probe-tls-headers',
          checklist: [],
        },
      ],
    },
    {
      id: 'resilience',
      title: 'Operational resilience',
      description:
        'Backups that restore, a DR runbook people have read, and limits that hold.',
      risk: 'low',
      estimateHours: 16,
      tasks: [
        {
          id: '3.1',
          title: 'Backup policy declared',
          description:
            'The service names a backup policy (RPO/RTO, retention) from readiness.backupPolicies.',
          dimension: 'resilience',
          points: 4,
          severity: 'p1',
          verification: 'backup-policy-declared',
          checklist: [
            { id: 'policy', title: 'readiness/backup-policy annotation set' },
          ],
        },
        {
          id: '3.6',
          title: 'Backups ran within the RPO',
          description:
            "The backup system's bound principal reports each successful backup; the latest is younger than the policy's RPO.",
          dimension: 'resilience',
          points: 8,
          severity: 'p0',
          verification: 'backup-within-rpo',
          // The backup system's own report counts for two days at most; the check holds the
          // latest report to the policy's RPO (the org's, once the declaration in 3.1 is proven).
          maxAgeDays: 2,
          checklist: [
            { id: 'principal', title: 'Backup job reports to readiness' },
            { id: 'monitored', title: 'Backup job failures alert' },
          ],
        },
        {
          id: '3.2',
          title: 'Restore drill passed within the policy cadence',
          dimension: 'resilience',
          points: 12,
          severity: 'p1',
          verification: 'restore-drill-recent',
          maxAgeDays: 90,
          checklist: [
            { id: 'restore', title: 'Restored into an isolated environment' },
            { id: 'timed', title: 'Restore time measured against RTO' },
          ],
        },
        {
          id: '3.3',
          title: 'Disaster recovery runbook written and reviewed',
          dimension: 'resilience',
          points: 10,
          severity: 'p1',
          verification: 'runbook-dr',
          maxAgeDays: 180,
          checklist: [],
        },
        {
          id: '3.4',
          title: 'Rate limiting shared across instances',
          dimension: 'resilience',
          points: 8,
          severity: 'p1',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '3.5',
          title: 'Incident playbook and on-call rotation',
          dimension: 'resilience',
          points: 8,
          severity: 'p1',
          verification: 'runbook-incident',
          maxAgeDays: 180,
          checklist: [],
        },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance & data',
      description: 'Know what data you keep, for how long, and who may see it.',
      risk: 'low',
      estimateHours: 24,
      tasks: [
        {
          id: '4.1',
          title: 'Data retention policy defined and automated',
          dimension: 'compliance',
          points: 10,
          severity: 'p1',
          verification: 'manual',
          checklist: [
            { id: 'policy', title: 'Retention periods approved' },
            { id: 'job', title: 'Deletion job runs and is monitored' },
          ],
        },
        {
          id: '4.2',
          title: 'Privacy and consent obligations met',
          description:
            'GDPR requests, consent flows (e.g. parental consent) and a legal review.',
          dimension: 'compliance',
          points: 8,
          severity: 'p1',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '4.3',
          title: 'Audit log of privileged actions',
          dimension: 'compliance',
          points: 6,
          severity: 'p2',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '4.4',
          title: 'Owner and escalation contacts in the catalog',
          dimension: 'compliance',
          points: 5,
          severity: 'p1',
          verification: 'catalog-owner-set',
          checklist: [],
        },
      ],
    },
    {
      id: 'capacity',
      title: 'Capacity & change management',
      description: 'Ship safely, roll back fast, and know where it breaks.',
      risk: 'high',
      estimateHours: 20,
      tasks: [
        {
          id: '5.1',
          title: 'Production build and tests pass in CI',
          description:
            "A readiness claim on a build that does not compile is worthless: the default branch's latest CI run is green and recent (or the pipeline's bound principal reports it).",
          dimension: 'capacity',
          points: 15,
          severity: 'p0',
          verification: 'github-ci',
          maxAgeDays: 14,
          checklist: [],
        },
        {
          id: '5.2',
          title: 'Load test at twice the expected peak',
          dimension: 'capacity',
          points: 10,
          severity: 'p1',
          verification: 'manual',
          maxAgeDays: 180,
          checklist: [],
        },
        {
          id: '5.3',
          title: 'Rollback procedure tested',
          dimension: 'capacity',
          points: 8,
          severity: 'p1',
          verification: 'runbook-rollback',
          maxAgeDays: 180,
          checklist: [],
        },
        {
          id: '5.4',
          title: 'Staging matches production',
          description:
            'Verified by a `staging-parity` check where one is installed (the demo backend has an example module).',
          dimension: 'capacity',
          points: 6,
          severity: 'p2',
          verification: 'staging-parity',
          checklist: [],
        },
        {
          id: '5.5',
          title: 'Capacity plan: caches, queues and autoscaling limits',
          dimension: 'capacity',
          points: 5,
          severity: 'p2',
          verification: 'manual',
          checklist: [],
        },
        {
          id: '5.6',
          title: 'Changes reviewed: the default branch is protected',
          description:
            'Merging to the default branch needs an approving review and passing status checks.',
          dimension: 'capacity',
          points: 6,
          severity: 'p1',
          verification: 'github-branch-protection',
          checklist: [],
        },
      ],
    },
  ],
});
