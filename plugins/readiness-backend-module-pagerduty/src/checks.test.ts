import { pagerdutyOnCallCheck } from './checks';
import {
  api,
  fakePagerDuty,
  oncalls,
  onCallUser,
  policy,
  run,
  service,
} from './__testUtils__/fakePagerDuty';

describe('pagerduty-on-call', () => {
  it('passes when someone is on call at level 1, naming who and for which policy, with the token sent', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1', { name: 'Payments' }),
      '/oncalls': oncalls(
        onCallUser('Ada Lovelace'),
        onCallUser('Grace Hopper', 2),
      ),
    });
    try {
      expect(await run(api(pd.port), 'PSVC1')).toEqual({
        outcome: 'passed',
        summary: 'On call now for Payments primary: Ada Lovelace',
        url: 'https://acme.pagerduty.com/service-directory/PSVC1',
      });
      expect(pd.paths()).toEqual([
        '/services/PSVC1',
        '/oncalls?escalation_policy_ids%5B%5D=PPOL1&escalation_levels%5B%5D=1',
      ]);
      expect(pd.seen.map(s => [s.auth, s.accept])).toEqual([
        ['Token token=pd_test', 'application/vnd.pagerduty+json;version=2'],
        ['Token token=pd_test', 'application/vnd.pagerduty+json;version=2'],
      ]);
    } finally {
      pd.close();
    }
  });

  it("proves only a claim when the PagerDuty service is not named after the entity: a team cannot borrow another team's rota", async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC9': service('PSVC9', { name: 'Checkout' }),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    try {
      expect(await run(api(pd.port), 'PSVC9')).toEqual({
        outcome: 'passed',
        summary:
          'On call now for Payments primary: Ada Lovelace (PagerDuty service "Checkout" is not named after payments: a claim until reviewed)',
        url: 'https://acme.pagerduty.com/service-directory/PSVC9',
        trust: 'claimed',
      });
    } finally {
      pd.close();
    }
  });

  it('does not bind through metadata.title, which the team writes freely', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC9': service('PSVC9', { name: 'Payments API' }),
      '/oncalls': oncalls(onCallUser('Ada Lovelace')),
    });
    try {
      const result = await pagerdutyOnCallCheck(api(pd.port)).run({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'checkout-web',
            title: 'Payments API',
            annotations: { 'pagerduty.com/service-id': 'PSVC9' },
          },
          spec: {},
        },
      } as any);
      expect(result).toMatchObject({ outcome: 'passed', trust: 'claimed' });
    } finally {
      pd.close();
    }
  });

  it('fails when nobody is on call at level 1, pointing at the escalation policy', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/oncalls': oncalls(onCallUser('Grace Hopper', 2)),
    });
    try {
      expect(await run(api(pd.port), 'PSVC1')).toEqual({
        outcome: 'failed',
        summary: `Nobody is on call at level 1 of Payments primary (service Payments PSVC1): ${policy.html_url}`,
        url: policy.html_url,
      });
    } finally {
      pd.close();
    }
  });

  it('fails on a disabled service or one without an escalation policy, without asking who is on call', async () => {
    const pd = await fakePagerDuty({
      '/services/POFF': service('POFF', { status: 'disabled' }),
      '/services/PNOPOL': service('PNOPOL', { escalation_policy: null }),
    });
    try {
      expect(await run(api(pd.port), 'POFF')).toEqual({
        outcome: 'failed',
        summary:
          'PagerDuty service Payments POFF is disabled: https://acme.pagerduty.com/service-directory/POFF',
        url: 'https://acme.pagerduty.com/service-directory/POFF',
      });
      expect(await run(api(pd.port), 'PNOPOL')).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining(
          'PagerDuty service Payments PNOPOL has no escalation policy',
        ),
      });
      expect(pd.paths()).toEqual(['/services/POFF', '/services/PNOPOL']);
    } finally {
      pd.close();
    }
  });

  it('fails naming the id when PagerDuty has no such service', async () => {
    const pd = await fakePagerDuty({});
    try {
      expect(await run(api(pd.port), 'PGONE')).toEqual({
        outcome: 'failed',
        summary:
          'PagerDuty has no service PGONE (named by pagerduty.com/service-id)',
      });
    } finally {
      pd.close();
    }
  });

  it("is unknown when PagerDuty refuses the platform's token (401, 403), or is down (503)", async () => {
    const error = (status: number, message: string) => ({
      status,
      body: { error: { message, code: 2006 } },
    });
    const pd = await fakePagerDuty({
      '/services/P401': error(401, 'Invalid Token'),
      '/services/P403': error(403, 'Access Denied'),
      '/services/P503': error(503, 'Service Unavailable'),
    });
    try {
      expect(await run(api(pd.port), 'P401')).toEqual({
        outcome: 'unknown',
        summary:
          "PagerDuty refused the platform's API token (401): Invalid Token",
      });
      expect(await run(api(pd.port), 'P403')).toEqual({
        outcome: 'unknown',
        summary:
          "PagerDuty refused the platform's API token (403): Access Denied",
      });
      expect(await run(api(pd.port), 'P503')).toEqual({
        outcome: 'unknown',
        summary: 'PagerDuty did not answer: Service Unavailable',
      });
    } finally {
      pd.close();
    }
  });

  it('fails with the status and message on any other 4xx', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1'),
      '/oncalls': {
        status: 400,
        body: { error: { message: 'Invalid Input Provided', code: 2001 } },
      },
    });
    try {
      expect(await run(api(pd.port), 'PSVC1')).toEqual({
        outcome: 'failed',
        summary: 'PagerDuty answered 400: Invalid Input Provided',
      });
    } finally {
      pd.close();
    }
  });

  it('is unknown when PagerDuty does not answer in time', async () => {
    const pd = await fakePagerDuty({ '/services/PSLOW': { hang: true } });
    try {
      const result = await run(
        api(pd.port, { pagerduty: { timeoutMs: 100 } }),
        'PSLOW',
      );
      expect(result).toMatchObject({
        outcome: 'unknown',
        summary: expect.stringContaining('PagerDuty did not answer'),
      });
      expect(pd.paths()).toEqual(['/services/PSLOW']);
    } finally {
      pd.close();
    }
  });

  it('is unknown, never throwing, on bodies that are not JSON or lack the fields it reads', async () => {
    const pd = await fakePagerDuty({
      '/services/PHTML': { raw: '<html>maintenance</html>' },
      '/services/PEMPTY': { body: {} },
      '/services/PNOFIELD': service('PNOFIELD', {
        escalation_policy: undefined,
      }),
      '/services/PSVC1': service('PSVC1'),
      '/oncalls': { body: { limit: 25 } },
    });
    try {
      const outcomes = [];
      for (const id of ['PHTML', 'PEMPTY', 'PNOFIELD', 'PSVC1'])
        outcomes.push(await run(api(pd.port), id));
      expect(outcomes.map(o => o.outcome)).toEqual([
        'unknown',
        'unknown',
        'unknown',
        'unknown',
      ]);
      expect(outcomes[0].summary).toBe(
        "PagerDuty's answer was not understood: /services/PHTML did not answer JSON",
      );
      expect(outcomes[3].summary).toBe(
        "PagerDuty's answer was not understood: no oncalls list for policy PPOL1",
      );
    } finally {
      pd.close();
    }
  });

  it('fails without the annotation or with one that is no service id, and is unknown without a token, asking nothing', async () => {
    const pd = await fakePagerDuty({ '/services/PSVC1': service('PSVC1') });
    try {
      expect(await run(api(pd.port))).toEqual({
        outcome: 'failed',
        summary:
          'No pagerduty.com/service-id annotation: nothing shows alerts reach someone on call',
      });
      expect(await run(api(pd.port), '../users')).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining('is not a PagerDuty service id'),
      });
      expect(await run(api(pd.port, { data: {} }), 'PSVC1')).toEqual({
        outcome: 'unknown',
        summary: 'No PagerDuty API token configured',
      });
      expect(pd.seen).toEqual([]);
    } finally {
      pd.close();
    }
  });

  it('never puts an e-mail address in the evidence', async () => {
    const pd = await fakePagerDuty({
      '/services/PSVC1': service('PSVC1', { name: 'Payments' }),
      '/oncalls': oncalls(onCallUser('ada@acme.example')),
    });
    try {
      expect((await run(api(pd.port), 'PSVC1')).summary).toBe(
        'On call now for Payments primary: [email]',
      );
    } finally {
      pd.close();
    }
  });
});
