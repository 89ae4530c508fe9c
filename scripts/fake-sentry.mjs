// DEMO ONLY: a fake Sentry speaking the few documented REST endpoints the readiness checks
// use, so the demo shows automatic Sentry evidence without a real Sentry. `start.mjs` starts
// it unless READINESS_SENTRY_BASE_URL points at a real Sentry.
import http from 'node:http';

/** Deterministic demo data per project slug: [events in 24 h, unresolved issues]. */
const PROJECTS = {
  'payments-api': [1840, 3],
  'payments-worker': [220, 12],
  'ledger-service': [95, 1],
  'cart-service': [310, 30],
  'checkout-web': [5120, 8],
  'pricing-service': [0, 2],
  'identity-api': [2600, 0],
  'auth-gateway': [780, 4],
  'user-profile-service': [140, 6],
  'notifications-service': [60, 40],
  'email-dispatcher': [0, 0],
  'feature-flags': [35, 1],
  'search-indexer': [12, 2],
  'reporting-api': [44, 26],
  'matching-engine': [900, 9],
  'studio-portal': [75, 3],
};

const send = (res, status, body) =>
  res
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify(body));

/** Starts the fake on `port`; resolves with a `close` function. */
export function startFakeSentry({ port, token }) {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, { detail: 'Invalid token' });
    }
    const url = new URL(req.url, 'http://fake');
    const m =
      /^\/api\/0\/projects\/([^/]+)\/([^/]+)\/(stats\/|issues\/)?$/.exec(
        url.pathname,
      );
    const project = m && PROJECTS[decodeURIComponent(m[2])];
    if (!project)
      return send(res, 404, {
        detail: 'The requested resource does not exist',
      });
    const [events, issues] = project;
    if (!m[3])
      return send(res, 200, {
        id: m[2],
        slug: m[2],
        name: `${m[2]} (fake Sentry)`,
      });
    if (m[3] === 'stats/') {
      const since =
        Number(url.searchParams.get('since')) ||
        Math.floor(Date.now() / 1000) - 86400;
      // Spread the day's events over 24 hourly buckets.
      return send(
        res,
        200,
        Array.from({ length: 24 }, (_, h) => [
          since + h * 3600,
          Math.floor(events / 24) + (h < events % 24 ? 1 : 0),
        ]),
      );
    }
    return send(
      res,
      200,
      Array.from({ length: Math.min(issues, 100) }, (_, i) => ({
        id: String(i),
        status: 'unresolved',
      })),
    );
  });
  return new Promise(resolve =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ close: () => server.close() }),
    ),
  );
}
