import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { PagerDutyApi } from '../PagerDutyApi';
import { pagerdutyOnCallCheck } from '../checks';

/** One canned answer; `raw` is sent as is, `hang` never answers. */
export interface Route {
  status?: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

/** A local server speaking the parts of PagerDuty's REST API v2 the check reads. */
export async function fakePagerDuty(routes: Record<string, Route>) {
  const seen: Array<{ path: string; auth?: string; accept?: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({
      path: req.url!,
      auth: req.headers.authorization,
      accept: req.headers.accept,
    });
    const route = routes[req.url!.split('?')[0]];
    if (route?.hang) return;
    res
      .writeHead(route ? route.status ?? 200 : 404, {
        'Content-Type': 'application/json',
        ...route?.headers,
      })
      .end(
        route?.raw ??
          JSON.stringify(
            route
              ? route.body
              : { error: { message: 'Not Found', code: 2100 } },
          ),
      );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    paths: () => seen.map(s => s.path),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** An in-memory CacheService that remembers the TTL of every write. */
export function memoryCache() {
  const store = new Map<string, unknown>();
  const ttls: Record<string, unknown> = {};
  const cache: CacheService = {
    get: (async (key: string) => store.get(key)) as CacheService['get'],
    set: async (key, value, options) => {
      store.set(key, value);
      ttls[key] = options?.ttl;
    },
    delete: async key => {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return { cache, ttls };
}

/** A clock the limiter sleeps on without waiting: each sleep is recorded and moves time. */
export function fakeClock() {
  let t = 1_800_000_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** The API for a fake server, configured under `readiness.pagerduty` unless `data` is given. */
export function api(
  port: number,
  options: {
    data?: object;
    pagerduty?: object;
    cache?: CacheService;
    clock?: ReturnType<typeof fakeClock>;
  } = {},
) {
  const config = new ConfigReader(
    options.data ?? {
      readiness: {
        pagerduty: {
          apiToken: 'pd_test',
          apiBaseUrl: `http://127.0.0.1:${port}`,
          ...options.pagerduty,
        },
      },
    },
  );
  return PagerDutyApi.fromConfig(
    config,
    options.cache ?? memoryCache().cache,
    options.clock ?? fakeClock(),
  );
}

export function entity(serviceId?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: serviceId ? { 'pagerduty.com/service-id': serviceId } : {},
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments-team',
      lifecycle: 'production',
    },
  };
}

/** Runs the check against `pagerduty` for an entity naming `serviceId`. */
export const run = (pagerduty: PagerDutyApi, serviceId?: string) =>
  pagerdutyOnCallCheck(pagerduty).run({
    entity: entity(serviceId),
    now: new Date('2026-11-27T12:00:00Z'),
  } as unknown as ReadinessCheckContext);

export const policy = {
  id: 'PPOL1',
  type: 'escalation_policy_reference',
  summary: 'Payments primary',
  html_url: 'https://acme.pagerduty.com/escalation_policies/PPOL1',
};

export const service = (id: string, extra: object = {}): Route => ({
  body: {
    service: {
      id,
      name: `Payments ${id}`,
      html_url: `https://acme.pagerduty.com/service-directory/${id}`,
      status: 'active',
      escalation_policy: policy,
      ...extra,
    },
  },
});

export const oncalls = (...entries: object[]): Route => ({
  body: { oncalls: entries },
});

export const onCallUser = (name: string, level = 1) => ({
  user: {
    id: `PU${name.replace(/\W/g, '')}${level}`,
    summary: name,
    html_url: 'https://acme.pagerduty.com/users/PU1',
  },
  escalation_level: level,
  start: '2026-11-27T00:00:00Z',
  end: '2026-11-28T00:00:00Z',
  schedule: null,
  escalation_policy: policy,
});
