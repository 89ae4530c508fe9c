import { Entity } from '@backstage/catalog-model';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { Prober, ProbeOptions } from './Prober';
import { healthCheck } from './checks';
import {
  closedPort,
  entity,
  localServer,
  testCert,
} from './__fixtures__/servers';

const loopback = async () => [{ address: '127.0.0.1', family: 4 }];

const prober = (ports: number[], options: Partial<ProbeOptions> = {}) =>
  new Prober({
    allowedHosts: ['{name}.svc.example.test', 'status.example.test'],
    allowedPorts: ports,
    allowPrivateNetworks: true,
    timeoutMs: 2000,
    minCertDays: 14,
    ca: testCert,
    resolve: loopback,
    ...options,
  });

const run = (p: Prober, e: Entity) =>
  healthCheck(p).run({ entity: e, now: new Date() } as ReadinessCheckContext);

const health = (url: string) => entity({ links: [{ type: 'health', url }] });

describe('probe-health', () => {
  it('passes on a 2xx, naming status and latency; verified through a {name} host', async () => {
    const server = await localServer({ status: 204 });
    try {
      const url = `http://payments.svc.example.test:${server.port}/healthz`;
      const result = await run(prober([server.port]), health(url));
      expect(result).toEqual({
        outcome: 'passed',
        summary: expect.stringMatching(
          /^Health endpoint answered 204 in \d+ ms$/,
        ),
        url,
        trust: 'verified',
      });
      expect(server.seen).toEqual(['/healthz']);
    } finally {
      server.close();
    }
  });

  it('passes as claimed through a shared host, over https too, from the annotation', async () => {
    const server = await localServer({ tls: true });
    try {
      const url = `https://status.example.test:${server.port}/payments`;
      const result = await run(
        prober([server.port]),
        entity({ annotations: { 'readiness/health-url': url } }),
      );
      expect(result).toEqual({
        outcome: 'passed',
        summary: expect.stringMatching(
          /^Health endpoint answered 200 in \d+ ms \(claimed: the allowed host is not bound to the service by a \{name\} pattern\)$/,
        ),
        url,
        trust: 'claimed',
      });
    } finally {
      server.close();
    }
  });

  it('reads at most 64 KB of the body, then hangs up', async () => {
    const server = await localServer({ endless: true });
    try {
      const url = `http://payments.svc.example.test:${server.port}/health`;
      const result = await run(
        prober([server.port], { timeoutMs: 5000 }),
        health(url),
      );
      expect(result).toMatchObject({
        outcome: 'passed',
        summary: expect.stringMatching(/^Health endpoint answered 200/),
      });
    } finally {
      server.close();
    }
  });

  it('fails on a 500', async () => {
    const server = await localServer({ status: 500 });
    try {
      const url = `http://payments.svc.example.test:${server.port}/health`;
      expect(await run(prober([server.port]), health(url))).toEqual({
        outcome: 'failed',
        summary: 'Health endpoint answered 500',
        url,
      });
    } finally {
      server.close();
    }
  });

  it('fails on a redirect without following it', async () => {
    const target = await localServer();
    const server = await localServer({
      status: 302,
      headers: {
        Location: `http://login.svc.example.test:${target.port}/sso`,
      },
    });
    try {
      const url = `http://payments.svc.example.test:${server.port}/health`;
      expect(
        await run(prober([server.port, target.port]), health(url)),
      ).toEqual({
        outcome: 'failed',
        summary: `Health endpoint answered 302, a redirect to login.svc.example.test:${target.port} (not followed)`,
        url,
      });
      expect(server.seen).toEqual(['/health']);
      expect(target.connections()).toBe(0);
    } finally {
      server.close();
      target.close();
    }
  });

  it('fails when the endpoint is down: refused, too slow, or an untrusted certificate', async () => {
    const port = await closedPort();
    const hanging = await localServer({ hang: true });
    const selfSigned = await localServer({ tls: true });
    try {
      const down = `http://payments.svc.example.test:${port}/health`;
      expect(await run(prober([port]), health(down))).toEqual({
        outcome: 'failed',
        summary: `${down}: connection refused`,
        url: down,
      });
      const slow = `http://payments.svc.example.test:${hanging.port}/health`;
      expect(
        await run(prober([hanging.port], { timeoutMs: 200 }), health(slow)),
      ).toEqual({
        outcome: 'failed',
        summary: `${slow}: no answer within 200 ms`,
        url: slow,
      });
      expect(hanging.seen).toEqual(['/health']);
      const untrusted = `https://payments.svc.example.test:${selfSigned.port}/`;
      expect(
        await run(
          prober([selfSigned.port], { ca: undefined }),
          health(untrusted),
        ),
      ).toEqual({
        outcome: 'failed',
        summary: `${untrusted}: TLS certificate not valid (DEPTH_ZERO_SELF_SIGNED_CERT)`,
        url: untrusted,
      });
      expect(selfSigned.seen).toEqual([]);
    } finally {
      hanging.close();
      selfSigned.close();
    }
  });

  it('fails on a URL that is not http(s) or a DNS name that does not resolve', async () => {
    const ftp = 'ftp://payments.svc.example.test/health';
    expect(await run(prober([]), health(ftp))).toEqual({
      outcome: 'failed',
      summary: `the health link must be http or https: ${ftp}`,
      url: ftp,
    });
    const nxdomain = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), {
        code: 'ENOTFOUND',
      });
    };
    const gone = 'https://payments.svc.example.test/health';
    expect(await run(prober([], { resolve: nxdomain }), health(gone))).toEqual({
      outcome: 'failed',
      summary: `${gone}: DNS lookup failed`,
      url: gone,
    });
  });
});
