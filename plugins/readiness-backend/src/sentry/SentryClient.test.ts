import { json, sentryServer } from '../__testUtils__/sentryServer';
import { ConfigReader } from '@backstage/config';
import { SentryClient, SentryError } from './SentryClient';

describe('SentryClient over real HTTP', () => {
  const srv = sentryServer();
  let baseUrl: string;
  const sleeps: number[] = [];
  const client = (
    extra: Partial<ConstructorParameters<typeof SentryClient>[0]> = {},
  ) =>
    new SentryClient({
      baseUrl,
      organization: 'acme',
      token: 'sntrys_secret_token',
      timeoutMs: 200,
      maxRetries: 2,
      cacheTtlMs: 0,
      sleep: async ms => {
        sleeps.push(ms);
      },
      ...extra,
    });

  beforeAll(async () => {
    baseUrl = await srv.start();
  });
  afterAll(() => srv.stop());
  beforeEach(() => {
    srv.requests.length = 0;
    sleeps.length = 0;
  });

  it('reads project, event stats and unresolved issues with the token', async () => {
    srv.on((req, res) => {
      if (req.url === '/api/0/projects/acme/payments/')
        return json(res, 200, { id: '1', slug: 'payments', name: 'Payments' });
      if (
        req.url!.startsWith(
          '/api/0/projects/acme/payments/stats/?stat=received&resolution=1h&since=',
        )
      ) {
        return json(res, 200, [
          [1, 3],
          [2, 0],
          [3, 4],
        ]);
      }
      if (
        req.url!.startsWith(
          '/api/0/projects/acme/payments/issues/?query=is%3Aunresolved',
        )
      )
        return json(res, 200, [{}, {}]);
      return json(res, 404, { detail: 'not found' });
    });
    const c = client();
    expect(await c.getProject('payments')).toEqual({
      id: '1',
      slug: 'payments',
      name: 'Payments',
    });
    expect(await c.eventsLast24h('payments')).toBe(7);
    expect(await c.unresolvedIssues('payments')).toBe(2);
    expect(
      srv.requests.every(r => r.auth === 'Bearer sntrys_secret_token'),
    ).toBe(true);
    expect(c.projectUrl('payments')).toBe(
      `${baseUrl}/organizations/acme/projects/payments/`,
    );
  });

  it('answers undefined for a project Sentry does not know (404)', async () => {
    srv.on((_req, res) =>
      json(res, 404, { detail: 'The requested resource does not exist' }),
    );
    expect(await client().getProject('ghost')).toBeUndefined();
  });

  it('reports a rejected token (401) without leaking it', async () => {
    srv.on((_req, res) => json(res, 401, { detail: 'Invalid token' }));
    const error = await client()
      .getProject('payments')
      .catch(e => e);
    expect(error).toBeInstanceOf(SentryError);
    expect(error).toMatchObject({ kind: 'auth' });
    expect(error.message).not.toContain('sntrys_secret_token');
    expect(srv.requests).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    let calls = 0;
    srv.on((_req, res) => {
      calls += 1;
      if (calls === 1) return res.writeHead(429, { 'Retry-After': '2' }).end();
      return json(res, 200, []);
    });
    expect(await client().unresolvedIssues('payments')).toBe(0);
    expect(sleeps).toEqual([2000]);
    expect(calls).toBe(2);
  });

  it('retries 5xx with backoff, then gives up as unavailable', async () => {
    srv.on((_req, res) => res.writeHead(503).end());
    await expect(client().eventsLast24h('payments')).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'Sentry answered 503 after 3 attempt(s)',
    });
    expect(sleeps).toEqual([200, 400]);
  });

  it('times out a slow Sentry', async () => {
    srv.on((_req, res) => {
      setTimeout(() => json(res, 200, []), 1_000).unref();
    });
    await expect(
      client({ maxRetries: 0 }).unresolvedIssues('payments'),
    ).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'Sentry did not answer within 200 ms',
    });
  });

  it('rejects malformed JSON and unexpected shapes', async () => {
    srv.on((_req, res) =>
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end('{"oops": '),
    );
    await expect(client().unresolvedIssues('payments')).rejects.toMatchObject({
      kind: 'bad_response',
    });
    srv.on((_req, res) => json(res, 200, { not: 'a list' }));
    await expect(client().eventsLast24h('payments')).rejects.toMatchObject({
      kind: 'bad_response',
    });
  });

  it('builds from config with defaults for unset options', async () => {
    srv.on((_req, res) => json(res, 200, [{}, {}, {}]));
    const c = SentryClient.fromConfig(
      new ConfigReader({
        readiness: {
          sentry: {
            baseUrl: `${baseUrl}/`,
            organization: 'acme',
            token: 'sntrys_x',
          },
        },
      }),
    )!;
    expect(await c.unresolvedIssues('payments')).toBe(3);
    expect(
      SentryClient.fromConfig(
        new ConfigReader({ readiness: { sentry: { organization: 'acme' } } }),
      ),
    ).toBeUndefined();
  });

  it('caches answers between runs', async () => {
    srv.on((_req, res) => json(res, 200, [{}]));
    const c = client({ cacheTtlMs: 60_000 });
    await c.unresolvedIssues('payments');
    await c.unresolvedIssues('payments');
    expect(srv.requests).toHaveLength(1);
  });
});
