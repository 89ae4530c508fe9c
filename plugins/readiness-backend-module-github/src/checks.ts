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

/**
 * What a GitHub error means for a check. Our side failing (unreachable, 5xx, rate limit, our
 * credentials refused or lacking a permission) is unknown: never the team's score. The rest
 * (no such repository, a feature the team turned off) is no proof.
 */
function refusal(answer: Exclude<GithubAnswer<unknown>, { ok: true }>) {
  if (
    answer.status === 'unreachable' ||
    answer.status >= 500 ||
    answer.status === 429 ||
    answer.status === 401 ||
    /not accessible by integration/i.test(answer.message)
  )
    return unknown(
      `GitHub did not answer${
        answer.status === 'unreachable' ? '' : ` (${answer.status})`
      }: ${answer.message}`,
    );
  return failed(`GitHub answered ${answer.status}: ${answer.message}`);
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
  run_number?: number;
  conclusion?: string | null;
  html_url: string;
  updated_at: string;
  head_sha?: string;
}

/**
 * `github-ci`: the latest completed CI run on the repository's default branch succeeded
 * and is at most `maxAgeDays` old. A red run fails the task, naming the run.
 */
export function githubCiCheck(
  github: GithubApi,
  options: { maxAgeDays: number },
): ReadinessCheck {
  return {
    id: 'github-ci',
    title: 'Default branch CI green on GitHub Actions',
    source: 'ci',
    async run({ entity, now }) {
      const repo = github.repoOf(entity);
      if (repo === 'missing')
        return failed(
          `No ${GITHUB_PROJECT_SLUG} annotation: nothing shows the build passes`,
        );
      if (repo === 'unconfigured')
        return unknown('No GitHub integration covers this repository');
      if ('unproven' in repo) return failed(repo.unproven);
      const meta = await repo.defaultBranch();
      if (!meta.ok) return refusal(meta);
      const branch = meta.body;
      const runs = await repo.get<{ workflow_runs: WorkflowRun[] }>(
        `/actions/runs?branch=${encodeURIComponent(
          branch,
        )}&status=completed&exclude_pull_requests=true&per_page=1`,
      );
      if (!runs.ok) return refusal(runs);
      const latest = runs.body.workflow_runs?.[0];
      if (!latest) return failed(`No completed CI run on ${branch}`);
      const what = `${latest.name ?? 'CI'} #${
        latest.run_number ?? '?'
      } on ${branch}`;
      if (latest.conclusion !== 'success')
        return failed(
          `${what} ended ${latest.conclusion ?? 'without a conclusion'}: ${
            latest.html_url
          }`,
          latest.html_url,
        );
      const ageDays = (now.getTime() - Date.parse(latest.updated_at)) / DAY;
      if (!(ageDays <= options.maxAgeDays))
        return failed(
          `${what} passed ${Math.floor(ageDays)} days ago, more than ${
            options.maxAgeDays
          }: ${latest.html_url}`,
          latest.html_url,
        );
      return {
        outcome: 'passed',
        summary: `${what} passed on ${latest.updated_at.slice(0, 10)}${
          latest.head_sha ? ` (${latest.head_sha.slice(0, 7)})` : ''
        }`,
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
      const alerts = await repo.get<DependabotAlert[]>(
        '/dependabot/alerts?state=open&severity=critical,high&per_page=100',
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
