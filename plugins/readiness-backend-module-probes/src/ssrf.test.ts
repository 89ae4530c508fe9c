import { Entity } from '@backstage/catalog-model';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { guardedLookup, isInternalAddress, ProbeResolver } from './addresses';
import { Prober, ProbeOptions } from './Prober';
import { healthCheck, tlsHeadersCheck } from './checks';
import { allowedBy } from './target';
import { entity, localServer, testCert } from './__fixtures__/servers';

const prober = (options: Partial<ProbeOptions> = {}) =>
  new Prober({
    allowedHosts: ['*.example.test'],
    allowedPorts: [],
    allowPrivateNetworks: false,
    timeoutMs: 2000,
    minCertDays: 14,
    ca: testCert,
    ...options,
  });

const context = (e: Entity) =>
  ({ entity: e, now: new Date() } as ReadinessCheckContext);
const health = (url: string) => entity({ links: [{ type: 'health', url }] });

describe('allowed hosts', () => {
  it('matches exact hosts, wildcard subdomains (not the apex) and {name}, case-insensitively', () => {
    const patterns = [
      'status.example.com',
      '*.apps.example.com',
      '{name}.svc.example.com',
    ];
    const allowed = (host: string) =>
      allowedBy(host, patterns, 'Payments').allowed;
    expect(allowed('status.example.com')).toBe(true);
    expect(allowed('a.status.example.com')).toBe(false);
    expect(allowed('payments.apps.example.com')).toBe(true);
    expect(allowed('a.b.apps.example.com')).toBe(true);
    expect(allowed('apps.example.com')).toBe(false);
    expect(allowed('evilapps.example.com')).toBe(false);
    expect(allowed('payments.svc.example.com')).toBe(true);
    expect(allowed('cart.svc.example.com')).toBe(false);
    expect(allowedBy('payments.svc.example.com', patterns, 'payments')).toEqual(
      { allowed: true, boundToEntity: true },
    );
    expect(allowedBy('status.example.com', patterns, 'payments')).toEqual({
      allowed: true,
      boundToEntity: false,
    });
  });

  it('answers unknown for both checks when no host is allowed, without a request', async () => {
    const server = await localServer();
    try {
      const e = entity({
        links: [
          { type: 'website', url: `https://127.0.0.1:${server.port}/` },
          { type: 'health', url: `http://127.0.0.1:${server.port}/` },
        ],
      });
      const p = prober({ allowedHosts: [], allowPrivateNetworks: true });
      const expected = {
        outcome: 'unknown',
        summary: 'No host allowed: set readiness.probes.allowedHosts',
      };
      expect(await tlsHeadersCheck(p).run(context(e))).toEqual(expected);
      expect(await healthCheck(p).run(context(e))).toEqual(expected);
      expect(server.connections()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('fails a host or port not allowed, without connecting', async () => {
    const server = await localServer();
    const resolve = jest.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
    try {
      const p = prober({
        allowedPorts: [server.port + 1],
        allowPrivateNetworks: true,
        resolve,
      });
      const other = `http://intranet.corp.test:${server.port}/health`;
      expect(await healthCheck(p).run(context(health(other)))).toEqual({
        outcome: 'failed',
        summary: 'intranet.corp.test is not on readiness.probes.allowedHosts',
        url: other,
      });
      const port = `http://status.example.test:${server.port}/health`;
      expect(await healthCheck(p).run(context(health(port)))).toEqual({
        outcome: 'failed',
        summary: `Port ${server.port} is not on readiness.probes.allowedPorts`,
        url: port,
      });
      expect(resolve).not.toHaveBeenCalled();
      expect(server.connections()).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('internal addresses', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    'not-an-address',
  ])('refuses %s', address => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '203.0.113.10',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows %s', address => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it('refuses 127.0.0.1 and localhost unless allowPrivateNetworks; no request reaches the server', async () => {
    const server = await localServer();
    try {
      const p = prober({
        allowedHosts: ['127.0.0.1', 'localhost'],
        allowedPorts: [server.port],
      });
      const literal = `http://127.0.0.1:${server.port}/health`;
      expect(await healthCheck(p).run(context(health(literal)))).toEqual({
        outcome: 'failed',
        summary: `${literal}: 127.0.0.1 is an internal address: refused (readiness.probes.allowPrivateNetworks)`,
        url: literal,
      });
      const named = `http://localhost:${server.port}/health`;
      expect(await healthCheck(p).run(context(health(named)))).toMatchObject({
        outcome: 'failed',
        summary: expect.stringMatching(
          /^http:\/\/localhost:\d+\/health: localhost resolves to (?:127\.0\.0\.1|::1), an internal address: refused/,
        ),
      });
      expect(server.connections()).toBe(0);

      const open = prober({
        allowedHosts: ['127.0.0.1'],
        allowedPorts: [server.port],
        allowPrivateNetworks: true,
      });
      expect(
        (await healthCheck(open).run(context(health(literal)))).outcome,
      ).toBe('passed');
      expect(server.seen).toEqual(['/health']);
    } finally {
      server.close();
    }
  });

  it('refuses an allowed name resolving to an internal address where it connects (DNS rebinding)', async () => {
    const server = await localServer({ tls: true });
    const answers: Record<string, string[]> = {
      'rebound.example.test': ['203.0.113.10', '10.0.0.7'],
      'mapped.example.test': ['::ffff:127.0.0.1'],
    };
    const resolve: ProbeResolver = jest.fn(async (host: string) =>
      answers[host].map(address => ({
        address,
        family: address.includes(':') ? 6 : 4,
      })),
    );
    try {
      const p = prober({ allowedPorts: [server.port], resolve });
      const rebound = entity({
        links: [
          {
            type: 'website',
            url: `https://rebound.example.test:${server.port}/`,
          },
        ],
      });
      expect(await tlsHeadersCheck(p).run(context(rebound))).toMatchObject({
        outcome: 'failed',
        summary:
          'rebound.example.test resolves to 10.0.0.7, an internal address: refused (readiness.probes.allowPrivateNetworks)',
      });
      const mapped = `https://mapped.example.test:${server.port}/`;
      expect(await healthCheck(p).run(context(health(mapped)))).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining('resolves to ::ffff:127.0.0.1'),
      });
      expect(resolve).toHaveBeenCalledTimes(2);
      expect(server.connections()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('gives the connection every allowed address, or those of the family asked for', async () => {
    const resolve: ProbeResolver = async () => [
      { address: '203.0.113.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ];
    const lookup = guardedLookup(resolve, false);
    const all = await new Promise(r =>
      lookup('a.example.test', { all: true }, (_, addresses) => r(addresses)),
    );
    expect(all).toEqual([
      { address: '203.0.113.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    const v6 = await new Promise(r =>
      lookup('a.example.test', { family: 6 }, (_, address, family) =>
        r([address, family]),
      ),
    );
    expect(v6).toEqual(['2001:db8::10', 6]);
  });
});
