import { Entity } from '@backstage/catalog-model';
import { ReadinessCheck } from '@prodready/plugin-readiness-node';
import { GITHUB_PROJECT_SLUG, GithubApi, GithubAnswer } from './GithubApi';

const DAY = 86_400_000;

const unknown = (summary: string) => ({ outcome: 'unknown' as const, summary });
const failed = (summary: string, url?: string) => ({
  outcome: 'failed' as const,
  summary,
  ...(url ? { url } : {}),
});

/** GitHub refusals that are the team's doing: a feature its repository turned off. */
const TEAM_FAULT = /alerts are disabled/i;

/**
 * What a GitHub error means for a check. A refusal only fails the task when it is the team's
 * doing (Dependabot alerts turned off); anything else — unreachable, 5xx, rate limits, our
 * credentials refused, lacking a permission or not seeing the repository (a 404 for a private
 * repository the token cannot read) — is unknown, because a failure would void the team's
 * earlier proof for a fault of the platform.
 */
function refusal(answer: Exclude<GithubAnswer<unknown>, { ok: true }>) {
  if (answer.status !== 'unreachable' && TEAM_FAULT.test(answer.message))
    return failed(`GitHub answered ${answer.status}: ${answer.message}`);
  return unknown(
    `GitHub did not answer${
      answer.status === 'unreachable' ? '' : ` (${answer.status})`
    }: ${answer.message}`,
  );
}

/** The entity's repository, or the result the check gives without one. */
function repoOrResult(github: GithubApi, entity: Entity, without: string) {
  const repo = github.repoOf(entity);
  if (repo === 'missing')
    return failed(`No ${GITHUB_PROJECT_SLUG} annotation: ${without}`);
  if (repo === 'unconfigured')
    return unknown('No GitHub integration covers this repository');
  if ('unproven' in repo) return failed(repo.unproven);
  return repo;
}

interface WorkflowRun {
  name?: string;
  /** The workflow file, e.g. `.github/workflows/ci.yml`. */
  path?: string;
  event?: string;
  run_number?: number;
  conclusion?: string | null;
  html_url: string;
  updated_at: string;
  head_sha?: string;
}

/** Only what the check reads of a runs listing (a run is kilobytes; this is what is cached). */
const pickRuns = (body: any): { workflow_runs: WorkflowRun[] } => ({
  workflow_runs: (Array.isArray(body?.workflow_runs)
    ? body.workflow_runs
    : []
  ).map(
    (r: any): WorkflowRun => ({
      name: r?.name,
      path: r?.path,
      event: r?.event,
      run_number: r?.run_number,
      conclusion: r?.conclusion,
      html_url: r?.html_url,
      updated_at: r?.updated_at,
      head_sha: r?.head_sha,
    }),
  ),
});

/** Conclusions that do not count against a commit. */
const HARMLESS = new Set(['success', 'skipped', 'neutral']);

/**
 * `github-ci`: every completed run that a push to the default branch's tip commit started
 * succeeded (at least one, and each of `requiredWorkflows` when set), the latest at most
 * `maxAgeDays` old. One red run fails the task, naming and linking it: a green no-op workflow
 * beside a red build proves nothing, and neither do pull requests' or older commits' runs.
 */
export function githubCiCheck(
  github: GithubApi,
  options: { maxAgeDays: number; requiredWorkflows?: string[] },
): ReadinessCheck {
  return {
    id: 'github-ci',
    title: 'Default branch CI green on GitHub Actions',
    source: 'ci',
    async run({ entity, now }) {
      const repo = repoOrResult(
        github,
        entity,
        'nothing shows the build passes',
      );
      if (!('get' in repo)) return repo;
      const meta = await repo.defaultBranch();
      if (!meta.ok) return refusal(meta);
      const branch = meta.body;
      const head = await repo.get<{ commit?: { sha?: string } }>(
        `/branches/${encodeURIComponent(branch)}`,
      );
      if (!head.ok) return refusal(head);
      const sha = head.body?.commit?.sha;
      if (typeof sha !== 'string' || !sha)
        return unknown(`GitHub named no tip commit for ${branch}`);
      const short = sha.slice(0, 7);
      const listed = await repo.get(
        `/actions/runs?branch=${encodeURIComponent(
          branch,
        )}&event=push&head_sha=${sha}&status=completed&per_page=100`,
        pickRuns,
      );
      if (!listed.ok) return refusal(listed);
      // The query filters already; checked again so nothing else can count.
      const runs = (listed.body?.workflow_runs ?? []).filter(
        r => r.event === 'push' && r.head_sha === sha,
      );
      if (runs.length === 0) {
        // Still building, or no CI at all? Only the latter is a failure.
        const any = await repo.get<{ workflow_runs: WorkflowRun[] }>(
          `/actions/runs?branch=${encodeURIComponent(
            branch,
          )}&event=push&status=completed&per_page=1`,
        );
        if (any.ok && (any.body?.workflow_runs ?? []).length === 0)
          return failed(`No completed CI run on ${branch}`);
        return unknown(
          `No completed push run on ${short} (the tip of ${branch}) yet`,
        );
      }
      const red = runs.find(r => !HARMLESS.has(r.conclusion ?? ''));
      const label = (r: WorkflowRun) =>
        `${r.name ?? 'CI'} #${r.run_number ?? '?'} on ${branch}`;
      if (red)
        return failed(
          `${label(red)} ended ${red.conclusion ?? 'without a conclusion'}: ${
            red.html_url
          }`,
          red.html_url,
        );
      // By file path: a run's name can be set per run (`run-name:`), its workflow file cannot.
      const missing = (options.requiredWorkflows ?? []).filter(
        w => !runs.some(r => r.path === w && r.conclusion === 'success'),
      );
      // Still running, or not run at all: neither proves nor refutes the build.
      if (missing.length)
        return unknown(
          `Required workflow ${missing.join(
            ', ',
          )} has no green run on ${short} (the tip of ${branch}) yet`,
        );
      const latest = runs
        .filter(r => r.conclusion === 'success')
        .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at))[0];
      if (!latest)
        return unknown(
          `Only skipped or neutral runs on ${short} (the tip of ${branch})`,
        );
      const ageDays = (now.getTime() - Date.parse(latest.updated_at)) / DAY;
      if (!(ageDays <= options.maxAgeDays))
        return failed(
          `${label(latest)} passed ${Math.floor(ageDays)} days ago, more than ${
            options.maxAgeDays
          }: ${latest.html_url}`,
          latest.html_url,
        );
      return {
        outcome: 'passed',
        summary: `${label(latest)} passed on ${latest.updated_at.slice(
          0,
          10,
        )} (${short}${runs.length > 1 ? `, ${runs.length} runs green` : ''})`,
        url: latest.html_url,
      };
    },
  };
}

interface DependabotAlert {
  security_advisory?: { severity?: string };
  security_vulnerability?: { severity?: string };
}

/**
 * `github-vulnerabilities`: no open Dependabot alert of high or critical severity on the
 * repository, with the counts in the evidence.
 */
export function githubVulnerabilitiesCheck(github: GithubApi): ReadinessCheck {
  return {
    id: 'github-vulnerabilities',
    title: 'No open high or critical Dependabot alerts',
    source: 'ci',
    async run({ entity }) {
      const repo = github.repoOf(entity);
      if (repo === 'missing')
        return failed(
          `No ${GITHUB_PROJECT_SLUG} annotation: nothing shows the dependencies are clean`,
        );
      if (repo === 'unconfigured')
        return unknown('No GitHub integration covers this repository');
      if ('unproven' in repo) return failed(repo.unproven);
      const alerts = await repo.get(
        '/dependabot/alerts?state=open&severity=critical,high&per_page=100',
        (body: any): DependabotAlert[] =>
          (Array.isArray(body) ? body : []).map((a: any) => ({
            security_advisory: { severity: a?.security_advisory?.severity },
            security_vulnerability: {
              severity: a?.security_vulnerability?.severity,
            },
          })),
      );
      if (!alerts.ok) return refusal(alerts);
      const severity = (a: DependabotAlert) =>
        a.security_vulnerability?.severity ?? a.security_advisory?.severity;
      const critical = alerts.body.filter(
        a => severity(a) === 'critical',
      ).length;
      const high = alerts.body.filter(a => severity(a) === 'high').length;
      const total = alerts.body.length;
      const more = total === 100 ? '+' : '';
      if (total > 0)
        return failed(
          `${total}${more} open high/critical Dependabot alerts (${critical} critical, ${high} high): ${repo.webUrl}/security/dependabot`,
        );
      return {
        outcome: 'passed',
        summary: '0 open high or critical Dependabot alerts',
        url: `${repo.webUrl}/security/dependabot`,
      };
    },
  };
}

interface BranchRule {
  type: string;
  parameters?: {
    required_approving_review_count?: number;
    required_status_checks?: unknown[];
  };
}

interface ClassicProtection {
  required_status_checks?: { contexts?: string[]; checks?: unknown[] } | null;
  required_pull_request_reviews?: {
    required_approving_review_count?: number;
  } | null;
}

/**
 * `github-branch-protection`: merging to the default branch needs at least one approving
 * review and passing status checks, by a ruleset (readable with read access) or classic
 * branch protection (needs the `administration: read` permission).
 */
export function githubBranchProtectionCheck(github: GithubApi): ReadinessCheck {
  return {
    id: 'github-branch-protection',
    title: 'Default branch requires reviews and status checks',
    source: 'ci',
    async run({ entity }) {
      const repo = repoOrResult(
        github,
        entity,
        'nothing shows changes are reviewed',
      );
      if (!('get' in repo)) return repo;
      const meta = await repo.defaultBranch();
      if (!meta.ok) return refusal(meta);
      const branch = encodeURIComponent(meta.body);
      const settings = `${repo.webUrl}/settings/branches`;
      let reviews = 0;
      let checks = false;
      const rules = await repo.get<BranchRule[]>(`/rules/branches/${branch}`);
      if (!rules.ok && rules.status !== 404) return refusal(rules);
      for (const rule of rules.ok ? rules.body : []) {
        if (rule.type === 'pull_request')
          reviews = Math.max(
            reviews,
            rule.parameters?.required_approving_review_count ?? 0,
          );
        if (rule.type === 'required_status_checks')
          checks ||= (rule.parameters?.required_status_checks ?? []).length > 0;
      }
      if (reviews === 0 || !checks) {
        const classic = await repo.get<ClassicProtection>(
          `/branches/${branch}/protection`,
        );
        if (classic.ok) {
          reviews = Math.max(
            reviews,
            classic.body.required_pull_request_reviews
              ?.required_approving_review_count ?? 0,
          );
          const required = classic.body.required_status_checks;
          checks ||=
            (required?.contexts ?? []).length +
              (required?.checks ?? []).length >
            0;
        } else if (classic.status !== 404) {
          return refusal(classic);
        }
      }
      const missing = [
        ...(reviews === 0 ? ['an approving review'] : []),
        ...(checks ? [] : ['passing status checks']),
      ];
      if (missing.length)
        return failed(
          `${meta.body} can be merged without ${missing.join(' or ')}`,
          settings,
        );
      return {
        outcome: 'passed',
        summary: `${meta.body} requires ${reviews} approving review${
          reviews === 1 ? '' : 's'
        } and passing status checks`,
        url: settings,
      };
    },
  };
}
