import { ReadinessCheck } from '@prodready/plugin-readiness-node';
import { GITHUB_PROJECT_SLUG, GithubApi, GithubAnswer } from './GithubApi';

const DAY = 86_400_000;

const unknown = (summary: string) => ({ outcome: 'unknown' as const, summary });
const failed = (summary: string) => ({ outcome: 'failed' as const, summary });

/** What a GitHub error means for a check: unreachable is unknown, the rest is no proof. */
function refusal(answer: Exclude<GithubAnswer<unknown>, { ok: true }>) {
  return answer.status === 'unreachable' ||
    answer.status >= 500 ||
    answer.status === 429
    ? unknown(`GitHub did not answer: ${answer.message}`)
    : failed(`GitHub answered ${answer.status}: ${answer.message}`);
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
      const meta = await repo.get<{ default_branch: string }>('');
      if (!meta.ok) return refusal(meta);
      const branch = meta.body.default_branch;
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
        );
      const ageDays = (now.getTime() - Date.parse(latest.updated_at)) / DAY;
      if (!(ageDays <= options.maxAgeDays))
        return failed(
          `${what} passed ${Math.floor(ageDays)} days ago, more than ${
            options.maxAgeDays
          }: ${latest.html_url}`,
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
