import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Entity } from '@backstage/catalog-model';
import { ReadinessCheckResult } from '@prodready/plugin-readiness-node';
import {
  guardedLookup,
  InternalAddressError,
  isInternalAddress,
  ProbeResolver,
  systemResolver,
} from './addresses';
import { allowedBy, bareHost, declaredUrl, effectivePort } from './target';

/** How far probes may reach: `readiness.probes` config, plus test-only hooks. */
export interface ProbeOptions {
  /** Host patterns: `status.example.com`, `*.example.com`, `{name}.svc.example.com`. */
  allowedHosts: string[];
  /** Ports allowed besides 443 and 80. */
  allowedPorts: number[];
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  minCertDays: number;
  /** CA certificates to trust instead of the system's (tests). */
  ca?: string | Buffer;
  /** Resolver used where the connection is made (tests simulate DNS with it). */
  resolve?: ProbeResolver;
}

/** A URL the policy lets a probe read. */
export interface ProbeTarget {
  url: URL;
  /** The URL without credentials, for summaries and evidence. */
  shown: string;
  /** Let through by a `{name}` pattern: the host is the entity's own. */
  boundToEntity: boolean;
}

/** What a GET answered; `unreachable` covers DNS failures, refusals, resets and timeouts. */
export type ProbeAnswer =
  | {
      ok: true;
      status: number;
      headers: http.IncomingHttpHeaders;
      latencyMs: number;
      tls?: { authorized: boolean; error?: string; validTo?: Date };
    }
  | {
      ok: false;
      reason: 'internal' | 'certificate' | 'unreachable';
      message: string;
    };

const MAX_BODY = 64 * 1024;
const CERT_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);

function failure(error: NodeJS.ErrnoException, timeoutMs: number) {
  const code = String(error.code ?? '');
  if (error instanceof InternalAddressError)
    return {
      reason: 'internal' as const,
      message: `${error.message}: refused (readiness.probes.allowPrivateNetworks)`,
    };
  if (code.includes('CERT') || CERT_ERRORS.has(code))
    return {
      reason: 'certificate' as const,
      message: `TLS certificate not valid (${code})`,
    };
  const messages: Record<string, string> = {
    ENOTFOUND: 'DNS lookup failed',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: `no answer within ${timeoutMs} ms`,
  };
  return {
    reason: 'unreachable' as const,
    message: messages[code] ?? String(error.message).slice(0, 200),
  };
}

/**
 * Reads the URLs entities declare, within `readiness.probes`: allow-listed hosts and ports,
 * no internal addresses (checked where the socket connects), bounded time and body, no
 * redirects followed.
 */
export class Prober {
  readonly minCertDays: number;
  private readonly resolve: ProbeResolver;

  constructor(private readonly options: ProbeOptions) {
    this.minCertDays = options.minCertDays;
    this.resolve = options.resolve ?? systemResolver;
  }

  /** The entity's URL for a probe if the policy allows it, else the result to answer. */
  target(
    entity: Entity,
    linkType: string,
    annotation: string,
    protocols: string[],
  ): ProbeTarget | ReadinessCheckResult {
    if (this.options.allowedHosts.length === 0)
      return {
        outcome: 'unknown',
        summary: 'No host allowed: set readiness.probes.allowedHosts',
      };
    const declared = declaredUrl(entity, linkType, annotation);
    if ('missing' in declared)
      return { outcome: 'failed', summary: declared.missing };
    if ('malformed' in declared)
      return { outcome: 'failed', summary: declared.malformed };
    const { url, from } = declared;
    const clean = new URL(url.href);
    clean.username = '';
    clean.password = '';
    const shown = clean.href;
    if (!protocols.includes(url.protocol))
      return {
        outcome: 'failed',
        summary: `${from} must be ${protocols
          .map(p => p.replace(':', ''))
          .join(' or ')}: ${shown}`,
        url: shown,
      };
    const host = bareHost(url);
    const { allowed, boundToEntity } = allowedBy(
      host,
      this.options.allowedHosts,
      entity.metadata.name,
    );
    if (!allowed)
      return {
        outcome: 'failed',
        summary: `${host} is not on readiness.probes.allowedHosts`,
        url: shown,
      };
    const port = effectivePort(url);
    if (
      port !== 443 &&
      port !== 80 &&
      !this.options.allowedPorts.includes(port)
    )
      return {
        outcome: 'failed',
        summary: `Port ${port} is not on readiness.probes.allowedPorts`,
        url: shown,
      };
    return { url, shown, boundToEntity };
  }

  /**
   * One GET, redirects not followed. With `verifyTls: false` a certificate problem does not
   * stop the request: it is reported in `tls`, beside the headers.
   */
  get(url: URL, { verifyTls }: { verifyTls: boolean }): Promise<ProbeAnswer> {
    const { timeoutMs, allowPrivateNetworks, ca } = this.options;
    const host = bareHost(url);
    // Node does not call `lookup` for an IP literal: check it here.
    if (isIP(host) && !allowPrivateNetworks && isInternalAddress(host)) {
      const { reason, message } = failure(
        new InternalAddressError(host, host),
        timeoutMs,
      );
      return Promise.resolve({ ok: false, reason, message });
    }
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'GET',
      hostname: host,
      port: effectivePort(url),
      path: `${url.pathname}${url.search}`,
      headers: { 'user-agent': 'backstage-readiness-probe', accept: '*/*' },
      agent: false,
      lookup: guardedLookup(this.resolve, allowPrivateNetworks),
      timeout: timeoutMs,
      // Without verification the certificate is still judged (socket.authorized, below), so a
      // bad one is reported beside the headers; nothing secret is sent either way.
      ...(secure ? { ca, rejectUnauthorized: verifyTls } : {}),
    };
    return new Promise(resolve => {
      const started = performance.now();
      const state: {
        settled?: boolean;
        timer?: NodeJS.Timeout;
        req?: http.ClientRequest;
      } = {};
      const finish = (answer: ProbeAnswer) => {
        if (state.settled) return;
        state.settled = true;
        clearTimeout(state.timer);
        state.req?.destroy();
        resolve(answer);
      };
      const timeout = () =>
        finish({
          ok: false,
          reason: 'unreachable',
          message: `no answer within ${timeoutMs} ms`,
        });
      state.timer = setTimeout(timeout, timeoutMs);
      const req = (secure ? https : http).request(options, res => {
        const latencyMs = performance.now() - started;
        const socket = res.socket as TLSSocket;
        const cert = socket.encrypted ? socket.getPeerCertificate() : undefined;
        const tls = socket.encrypted
          ? {
              authorized: socket.authorized,
              error: socket.authorizationError?.toString(),
              validTo: cert?.valid_to ? new Date(cert.valid_to) : undefined,
            }
          : undefined;
        const done = () =>
          finish({
            ok: true,
            status: res.statusCode ?? 0,
            headers: res.headers,
            latencyMs,
            tls,
          });
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size >= MAX_BODY) done();
        });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      });
      state.req = req;
      req.on('timeout', timeout);
      req.on('error', error =>
        finish({ ok: false, ...failure(error, timeoutMs) }),
      );
      req.end();
    });
  }
}
