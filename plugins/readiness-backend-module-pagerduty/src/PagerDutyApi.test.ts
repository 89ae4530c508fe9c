import {
  Route,
  api,
  fakeClock,
  fakePagerDuty,
  memoryCache,
  oncalls,
  onCallUser,
  run,
  service,
} from './__testUtils__/fakePagerDuty';

const ONCALLS =
  '/oncalls?escalation_policy_ids%5B%5D=PPOL1&escalation_levels%5B%5D=1';

describe('PagerDutyApi', () => {
  it('asks once per escalation policy for services sharing it, and caches services for an hour and on-call for five minutes', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/services/PSVC2': service('PSVC2'),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    const { cache, ttls } = memoryCache();
    try {
      const pagerduty = api(pd.port, { cache });
      const outcomes = [
        await run(pagerduty, 'PSVC1'),
        await run(pagerduty, 'PSVC2'),
        await run(pagerduty, 'PSVC1'),
      ].map(r => r.outcome);
      expect(outcomes).toEqual(['passed', 'passed', 'passed']);
      expect(pd.paths()).toEqual([
        '/services/PSVC1',
        ONCALLS,
        '/services/PSVC2',
      ]);
      expect(ttls).toEqual({
        'pagerduty:service:PSVC1': 3_600_000,
        'pagerduty:service:PSVC2': 3_600_000,
        'pagerduty:oncall:PPOL1': 300_000,
      });
    } finally {
      pd.close();
    }
  });

  it('shares one request among concurrent questions about the same policy', async () => {
    const pd = await fakePagerDuty({
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    try {
      const pagerduty = api(pd.port);
      const answers = await Promise.all([
        pagerduty.onCall('PPOL1'),
        pagerduty.onCall('PPOL1'),
      ]);
      expect(answers).toEqual([
        { ok: true, body: { users: ['Ada Lovelace'] } },
        { ok: true, body: { users: ['Ada Lovelace'] } },
      ]);
      expect(pd.paths()).toEqual([ONCALLS]);
    } finally {
      pd.close();
    }
  });

  it('does not cache an outage: the next check asks again', async () => {
    const routes: Record<string, Route> = {
      '/services/PSVC1': { status: 502, body: {} },
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    };
    const pd = await fakePagerDuty(routes);
    try {
      const pagerduty = api(pd.port);
      expect((await run(pagerduty, 'PSVC1')).outcome).toBe('unknown');
      routes['/services/PSVC1'] = service('PSVC1');
      expect((await run(pagerduty, 'PSVC1')).outcome).toBe('passed');
      expect(pd.paths()).toEqual([
        '/services/PSVC1',
        '/services/PSVC1',
        ONCALLS,
      ]);
    } finally {
      pd.close();
    }
  });

  it('on a 429, answers unknown without asking PagerDuty again until Retry-After has passed', async () => {
    const routes: Record<string, Route> = {
      '/services/PSVC1': {
        status: 429,
        headers: { 'Retry-After': '2' },
        body: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      },
      '/services/PSVC2': service('PSVC2'),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    };
    const pd = await fakePagerDuty(routes);
    const clock = fakeClock();
    try {
      const pagerduty = api(pd.port, { clock });
      expect(await run(pagerduty, 'PSVC1')).toEqual({
        outcome: 'unknown',
        summary: 'PagerDuty rate limit: Rate Limit Exceeded',
      });
      clock.advance(1_500);
      expect(await run(pagerduty, 'PSVC2')).toMatchObject({
        outcome: 'unknown',
        summary: expect.stringContaining('not asking again before'),
      });
      expect(pd.paths()).toEqual(['/services/PSVC1']);

      clock.advance(600);
      expect((await run(pagerduty, 'PSVC2')).outcome).toBe('passed');
      expect(pd.paths()).toEqual([
        '/services/PSVC1',
        '/services/PSVC2',
        ONCALLS,
      ]);
    } finally {
      pd.close();
    }
  });

  it("without Retry-After, waits out PagerDuty's ratelimit-reset header instead", async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': {
        status: 429,
        headers: { 'ratelimit-reset': '30' },
        body: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      },
    });
    const clock = fakeClock();
    try {
      const pagerduty = api(pd.port, { clock });
      const outcomes = [(await run(pagerduty, 'PSVC1')).outcome];
      clock.advance(29_000);
      outcomes.push((await run(pagerduty, 'PSVC1')).outcome);
      expect(pd.seen).toHaveLength(1);
      clock.advance(1_001);
      outcomes.push((await run(pagerduty, 'PSVC1')).outcome);
      expect(pd.seen).toHaveLength(2);
      expect(outcomes).toEqual(['unknown', 'unknown', 'unknown']);
    } finally {
      pd.close();
    }
  });

  it('spaces requests to maxRequestsPerMinute', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/services/PSVC2': service('PSVC2'),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    const clock = fakeClock();
    try {
      const pagerduty = api(pd.port, {
        clock,
        pagerduty: { maxRequestsPerMinute: 60 },
      });
      await run(pagerduty, 'PSVC1');
      await run(pagerduty, 'PSVC2');
      expect(pd.seen).toHaveLength(3);
      // No time passes between the requests but the limiter's: each waits a second.
      expect(clock.sleeps).toEqual([1000, 1000]);
    } finally {
      pd.close();
    }
  });

  it("falls back to the community PagerDuty plugin's pagerDuty.apiToken and apiBaseUrl", async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    try {
      const pagerduty = api(pd.port, {
        data: {
          pagerDuty: {
            apiToken: 'pd_shared',
            apiBaseUrl: `http://127.0.0.1:${pd.port}`,
          },
        },
      });
      expect((await run(pagerduty, 'PSVC1')).outcome).toBe('passed');
      expect(pd.seen.map(s => s.auth)).toEqual([
        'Token token=pd_shared',
        'Token token=pd_shared',
      ]);
    } finally {
      pd.close();
    }
  });

  it('prefers readiness.pagerduty over pagerDuty when both are set', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    try {
      const pagerduty = api(pd.port, {
        data: {
          readiness: {
            pagerduty: {
              apiToken: 'pd_readiness',
              apiBaseUrl: `http://127.0.0.1:${pd.port}`,
            },
          },
          pagerDuty: {
            apiToken: 'pd_shared',
            apiBaseUrl: 'http://127.0.0.1:1',
          },
        },
      });
      expect((await run(pagerduty, 'PSVC1')).outcome).toBe('passed');
      expect(pd.seen[0].auth).toBe('Token token=pd_readiness');
    } finally {
      pd.close();
    }
  });
});
