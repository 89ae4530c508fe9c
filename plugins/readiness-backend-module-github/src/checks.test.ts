import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { GithubApi } from './GithubApi';
import { githubCiCheck, githubVulnerabilitiesCheck } from './checks';

/** A local server speaking the parts of GitHub's REST API the checks read. */
async function fakeGithub(
  routes: Record<string, { status?: number; body: unknown }>,
) {
  const seen: Array<{ path: string; auth?: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url!, auth: req.headers.authorization });
    const route = routes[req.url!.split('?')[0]];
    res
      .writeHead(route ? route.status ?? 200 : 404, {
        'Content-Type': 'application/json',
      })
      .end(JSON.stringify(route ? route.body : { message: 'Not Found' }));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { port, seen, close: () => server.close() };
}

const now = new Date('2026-11-27T12:00:00Z');
const daysAgo = (d: number) =>
  new Date(now.getTime() - d * 86_400_000).toISOString();

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments-team',
      lifecycle: 'production',
    },
  };
}
const registered = entity({
  'github.com/project-slug': 'acme/payments',
  'backstage.io/managed-by-location':
    'url:https://github.acme.test/acme/payments/blob/main/catalog-info.yaml',
});

function api(
  port?: number,
  token: string | undefined = 'ghp_test',
  requireSourceRepo = true,
) {
  const config = new ConfigReader({
    integrations: {
      github:
        port === undefined
          ? []
          : [
              {
                host: 'github.acme.test',
                apiBaseUrl: `http://127.0.0.1:${port}`,
                ...(token ? { token } : {}),
              },
            ],
    },
  });
  return new GithubApi(
    ScmIntegrations.fromConfig(config),
    2000,
    requireSourceRepo,
  );
}

const run = (check: ReturnType<typeof githubCiCheck>, e: Entity) =>
  check.run({ entity: e, now } as unknown as ReadinessCheckContext);

const repoRoute = {
  '/repos/acme/payments': { body: { default_branch: 'main' } },
  '/repos/acme/payments/branches/main': {
    body: { name: 'main', commit: { sha: 'abcdef1234567' } },
  },
};
const runs = (...r: object[]) => ({
  '/repos/acme/payments/actions/runs': { body: { workflow_runs: r } },
});
const green = {
  name: 'CI',
  run_number: 41,
  conclusion: 'success',
  html_url: 'https://github.acme.test/acme/payments/actions/runs/41',
  updated_at: daysAgo(1),
  head_sha: 'abcdef1234567',
  event: 'push',
};

describe('github-ci', () => {
  it('passes on a recent green run of the default branch, with the run as evidence, using the integration token', async () => {
    const gh = await fakeGithub({ ...repoRoute, ...runs(green) });
    try {
      const result = await run(
        githubCiCheck(api(gh.port), { maxAgeDays: 7 }),
        registered,
      );
      expect(result).toEqual({
        outcome: 'passed',
        summary: 'CI #41 on main passed on 2026-11-26 (abcdef1)',
        url: green.html_url,
      });
      expect(gh.seen.map(s => s.path)).toEqual([
        '/repos/acme/payments',
        '/repos/acme/payments/branches/main',
        '/repos/acme/payments/actions/runs?branch=main&event=push&head_sha=abcdef1234567&status=completed&per_page=100',
      ]);
      expect(
        gh.seen.every(
          s => s.auth === 'token ghp_test' || s.auth === 'Bearer ghp_test',
        ),
      ).toBe(true);
    } finally {
      gh.close();
    }
  });

  it('fails on a red run, naming it', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      ...runs({
        ...green,
        run_number: 42,
        conclusion: 'failure',
        html_url: 'https://github.acme.test/acme/payments/actions/runs/42',
      }),
    });
    try {
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), registered),
      ).toEqual({
        outcome: 'failed',
        summary:
          'CI #42 on main ended failure: https://github.acme.test/acme/payments/actions/runs/42',
        url: 'https://github.acme.test/acme/payments/actions/runs/42',
      });
    } finally {
      gh.close();
    }
  });

  it('fails on a green run older than the limit, and with no run at all', async () => {
    const old = await fakeGithub({
      ...repoRoute,
      ...runs({ ...green, updated_at: daysAgo(30) }),
    });
    const none = await fakeGithub({ ...repoRoute, ...runs() });
    try {
      const stale = await run(
        githubCiCheck(api(old.port), { maxAgeDays: 7 }),
        registered,
      );
      expect(stale).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining('passed 30 days ago, more than 7'),
      });
      expect(
        await run(githubCiCheck(api(none.port), { maxAgeDays: 7 }), registered),
      ).toEqual({
        outcome: 'failed',
        summary: 'No completed CI run on main',
      });
    } finally {
      old.close();
      none.close();
    }
  });

  it("refuses an annotation pointing at a repository the entity is not registered from: a team cannot borrow someone else's green build", async () => {
    const gh = await fakeGithub({ ...repoRoute, ...runs(green) });
    try {
      const borrowed = entity({
        'github.com/project-slug': 'acme/payments',
        'backstage.io/managed-by-location':
          'url:https://github.acme.test/acme/cart/blob/main/catalog-info.yaml',
      });
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), borrowed),
      ).toEqual({
        outcome: 'failed',
        summary:
          'github.com/project-slug names acme/payments, but the entity is registered from acme/cart',
      });
      // The team's own catalog-info.yaml can set source-location (the catalog keeps an
      // entity's own value), but not managed-by-location (the catalog always sets it).
      const forged = entity({
        'github.com/project-slug': 'acme/payments',
        'backstage.io/source-location':
          'url:https://github.acme.test/acme/payments/tree/main/',
        'backstage.io/managed-by-location':
          'url:https://github.acme.test/acme/cart/blob/main/catalog-info.yaml',
      });
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), forged),
      ).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining('registered from acme/cart'),
      });
      const unregistered = entity({
        'github.com/project-slug': 'acme/payments',
      });
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), unregistered),
      ).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining("only the team's word"),
      });
      expect(gh.seen).toEqual([]);
    } finally {
      gh.close();
    }
  });

  it('is unknown without an integration, a token, or an answer; fails without the annotation', async () => {
    const down = await fakeGithub({
      '/repos/acme/payments': { status: 503, body: { message: 'down' } },
    });
    try {
      expect(
        (
          await run(
            githubCiCheck(api(undefined), { maxAgeDays: 7 }),
            registered,
          )
        ).outcome,
      ).toBe('unknown');
      expect(
        (
          await run(
            githubCiCheck(api(down.port, undefined), { maxAgeDays: 7 }),
            registered,
          )
        ).outcome,
      ).toBe('unknown');
      expect(
        await run(githubCiCheck(api(down.port), { maxAgeDays: 7 }), registered),
      ).toEqual({
        outcome: 'unknown',
        summary: 'GitHub did not answer (503): down',
      });
      expect(
        (
          await run(
            githubCiCheck(api(down.port), { maxAgeDays: 7 }),
            entity({}),
          )
        ).outcome,
      ).toBe('failed');
    } finally {
      down.close();
    }
  });
});

describe('github-vulnerabilities', () => {
  it('passes with no open high or critical alert, and fails with the counts otherwise', async () => {
    const clean = await fakeGithub({
      '/repos/acme/payments/dependabot/alerts': { body: [] },
    });
    const dirty = await fakeGithub({
      '/repos/acme/payments/dependabot/alerts': {
        body: [
          { security_vulnerability: { severity: 'critical' } },
          { security_vulnerability: { severity: 'high' } },
          { security_advisory: { severity: 'high' } },
        ],
      },
    });
    try {
      expect(
        await run(githubVulnerabilitiesCheck(api(clean.port)), registered),
      ).toEqual({
        outcome: 'passed',
        summary: '0 open high or critical Dependabot alerts',
        url: 'https://github.acme.test/acme/payments/security/dependabot',
      });
      expect(clean.seen[0].path).toBe(
        '/repos/acme/payments/dependabot/alerts?state=open&severity=critical,high&per_page=100',
      );
      expect(
        await run(githubVulnerabilitiesCheck(api(dirty.port)), registered),
      ).toEqual({
        outcome: 'failed',
        summary:
          '3 open high/critical Dependabot alerts (1 critical, 2 high): https://github.acme.test/acme/payments/security/dependabot',
      });
    } finally {
      clean.close();
      dirty.close();
    }
  });

  it('fails when Dependabot alerts are off for the repository (nothing proves it)', async () => {
    const off = await fakeGithub({
      '/repos/acme/payments/dependabot/alerts': {
        status: 403,
        body: {
          message: 'Dependabot alerts are disabled for this repository.',
        },
      },
    });
    try {
      expect(
        await run(githubVulnerabilitiesCheck(api(off.port)), registered),
      ).toEqual({
        outcome: 'failed',
        summary:
          'GitHub answered 403: Dependabot alerts are disabled for this repository.',
      });
    } finally {
      off.close();
    }
  });
});

describe('github-ci against a team gaming its CI', () => {
  const tip = {
    '/repos/acme/payments/branches/main': {
      body: { name: 'main', commit: { sha: 'abcdef1234567' } },
    },
  };
  const push = { ...green, event: 'push', head_branch: 'main' };

  it('fails when any run on the tip commit failed, even beside a green no-op workflow', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      ...tip,
      ...runs(
        { ...push, name: 'noop', run_number: 3, conclusion: 'success' },
        {
          ...push,
          name: 'CI',
          run_number: 42,
          conclusion: 'failure',
          html_url: 'https://github.acme.test/acme/payments/actions/runs/42',
        },
      ),
    });
    try {
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), registered),
      ).toMatchObject({
        outcome: 'failed',
        url: 'https://github.acme.test/acme/payments/actions/runs/42',
      });
      expect(gh.seen.map(s => s.path)).toContain(
        '/repos/acme/payments/actions/runs?branch=main&event=push&head_sha=abcdef1234567&status=completed&per_page=100',
      );
    } finally {
      gh.close();
    }
  });

  it("counts neither a pull request's run from a fork branch named main nor a run of an older commit", async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      ...tip,
      ...runs(
        { ...green, event: 'pull_request', head_branch: 'main' },
        { ...push, head_sha: '0000000old' },
      ),
    });
    try {
      expect(
        await run(githubCiCheck(api(gh.port), { maxAgeDays: 7 }), registered),
      ).toMatchObject({
        outcome: 'unknown',
        summary: expect.stringContaining('No completed push run on abcdef1'),
      });
    } finally {
      gh.close();
    }
  });

  it('requires the configured workflows among the green runs', async () => {
    const gh = await fakeGithub({
      ...repoRoute,
      ...tip,
      // A no-op workflow that names its runs "CI" does not stand in for the real one.
      ...runs({ ...push, name: 'CI', path: '.github/workflows/noop.yml' }),
    });
    try {
      expect(
        await run(
          githubCiCheck(api(gh.port), {
            maxAgeDays: 7,
            requiredWorkflows: ['.github/workflows/ci.yml'],
          }),
          registered,
        ),
      ).toMatchObject({
        outcome: 'unknown',
        summary: expect.stringContaining(
          '.github/workflows/ci.yml has no green run on abcdef1',
        ),
      });
    } finally {
      gh.close();
    }
  });
});
