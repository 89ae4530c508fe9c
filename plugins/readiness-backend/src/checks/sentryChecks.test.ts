import { ConfigReader } from '@backstage/config';
import { json, sentryServer } from '../__testUtils__/sentryServer';
import { component } from '../__testUtils__/fixtures';
import { SentryClient } from '../sentry/SentryClient';
import { sentryChecks } from './sentryChecks';

const config = new ConfigReader({
  readiness: { sentry: { maxUnresolvedIssues: 2 } },
});
const entity = component('payments', 'payments-team', 'pay');
const bare = component('legacy', 'payments-team', 'pay', { annotated: false });
const ctx = (e = entity) => ({
  entity: e,
  entityRef: 'component:default/x',
  runbooks: [],
  task: {} as any,
  config,
  now: new Date(),
});

describe('sentryChecks', () => {
  const srv = sentryServer();
  let client: SentryClient;
  let events = 5;
  let issues = 1;
  let down = false;

  beforeAll(async () => {
    const baseUrl = await srv.start();
    client = new SentryClient({
      baseUrl,
      organization: 'acme',
      token: 't',
      maxRetries: 0,
      cacheTtlMs: 0,
    });
    srv.on((req, res) => {
      if (down) return res.writeHead(502).end();
      if (req.url === '/api/0/projects/acme/payments/')
        return json(res, 200, { id: '1', slug: 'payments', name: 'P' });
      if (req.url!.includes('/payments/stats/'))
        return json(res, 200, [[1, events]]);
      if (req.url!.includes('/payments/issues/'))
        return json(res, 200, new Array(issues).fill({}));
      return json(res, 404, {});
    });
  });
  afterAll(() => srv.stop());

  it('passes, fails and stays unknown as Sentry answers', async () => {
    const [active, underLimit] = sentryChecks(client, config);
    expect(await active.run(ctx())).toMatchObject({
      outcome: 'passed',
      summary: '5 events received in the last 24 h',
      url: expect.stringContaining('/projects/payments/'),
    });
    events = 0;
    expect(await active.run(ctx())).toMatchObject({
      outcome: 'failed',
      summary: 'Sentry project "payments" received no events in the last 24 h',
    });
    expect(await underLimit.run(ctx())).toMatchObject({
      outcome: 'passed',
      summary: '1 unresolved issues (limit 2)',
    });
    issues = 3;
    expect(await underLimit.run(ctx())).toMatchObject({ outcome: 'failed' });
    down = true;
    expect(await active.run(ctx())).toMatchObject({
      outcome: 'unknown',
      summary: expect.stringMatching(/^Sentry unavailable: /),
    });
    down = false;
    const ghost = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { 'sentry.io/project-slug': 'ghost' },
      },
    };
    expect(await active.run(ctx(ghost))).toMatchObject({
      outcome: 'failed',
      summary: 'Sentry has no project "ghost"',
    });
    expect(await active.run(ctx(bare))).toMatchObject({
      outcome: 'failed',
      summary: 'No sentry.io/project-slug annotation',
    });
  });

  it("proves only a claim through a project not named after the entity: a team cannot borrow another team's quiet project", async () => {
    events = 5;
    issues = 1;
    down = false;
    const cart = component('cart', 'growth-team', 'shop');
    cart.metadata.annotations!['sentry.io/project-slug'] = 'payments';
    const [active, underLimit] = sentryChecks(client, config);
    expect(await active.run(ctx(cart))).toMatchObject({
      outcome: 'passed',
      trust: 'claimed',
      summary: expect.stringContaining('not named after cart'),
    });
    expect(await underLimit.run(ctx(cart))).toMatchObject({
      outcome: 'passed',
      trust: 'claimed',
    });
    // The entity's own project proves in full.
    expect(await active.run(ctx())).not.toHaveProperty('trust');
  });

  it('is unknown, never failing, when Sentry is not configured', async () => {
    const [active] = sentryChecks(undefined, config);
    expect(await active.run(ctx())).toEqual({
      outcome: 'unknown',
      summary: 'Sentry is not configured (readiness.sentry)',
    });
  });
});
