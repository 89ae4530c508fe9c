/*
 * One full cycle of the automatic checks over 10 000 services (`node scripts/bench.mjs --checks
 * [--smoke]` → bench/RESULTS.checks.md): the plugin's CheckRunner with the built-in checks and
 * the GitHub and PagerDuty modules' checks, against local servers speaking those APIs (with
 * ETags, as GitHub's). Reference in the same run: the same cycle with only the built-in checks
 * (no outbound calls). A second cycle shows what revalidation and caching save.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CacheService } from '@backstage/backend-plugin-api';
import { ReadinessCheck } from '@prodready/plugin-readiness-node';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { GithubApi } from '../../plugins/readiness-backend-module-github/src/GithubApi';
/* eslint-disable @backstage/no-relative-monorepo-imports */
import {
  githubBranchProtectionCheck,
  githubCiCheck,
  githubVulnerabilitiesCheck,
} from '../../plugins/readiness-backend-module-github/src/checks';
/* eslint-enable @backstage/no-relative-monorepo-imports */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { PagerDutyApi } from '../../plugins/readiness-backend-module-pagerduty/src/PagerDutyApi';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { pagerdutyOnCallCheck } from '../../plugins/readiness-backend-module-pagerduty/src/checks';
import {
  CheckRunner,
  DatabaseReadinessStore,
  ReadinessService,
  TemplateRegistry,
  builtinChecks,
  defaultTemplate,
} from './backend';
import { FULL_ORG, componentEntity, generatePlan } from './generate';
import { bulkLoad } from './bulkLoad';

const smoke = process.argv.includes('--smoke');
const services = smoke ? 200 : FULL_ORG.services;
const shape = { ...FULL_ORG, services, groups: smoke ? 10 : FULL_ORG.groups };
const connection = process.env.BENCH_DATABASE_URL!;

/** Local GitHub + PagerDuty: every repository green, protected, no alerts; one policy per team. */
async function fakeApis() {
  const counts = { github: 0, github304: 0, pagerduty: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname.startsWith('/pd/')) {
      counts.pagerduty += 1;
      const svc = /^\/pd\/services\/(\w+)$/.exec(url.pathname);
      const body = svc
        ? {
            service: {
              id: svc[1],
              name: svc[1],
              status: 'active',
              html_url: `https://pd.example.com/${svc[1]}`,
              // Services of a team share its escalation policy.
              escalation_policy: {
                id: `E${Number(svc[1].slice(4)) % shape.groups}`,
                summary: 'team rota',
                html_url: 'https://pd.example.com/ep',
              },
            },
          }
        : {
            oncalls: [
              { escalation_level: 1, user: { id: 'U1', summary: 'On-call' } },
            ],
          };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    counts.github += 1;
    const m = /^\/repos\/acme\/([\w-]+)(\/.*)?$/.exec(url.pathname);
    const rest = m?.[2] ?? '';
    let body: unknown = { message: 'Not Found' };
    if (rest === '') body = { default_branch: 'main' };
    else if (rest === '/branches/main') body = { commit: { sha: 'f00d' } };
    else if (rest === '/actions/runs')
      body = {
        workflow_runs: [
          {
            name: 'CI',
            run_number: 7,
            conclusion: 'success',
            event: 'push',
            head_sha: 'f00d',
            html_url: `https://github.example.com/acme/${m![1]}/actions/runs/7`,
            updated_at: new Date(Date.now() - 3_600_000).toISOString(),
          },
        ],
      };
    else if (rest === '/dependabot/alerts') body = [];
    else if (rest === '/rules/branches/main')
      body = [
        {
          type: 'pull_request',
          parameters: { required_approving_review_count: 1 },
        },
        {
          type: 'required_status_checks',
          parameters: { required_status_checks: [{}] },
        },
      ];
    const text = JSON.stringify(body);
    const etag = `"${createHash('sha1').update(req.url!).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      counts.github304 += 1;
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', etag }).end(text);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    counts,
    close: () => server.close(),
  };
}

/** An in-memory CacheService (the backend's default memory store behaves alike). */
function memoryCache(): CacheService {
  const entries = new Map<string, unknown>();
  const cache: CacheService = {
    get: async key => entries.get(key) as any,
    set: async (key, value) => {
      entries.set(key, value);
    },
    delete: async key => {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

async function main() {
  const name = `readiness_bench_checks_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw('create database ??', [name]);
  await admin.destroy();
  const url = new URL(connection);
  url.pathname = `/${name}`;
  const db = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 10 },
  });
  const apis = await fakeApis();
  try {
    const store = await DatabaseReadinessStore.create({
      database: { getClient: async () => db },
    });
    const now = new Date();
    const entities = Array.from({ length: services }, (_, i) => {
      const e = componentEntity(i, shape);
      e.metadata.annotations = {
        ...e.metadata.annotations,
        'github.com/project-slug': `acme/${e.metadata.name}`,
        'pagerduty.com/service-id': `PSVC${i}`,
      };
      return e;
    });
    for (let i = 0; i < services; i += 250) {
      await bulkLoad(
        db,
        Array.from({ length: Math.min(250, services - i) }, (_, j) =>
          generatePlan(i + j, shape, defaultTemplate, now),
        ),
        'service:readiness-bench',
      );
    }
    const config = new ConfigReader({
      integrations: {
        github: [
          {
            host: 'github.com',
            apiBaseUrl: `http://127.0.0.1:${apis.port}`,
            token: 't',
          },
        ],
      },
      readiness: {
        github: { requireSourceRepo: false },
        pagerduty: {
          apiToken: 't',
          apiBaseUrl: `http://127.0.0.1:${apis.port}/pd`,
          maxRequestsPerMinute: 1_000_000,
        },
      },
    });
    const catalog = catalogServiceMock({ entities });
    const auth = mockServices.auth();
    const logger = mockServices.rootLogger({ level: 'error' });
    const service = new ReadinessService({
      store,
      templates: TemplateRegistry.fromConfig(config),
      catalog,
      auth,
      logger,
      config,
      cache: CacheManager.fromConfig(config).forPlugin('readiness'),
    });
    const github = new GithubApi(
      ScmIntegrations.fromConfig(config),
      5000,
      false,
      memoryCache(),
    );
    const external: ReadinessCheck[] = [
      githubCiCheck(github, { maxAgeDays: 7 }),
      githubVulnerabilitiesCheck(github),
      githubBranchProtectionCheck(github),
      pagerdutyOnCallCheck(PagerDutyApi.fromConfig(config, memoryCache())),
    ];
    const cycle = async (checks: ReadinessCheck[]) => {
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        checks,
      );
      const before = { ...apis.counts };
      const t0 = process.hrtime.bigint();
      const counts = await runner.run(new Date());
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      return {
        seconds: Math.round(seconds * 10) / 10,
        counts,
        github: apis.counts.github - before.github,
        github304: apis.counts.github304 - before.github304,
        pagerduty: apis.counts.pagerduty - before.pagerduty,
      };
    };
    const reference = await cycle(builtinChecks(config));
    const first = await cycle([...builtinChecks(config), ...external]);
    const second = await cycle([...builtinChecks(config), ...external]);
    const rows = [
      ['built-in checks only (reference)', reference],
      ['with GitHub and PagerDuty, first cycle', first],
      ['with GitHub and PagerDuty, next cycle (ETags, cache)', second],
    ] as const;
    const ratio = (s: number) => (s / reference.seconds).toFixed(2);
    const table = [
      `# Check cycle benchmark (${services} services, ${new Date()
        .toISOString()
        .slice(0, 10)})`,
      '',
      'One full run of `CheckRunner` over every plan, against local servers speaking the GitHub and',
      'PagerDuty APIs (no network latency: the time is ours). Reference: the same cycle with only the',
      'built-in checks, in the same run.',
      '',
      '| cycle | seconds | × reference | services/s | GitHub requests (304) | PagerDuty requests | outcomes |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        ([label, r]) =>
          `| ${label} | ${r.seconds} | ${ratio(r.seconds)} | ${Math.round(
            services / r.seconds,
          )} | ${r.github} (${r.github304}) | ${r.pagerduty} | ${
            r.counts.passed
          } passed, ${r.counts.failed} failed, ${r.counts.unknown} unknown, ${
            r.counts.errors
          } errors |`,
      ),
      '',
    ].join('\n');
    console.log(table);
    if (!smoke)
      fs.writeFileSync(
        path.join(process.cwd(), 'bench', 'RESULTS.checks.md'),
        table,
      );
  } finally {
    apis.close();
    await db.destroy();
    const cleanup = knexFactory({ client: 'pg', connection });
    await cleanup.raw('drop database if exists ?? with (force)', [name]);
    await cleanup.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
