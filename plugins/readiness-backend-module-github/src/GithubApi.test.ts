import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { mockServices } from '@backstage/backend-test-utils';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { GithubApi } from './GithubApi';
import { githubBranchProtectionCheck, githubCiCheck } from './checks';

interface Route {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Raw text instead of JSON (malformed bodies). */
  raw?: string;
  /** Never answer (timeouts). */
  hang?: boolean;
}

/** A local server speaking GitHub's REST API, with ETags (`If-None-Match` → 304). */
async function fakeGithub(routes: Record<string, Route>) {
  const seen: Array<{ path: string; ifNoneMatch?: string }> = [];
  const server = http.createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'] as string | undefined;
    seen.push({ path: req.url!, ifNoneMatch });
    const route = routes[req.url!.split('?')[0]];
    if (route?.hang) return;
    const etag = route?.headers?.etag;
    if (etag && ifNoneMatch === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res
      .writeHead(route ? route.status ?? 200 : 404, {
        'Content-Type': 'application/json',
        ...route?.headers,
      })
      .end(
        route?.raw ??
          JSON.stringify(route ? route.body : { message: 'Not Found' }),
      );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const now = new Date('2026-11-27T12:00:00Z');
const registered: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: {
      'github.com/project-slug': 'acme/payments',
      'backstage.io/managed-by-location':
        'url:https://github.acme.test/acme/payments/blob/main/catalog-info.yaml',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

function api(
  port: number,
  options: { timeoutMs?: number; clock?: () => number } = {},
) {
  const config = new ConfigReader({
    integrations: {
      github: [
        {
          host: 'github.acme.test',
          apiBaseUrl: `http://127.0.0.1:${port}`,
          token: 'ghp_test',
        },
      ],
    },
  });
  return new GithubApi(
    ScmIntegrations.fromConfig(config),
    options.timeoutMs ?? 2000,
    true,
    undefined,
    options.clock,
  );
}

const ctx = { entity: registered, now } as unknown as ReadinessCheckContext;
const repoRoute = {
  '/repos/acme/payments': { body: { default_branch: 'main' } },
};
const green = {
  name: 'CI',
  run_number: 41,
  conclusion: 'success',
  html_url: 'https://github.acme.test/acme/payments/actions/runs/41',
  updated_at: '2026-11-26T12:00:00Z',
  head_sha: 'abc1234',
  event: 'push',
};

describe('GithubApi against a failing GitHub', () => {
  it('treats our own refused credentials (401) and malformed answers as unknown, never a failure of the team', async () => {
    const gh = await fakeGithub({
      '/repos/acme/payments': {
        status: 401,
        body: { message: 'Bad credentials' },
      },
    });
    const broken = await fakeGithub({
      '/repos/acme/payments': { body: null, raw: '<html>oops' },
    });
    try {
      expect(
        await githubCiCheck(api(gh.port), { maxAgeDays: 7 }).run(ctx),
      ).toEqual({
        outcome: 'unknown',
        summary: 'GitHub did not answer (401): Bad credentials',
      });
      expect(
        (await githubCiCheck(api(broken.port), { maxAgeDays: 7 }).run(ctx))
          .outcome,
      ).toBe('unknown');
    } finally {
      gh.close();
      broken.close();
    }
  });

  it("never fails a team for what the platform's token cannot see or do: 404, a token's missing permission, a secondary rate limit", async () => {
    let t = now.getTime();
    const hidden = await fakeGithub({});
    const pat = await fakeGithub({
      '/repos/acme/payments': {
        status: 403,
        body: { message: 'Resource not accessible by personal access token' },
      },
    });
    const secondary = await fakeGithub({
      '/repos/acme/payments': {
        status: 403,
        body: { message: 'You have exceeded a secondary rate limit.' },
        headers: { 'retry-after': '60' },
      },
    });
    try {
      for (const gh of [hidden, pat]) {
        expect(
          (await githubCiCheck(api(gh.port), { maxAgeDays: 7 }).run(ctx))
            .outcome,
        ).toBe('unknown');
      }
      const paused = githubCiCheck(api(secondary.port, { clock: () => t }), {
        maxAgeDays: 7,
      });
      expect((await paused.run(ctx)).outcome).toBe('unknown');
      t += 30_000;
      await paused.run(ctx);
      expect(secondary.seen).toHaveLength(1);
    } finally {
      hidden.close();
      pat.close();
      secondary.close();
    }
  });

  it('is unknown when GitHub does not answer in time', async () => {
    const gh = await fakeGithub({
      '/repos/acme/payments': { body: {}, hang: true },
    });
    try {
      const result = await githubCiCheck(api(gh.port, { timeoutMs: 100 }), {
        maxAgeDays: 7,
      }).run(ctx);
      expect(result.outcome).toBe('unknown');
    } finally {
      gh.close();
    }
  });

  it('on a 429 with Retry-After, stops calling GitHub until then and answers unknown meanwhile', async () => {
    let t = now.getTime();
    const gh = await fakeGithub({
      '/repos/acme/payments': {
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'retry-after': '120' },
      },
    });
    try {
      const github = api(gh.port, { clock: () => t });
      const check = githubCiCheck(github, { maxAgeDays: 7 });
      expect((await check.run(ctx)).outcome).toBe('unknown');
      t += 60_000;
      expect(await check.run(ctx)).toEqual({
        outcome: 'unknown',
        summary:
          'GitHub did not answer: rate limited by GitHub until 2026-11-27T12:02:00.000Z',
      });
      expect(gh.seen).toHaveLength(1);
      t += 61_000;
      await check.run(ctx);
      expect(gh.seen).toHaveLength(2);
    } finally {
      gh.close();
    }
  });

  it('revalidates with the ETag it cached: an unchanged answer is a 304 and the check still decides', async () => {
    const gh = await fakeGithub({
      '/repos/acme/payments': {
        body: { default_branch: 'main' },
        headers: { etag: '"repo-1"' },
      },
      '/repos/acme/payments/branches/main': {
        body: { commit: { sha: 'abc1234' } },
        headers: { etag: '"tip-1"' },
      },
      '/repos/acme/payments/actions/runs': {
        body: { workflow_runs: [green] },
        headers: { etag: '"runs-7"' },
      },
    });
    try {
      const config = new ConfigReader({
        integrations: {
          github: [
            {
              host: 'github.acme.test',
              apiBaseUrl: `http://127.0.0.1:${gh.port}`,
              token: 't',
            },
          ],
        },
      });
      const github = new GithubApi(ScmIntegrations.fromConfig(config), 2000);
      const entries = new Map<string, unknown>();
      const cache = mockServices.cache.mock({
        get: async key => entries.get(key) as any,
        set: async (key, value) => {
          entries.set(key, value);
        },
      });
      const cached = new GithubApi(
        ScmIntegrations.fromConfig(config),
        2000,
        true,
        cache,
      );
      expect(
        (await githubCiCheck(github, { maxAgeDays: 7 }).run(ctx)).outcome,
      ).toBe('passed');
      const check = githubCiCheck(cached, { maxAgeDays: 7 });
      expect((await check.run(ctx)).outcome).toBe('passed');
      expect((await check.run(ctx)).outcome).toBe('passed');
      // The default branch is kept an hour; the runs are revalidated with their ETag.
      expect(gh.seen.slice(3)).toEqual([
        { path: '/repos/acme/payments', ifNoneMatch: undefined },
        expect.objectContaining({ ifNoneMatch: undefined }),
        expect.objectContaining({ ifNoneMatch: undefined }),
        expect.objectContaining({ ifNoneMatch: '"tip-1"' }),
        expect.objectContaining({ ifNoneMatch: '"runs-7"' }),
      ]);
    } finally {
      gh.close();
    }
  });
});

describe('github-branch-protection', () => {
  const check = (port: number) => githubBranchProtectionCheck(api(port));

  it('passes on a ruleset requiring a review and status checks, read with read access', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      '/repos/acme/payments/rules/branches/main': {
        body: [
          {
            type: 'pull_request',
            parameters: { required_approving_review_count: 2 },
          },
          {
            type: 'required_status_checks',
            parameters: { required_status_checks: [{ context: 'ci' }] },
          },
        ],
      },
    });
    try {
      expect(await check(gh.port).run(ctx)).toEqual({
        outcome: 'passed',
        summary: 'main requires 2 approving reviews and passing status checks',
        url: 'https://github.acme.test/acme/payments/settings/branches',
      });
      expect(gh.seen.map(s => s.path)).not.toContain(
        '/repos/acme/payments/branches/main/protection',
      );
    } finally {
      gh.close();
    }
  });

  it('falls back to classic branch protection', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      '/repos/acme/payments/rules/branches/main': { body: [] },
      '/repos/acme/payments/branches/main/protection': {
        body: {
          required_status_checks: { contexts: ['build'] },
          required_pull_request_reviews: { required_approving_review_count: 1 },
        },
      },
    });
    try {
      expect((await check(gh.port).run(ctx)).summary).toBe(
        'main requires 1 approving review and passing status checks',
      );
    } finally {
      gh.close();
    }
  });

  it('fails naming what is missing: reviews only, or an unprotected branch', async () => {
    const reviewsOnly = await fakeGithub({
      ...repoRoute,
      '/repos/acme/payments/rules/branches/main': {
        body: [
          {
            type: 'pull_request',
            parameters: { required_approving_review_count: 1 },
          },
        ],
      },
      '/repos/acme/payments/branches/main/protection': {
        status: 404,
        body: { message: 'Branch not protected' },
      },
    });
    const open = await fakeGithub({
      ...repoRoute,
      '/repos/acme/payments/rules/branches/main': { body: [] },
    });
    try {
      expect(await check(reviewsOnly.port).run(ctx)).toEqual({
        outcome: 'failed',
        summary: 'main can be merged without passing status checks',
        url: 'https://github.acme.test/acme/payments/settings/branches',
      });
      expect((await check(open.port).run(ctx)).summary).toBe(
        'main can be merged without an approving review or passing status checks',
      );
    } finally {
      reviewsOnly.close();
      open.close();
    }
  });

  it('is unknown when the app lacks the permission to read protection', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      '/repos/acme/payments/rules/branches/main': { body: [] },
      '/repos/acme/payments/branches/main/protection': {
        status: 403,
        body: { message: 'Resource not accessible by integration' },
      },
    });
    try {
      expect((await check(gh.port).run(ctx)).outcome).toBe('unknown');
    } finally {
      gh.close();
    }
  });
});
