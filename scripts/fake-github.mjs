// DEMO ONLY: a fake GitHub speaking the few documented REST endpoints the readiness GitHub
// checks read (repository, Actions runs, Dependabot alerts, branch rules), with ETags, so the
// demo shows CI, vulnerability and branch-protection checks without GitHub. Every demo
// repository is `acme/<service>`. `POST /_demo/repos/acme/<service>/runs {"conclusion":
// "success"}` finishes a new run, so a demo (or the e2e test) can turn a red build green.
import http from 'node:http';
import { createHash } from 'node:crypto';

/** Deterministic demo state per repository; anything not listed is green and protected. */
const REPOS = {
  'checkout-web': { ci: 'failure' },
  'cart-service': { ci: 'failure', alerts: ['high', 'high', 'critical'] },
  'notifications-service': { alerts: ['critical'] },
  'email-dispatcher': { protected: false },
  'reporting-api': { ci: 'cancelled', protected: false },
  'search-indexer': { missing: true },
};

const send = (req, res, status, body, extra = {}) => {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
  if (status === 200 && req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag }).end();
    return;
  }
  res
    .writeHead(status, { 'Content-Type': 'application/json', etag, ...extra })
    .end(text);
};

/** Starts the fake on `port`; resolves with a `close` function. */
export function startFakeGithub({ port, token }) {
  const base = `http://127.0.0.1:${port}`;
  const runs = new Map();
  const runOf = name => {
    if (!runs.has(name)) {
      runs.set(name, {
        id: 1000 + runs.size,
        name: 'CI',
        run_number: 41,
        conclusion: REPOS[name]?.ci ?? 'success',
        updated_at: new Date(Date.now() - 3_600_000).toISOString(),
        head_sha: createHash('sha1').update(name).digest('hex'),
        event: 'push',
        head_branch: 'main',
      });
    }
    const run = runs.get(name);
    return { ...run, html_url: `${base}/acme/${name}/actions/runs/${run.id}` };
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, base);
    const control = /^\/_demo\/repos\/acme\/([\w.-]+)\/runs$/.exec(url.pathname);
    if (control && req.method === 'POST') {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        const { conclusion = 'success' } = JSON.parse(body || '{}');
        const previous = runOf(control[1]);
        runs.set(control[1], {
          ...previous,
          id: previous.id + 100,
          run_number: previous.run_number + 1,
          conclusion,
          updated_at: new Date().toISOString(),
          // A new commit on main, built by this run.
          head_sha: createHash('sha1').update(`${control[1]}-${previous.run_number + 1}`).digest('hex'),
        });
        send(req, res, 201, runOf(control[1]));
      });
      return;
    }
    const page = /^\/acme\/([\w.-]+)\/actions\/runs\/(\d+)$/.exec(url.pathname);
    if (page) {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<h1>DEMO ONLY: fake GitHub Actions run ${page[2]} of acme/${page[1]}</h1>`);
      return;
    }
    if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
      send(req, res, 401, { message: 'Bad credentials' });
      return;
    }
    const m = /^\/repos\/acme\/([\w.-]+)(\/.*)?$/.exec(url.pathname);
    const name = m?.[1];
    if (!m || REPOS[name]?.missing) {
      send(req, res, 404, { message: 'Not Found' });
      return;
    }
    const repo = REPOS[name] ?? {};
    const rest = m[2] ?? '';
    if (rest === '') send(req, res, 200, { full_name: `acme/${name}`, default_branch: 'main' });
    else if (rest === '/branches/main') send(req, res, 200, { name: 'main', commit: { sha: runOf(name).head_sha } });
    else if (rest === '/actions/runs') {
      // The latest run built the tip of main; filter as GitHub does by head_sha.
      const run = runOf(name);
      const sha = url.searchParams.get('head_sha');
      const runsOf = sha && sha !== run.head_sha ? [] : [run];
      send(req, res, 200, { total_count: runsOf.length, workflow_runs: runsOf });
    }
    else if (rest === '/dependabot/alerts')
      send(
        req,
        res,
        200,
        (repo.alerts ?? []).map((severity, i) => ({
          number: i + 1,
          state: 'open',
          security_advisory: { severity },
          security_vulnerability: { severity },
        })),
      );
    else if (rest === '/rules/branches/main')
      send(
        req,
        res,
        200,
        repo.protected === false
          ? []
          : [
              { type: 'pull_request', parameters: { required_approving_review_count: 1 } },
              { type: 'required_status_checks', parameters: { required_status_checks: [{ context: 'CI' }] } },
            ],
      );
    else if (rest === '/branches/main/protection') send(req, res, 404, { message: 'Branch not protected' });
    else send(req, res, 404, { message: 'Not Found' });
  });
  return new Promise(resolve =>
    server.listen(port, '127.0.0.1', () => resolve({ close: () => server.close() })),
  );
}
