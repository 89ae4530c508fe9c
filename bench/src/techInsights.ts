import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  FactRetriever,
  techInsightsFactRetrieversExtensionPoint,
} from '@backstage-community/plugin-tech-insights-node';
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import techInsightsJsonRulesModule from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { OrgShape, prng, serviceName } from './generate';
import { timed } from './load';

const RETRIEVER = 'readinessEquivalentFacts';

/**
 * Facts equivalent to what our automatic checks look at, per service: owner, backup policy,
 * restore drill age, three runbook types, Sentry events and unresolved issues.
 */
function facts(i: number) {
  const rnd = prng(10_000 + i);
  return {
    hasOwner: rnd() > 0.02,
    backupPolicyDeclared: rnd() > 0.1,
    restoreDrillAgeDays: Math.floor(rnd() * 200),
    hasDrRunbook: rnd() > 0.3,
    hasIncidentRunbook: rnd() > 0.2,
    hasRollbackRunbook: rnd() > 0.4,
    sentryEvents24h: Math.floor(rnd() * 3000),
    unresolvedIssues: Math.floor(rnd() * 60),
  };
}

const schema = {
  hasOwner: { type: 'boolean', description: 'Owner set in the catalog' },
  backupPolicyDeclared: {
    type: 'boolean',
    description: 'Backup policy annotation names a known policy',
  },
  restoreDrillAgeDays: {
    type: 'integer',
    description: 'Days since the last restore drill',
  },
  hasDrRunbook: { type: 'boolean', description: 'runbook-dr link' },
  hasIncidentRunbook: { type: 'boolean', description: 'runbook-incident link' },
  hasRollbackRunbook: { type: 'boolean', description: 'runbook-rollback link' },
  sentryEvents24h: {
    type: 'integer',
    description: 'Sentry events in the last 24 h',
  },
  unresolvedIssues: {
    type: 'integer',
    description: 'Unresolved Sentry issues',
  },
} as const;

/** Our eight automatic checks as json-rules-engine checks over those facts. */
const checks: Record<
  string,
  { fact: keyof typeof schema; operator: string; value: unknown }
> = {
  catalogOwnerSet: { fact: 'hasOwner', operator: 'equal', value: true },
  backupPolicyDeclared: {
    fact: 'backupPolicyDeclared',
    operator: 'equal',
    value: true,
  },
  restoreDrillRecent: {
    fact: 'restoreDrillAgeDays',
    operator: 'lessThanInclusive',
    value: 90,
  },
  runbookDr: { fact: 'hasDrRunbook', operator: 'equal', value: true },
  runbookIncident: {
    fact: 'hasIncidentRunbook',
    operator: 'equal',
    value: true,
  },
  runbookRollback: {
    fact: 'hasRollbackRunbook',
    operator: 'equal',
    value: true,
  },
  sentryProjectActive: {
    fact: 'sentryEvents24h',
    operator: 'greaterThan',
    value: 0,
  },
  sentryIssuesUnderThreshold: {
    fact: 'unresolvedIssues',
    operator: 'lessThanInclusive',
    value: 25,
  },
};

/** Result of the Tech Insights side of the comparison. */
export interface TechInsightsResult {
  entities: number;
  checks: number;
  factLoadSeconds: number;
  bulkRunMs: number[];
  resultsReturned: number;
  packageVersions: Record<string, string>;
  /**
   * Why the bulk runs stopped early (an error, or a run over `BULK_RUN_TIMEOUT_MS`): at
   * 50 000 entities Tech Insights may not finish, and the report says so instead of failing.
   */
  failure?: string;
}

/** How long one bulk `POST /checks/run` may take before it counts as not finishing. */
const BULK_RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * Starts a backend with the Tech Insights plugin and its json-rules-engine module on the
 * same PostgreSQL, loads the facts through a fact retriever (the way Tech Insights gets
 * facts), then times its bulk `POST /checks/run` for every entity, `runs` times.
 */
export async function runTechInsights(options: {
  shape: OrgShape;
  connection: string;
  runs: number;
}): Promise<TechInsightsResult> {
  const { shape } = options;
  const retriever: FactRetriever = {
    id: RETRIEVER,
    version: '0.0.1',
    entityFilter: [{ kind: 'component' }],
    schema: schema as any,
    handler: async () =>
      Array.from({ length: shape.services }, (_, i) => ({
        entity: {
          namespace: 'default',
          kind: 'component',
          name: serviceName(i),
        },
        facts: facts(i),
      })),
  };
  const retrieverModule = createBackendModule({
    pluginId: 'tech-insights',
    moduleId: 'readiness-equivalent-facts',
    register(reg) {
      reg.registerInit({
        deps: { retrievers: techInsightsFactRetrieversExtensionPoint },
        async init({ retrievers }) {
          retrievers.addFactRetrievers({ [RETRIEVER]: retriever });
        },
      });
    },
  });

  const t0 = Date.now();
  const backend = await startTestBackend({
    features: [
      techInsightsPlugin,
      techInsightsJsonRulesModule,
      retrieverModule,
      catalogServiceMock.factory({ entities: [] }),
      // The real scheduler: the test default never runs the fact retriever.
      schedulerServiceFactory,
      mockServices.database.factory(),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'pg',
              connection: options.connection,
              prefix: `bench_ti_${Date.now()}_`,
            },
          },
          techInsights: {
            factRetrievers: {
              [RETRIEVER]: {
                cadence: '0 3 * * *',
                initialDelay: { seconds: 1 },
              },
            },
            factChecker: {
              checks: Object.fromEntries(
                Object.entries(checks).map(([id, c]) => [
                  id,
                  {
                    type: 'json-rules-engine',
                    name: id,
                    description: `Equivalent of the readiness check ${id}`,
                    factIds: [RETRIEVER],
                    rule: {
                      conditions: {
                        all: [
                          {
                            fact: c.fact,
                            operator: c.operator,
                            value: c.value,
                          },
                        ],
                      },
                    },
                  },
                ]),
              ),
            },
          } as any,
        },
      }),
    ],
  });
  const auth = { Authorization: mockCredentials.user.header() };
  const url = (path: string) =>
    `http://localhost:${
      (backend.server.address() as any).port
    }/api/tech-insights${path}`;
  try {
    // Facts are in once the last entity has them.
    const last = serviceName(shape.services - 1);
    for (;;) {
      const res = await fetch(
        url(
          `/facts/latest?entity=component:default/${last}&ids[]=${RETRIEVER}`,
        ),
        { headers: auth },
      );
      if (res.ok && Object.keys((await res.json()) ?? {}).length) break;
      if (Date.now() - t0 > 600_000)
        throw new Error('Tech Insights facts never arrived');
      await new Promise(r => setTimeout(r, 500));
    }
    const factLoadSeconds = (Date.now() - t0) / 1000;
    const bulkRunMs: number[] = [];
    let resultsReturned = 0;
    let failure: string | undefined;
    for (let r = 0; r < options.runs && !failure; r++) {
      try {
        const { value, ms } = await timed(async () => {
          const res = await fetch(url('/checks/run'), {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ checks: Object.keys(checks), entities: [] }),
            signal: AbortSignal.timeout(BULK_RUN_TIMEOUT_MS),
          });
          if (!res.ok)
            throw new Error(
              `Tech Insights bulk run: ${res.status} ${await res.text()}`,
            );
          return (await res.json()) as unknown[];
        });
        bulkRunMs.push(Math.round(ms));
        resultsReturned = value.length;
      } catch (error) {
        failure =
          (error as Error).name === 'TimeoutError'
            ? `bulk run ${r + 1} did not finish within ${
                BULK_RUN_TIMEOUT_MS / 60_000
              } min`
            : `bulk run ${r + 1} failed: ${(error as Error).message}`;
      }
    }
    return {
      entities: shape.services,
      checks: Object.keys(checks).length,
      factLoadSeconds: Math.round(factLoadSeconds * 10) / 10,
      bulkRunMs,
      resultsReturned,
      ...(failure ? { failure } : {}),
      packageVersions: {
        '@backstage-community/plugin-tech-insights-backend':
          require('@backstage-community/plugin-tech-insights-backend/package.json')
            .version,
        '@backstage-community/plugin-tech-insights-backend-module-jsonfc':
          require('@backstage-community/plugin-tech-insights-backend-module-jsonfc/package.json')
            .version,
      },
    };
  } finally {
    await backend.stop();
  }
}
