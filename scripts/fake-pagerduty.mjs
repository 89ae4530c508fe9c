// DEMO ONLY: a fake PagerDuty speaking the two documented REST endpoints the readiness on-call
// check reads (GET /services/{id}, GET /oncalls), so the demo shows on-call checks without
// PagerDuty. Service ids are `P` + the service name in capitals without dashes
// (`checkout-web` → `PCHECKOUTWEB`); each service is named after its catalog entity.
import http from 'node:http';

/** Services whose escalation policy has nobody on call at level 1. */
const NOBODY_ON_CALL = new Set(['reporting-api', 'legacy-billing']);

const send = (res, status, body) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/** The demo id of a service name. */
export const demoServiceId = name => `P${name.replace(/-/g, '').toUpperCase()}`.slice(0, 32);

/** Starts the fake on `port`; resolves with a `close` function. */
export function startFakePagerDuty({ port, token, services }) {
  const byId = new Map(services.map(name => [demoServiceId(name), name]));
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Token token=${token}`) {
      send(res, 401, { error: { message: 'Unauthorized', code: 2006 } });
      return;
    }
    const url = new URL(req.url, 'http://fake');
    const service = /^\/services\/(\w+)$/.exec(url.pathname);
    if (service) {
      const name = byId.get(service[1]);
      if (!name) {
        send(res, 404, { error: { message: 'Not Found', code: 2100 } });
        return;
      }
      send(res, 200, {
        service: {
          id: service[1],
          name,
          status: 'active',
          html_url: `https://example.pagerduty.com/service-directory/${service[1]}`,
          escalation_policy: {
            id: `E${service[1]}`,
            type: 'escalation_policy_reference',
            summary: `${name} primary (demo)`,
            html_url: `https://example.pagerduty.com/escalation_policies/E${service[1]}`,
          },
        },
      });
      return;
    }
    if (url.pathname === '/oncalls') {
      const policy = url.searchParams.get('escalation_policy_ids[]') ?? '';
      const name = byId.get(policy.slice(1));
      const oncalls =
        !name || NOBODY_ON_CALL.has(name)
          ? []
          : [
              {
                escalation_level: 1,
                user: { id: 'PUDEMO1', type: 'user_reference', summary: 'Demo On-call' },
                escalation_policy: { id: policy },
                start: new Date(Date.now() - 3_600_000).toISOString(),
                end: new Date(Date.now() + 86_400_000).toISOString(),
              },
            ];
      send(res, 200, { oncalls, limit: 25, offset: 0, more: false });
      return;
    }
    send(res, 404, { error: { message: 'Not Found', code: 2100 } });
  });
  return new Promise(resolve =>
    server.listen(port, '127.0.0.1', () => resolve({ close: () => server.close() })),
  );
}
