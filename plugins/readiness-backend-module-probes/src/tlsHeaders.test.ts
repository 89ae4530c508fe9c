import { X509Certificate } from 'node:crypto';
import { Entity } from '@backstage/catalog-model';
import { ReadinessCheckContext } from '@prodready/plugin-readiness-node';
import { Prober, ProbeOptions } from './Prober';
import { tlsHeadersCheck } from './checks';
import {
  closedPort,
  entity,
  goodHeaders,
  localServer,
  testCert,
} from './__fixtures__/servers';

const now = new Date('2026-11-27T12:00:00Z');
const validTo = new Date(new X509Certificate(testCert).validTo);
const DAY = 86_400_000;

/** Every *.example.test name resolves to the local test server. */
const loopback = async () => [{ address: '127.0.0.1', family: 4 }];

const prober = (port: number, options: Partial<ProbeOptions> = {}) =>
  new Prober({
    allowedHosts: ['{name}.svc.example.test', 'shared.example.test'],
    allowedPorts: [port],
    allowPrivateNetworks: true,
    timeoutMs: 2000,
    minCertDays: 14,
    ca: testCert,
    resolve: loopback,
    ...options,
  });

const run = (p: Prober, e: Entity, at = now) =>
  tlsHeadersCheck(p).run({ entity: e, now: at } as ReadinessCheckContext);

const website = (url: string) => entity({ links: [{ type: 'website', url }] });

describe('probe-tls-headers', () => {
  it('passes on https with a trusted certificate and the three headers; a {name} host is verified', async () => {
    const server = await localServer({ tls: true, headers: goodHeaders });
    try {
      const url = `https://payments.svc.example.test:${server.port}/`;
      expect(await run(prober(server.port), website(url))).toEqual({
        outcome: 'passed',
        summary:
          'Certificate valid until 2126-11-03; HSTS max-age 31536000, nosniff and a CSP set',
        url,
        trust: 'verified',
      });
      expect(server.seen).toEqual(['/']);
    } finally {
      server.close();
    }
  });

  it('passes as claimed through a host every service may use', async () => {
    const server = await localServer({ tls: true, headers: goodHeaders });
    try {
      const result = await run(
        prober(server.port),
        website(`https://shared.example.test:${server.port}/`),
      );
      expect(result).toMatchObject({
        outcome: 'passed',
        trust: 'claimed',
        summary: expect.stringContaining('claimed'),
      });
    } finally {
      server.close();
    }
  });

  it.each([
    ['no HSTS', { ...goodHeaders, 'Strict-Transport-Security': '' }, 'no HSTS'],
    [
      'a short HSTS',
      { ...goodHeaders, 'Strict-Transport-Security': 'max-age=300' },
      'HSTS max-age 300 is under 15552000 (180 days)',
    ],
    [
      'HSTS without max-age',
      { ...goodHeaders, 'Strict-Transport-Security': 'includeSubDomains' },
      'HSTS without a max-age',
    ],
    [
      'no nosniff',
      { ...goodHeaders, 'X-Content-Type-Options': '' },
      'no X-Content-Type-Options: nosniff',
    ],
    [
      'no CSP',
      { ...goodHeaders, 'Content-Security-Policy': ' ' },
      'CSP missing',
    ],
    ['nothing', {}, 'no HSTS; no X-Content-Type-Options: nosniff; CSP missing'],
  ])('fails with %s, naming each missing item', async (_, headers, summary) => {
    const server = await localServer({ tls: true, headers });
    try {
      const url = `https://payments.svc.example.test:${server.port}/`;
      expect(await run(prober(server.port), website(url))).toEqual({
        outcome: 'failed',
        summary,
        url,
      });
    } finally {
      server.close();
    }
  });

  it('fails when the certificate expires within minCertDays, or has expired', async () => {
    const server = await localServer({ tls: true, headers: goodHeaders });
    try {
      const e = website(`https://payments.svc.example.test:${server.port}/`);
      const soon = new Date(validTo.getTime() - 9.5 * DAY);
      expect(await run(prober(server.port), e, soon)).toMatchObject({
        outcome: 'failed',
        summary: 'certificate expires in 9 days (2126-11-03)',
      });
      const after = new Date(validTo.getTime() + DAY);
      expect(await run(prober(server.port), e, after)).toMatchObject({
        outcome: 'failed',
        summary: 'certificate expired on 2126-11-03',
      });
      const enough = new Date(validTo.getTime() - 15 * DAY);
      expect((await run(prober(server.port), e, enough)).outcome).toBe(
        'passed',
      );
    } finally {
      server.close();
    }
  });

  it('fails on an untrusted certificate or one for another name, listing it with the missing headers', async () => {
    const server = await localServer({ tls: true, headers: {} });
    try {
      const result = await run(
        prober(server.port, { ca: undefined }),
        website(`https://payments.svc.example.test:${server.port}/`),
      );
      expect(result).toMatchObject({
        outcome: 'failed',
        summary:
          'no HSTS; no X-Content-Type-Options: nosniff; CSP missing; certificate not valid (DEPTH_ZERO_SELF_SIGNED_CERT)',
      });
      const otherName = await run(
        prober(server.port, { allowedHosts: ['*.example.test'] }),
        website(`https://deep.payments.example.test:${server.port}/`),
      );
      expect(otherName).toMatchObject({
        outcome: 'failed',
        summary: expect.stringContaining(
          'certificate not valid (ERR_TLS_CERT_ALTNAME_INVALID)',
        ),
      });
    } finally {
      server.close();
    }
  });

  it('fails on an http URL without requesting it', async () => {
    const server = await localServer({ headers: goodHeaders });
    try {
      const url = `http://payments.svc.example.test:${server.port}/`;
      expect(await run(prober(server.port), website(url))).toEqual({
        outcome: 'failed',
        summary: `the website link must be https: ${url}`,
        url,
      });
      expect(server.connections()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('reads the website link before the annotation, and names a malformed annotation', async () => {
    const linked = await localServer({ tls: true, headers: goodHeaders });
    const annotated = await localServer({ tls: true, headers: goodHeaders });
    try {
      const both = entity({
        links: [
          { type: 'docs', url: 'https://docs.example.test/' },
          {
            type: 'website',
            url: `https://payments.svc.example.test:${linked.port}/home`,
          },
        ],
        annotations: {
          'readiness/probe-url': `https://payments.svc.example.test:${annotated.port}/`,
        },
      });
      const p = prober(linked.port, {
        allowedPorts: [linked.port, annotated.port],
      });
      expect((await run(p, both)).outcome).toBe('passed');
      expect(linked.seen).toEqual(['/home']);
      expect(annotated.connections()).toBe(0);

      const malformed = entity({
        annotations: { 'readiness/probe-url': 'payments.example.test' },
      });
      expect(await run(p, malformed)).toEqual({
        outcome: 'failed',
        summary:
          'the readiness/probe-url annotation is not a valid URL: payments.example.test',
      });
      expect(await run(p, entity())).toEqual({
        outcome: 'failed',
        summary: 'No link of type website or readiness/probe-url annotation',
      });
    } finally {
      linked.close();
      annotated.close();
    }
  });

  it('is unknown when the service does not answer: the certificate and headers are not known', async () => {
    const port = await closedPort();
    const hanging = await localServer({ tls: true, hang: true });
    try {
      const refused = await run(
        prober(port),
        website(`https://payments.svc.example.test:${port}/`),
      );
      expect(refused).toEqual({
        outcome: 'unknown',
        summary: `Could not probe payments.svc.example.test:${port}: connection refused`,
      });
      const slow = await run(
        prober(hanging.port, { timeoutMs: 200 }),
        website(`https://payments.svc.example.test:${hanging.port}/`),
      );
      expect(slow).toEqual({
        outcome: 'unknown',
        summary: `Could not probe payments.svc.example.test:${hanging.port}: no answer within 200 ms`,
      });
      expect(hanging.seen).toEqual(['/']);
    } finally {
      hanging.close();
    }
  });
});
