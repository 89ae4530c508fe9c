import { IncomingHttpHeaders } from 'node:http';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  ReadinessCheckResult,
} from '@prodready/plugin-readiness-node';
import { Prober, ProbeTarget } from './Prober';
import { ANNOTATION_HEALTH_URL, ANNOTATION_PROBE_URL } from './target';

const DAY = 86_400_000;
/** 180 days, the least HSTS max-age worth having (and what scanners ask for). */
const MIN_HSTS_MAX_AGE = 15_552_000;

const unknown = (summary: string) => ({ outcome: 'unknown' as const, summary });
const failed = (summary: string, url?: string) => ({
  outcome: 'failed' as const,
  summary,
  ...(url ? { url } : {}),
});

/** A pass; through a host shared by every service it is only the team's word. */
function passed(summary: string, target: ProbeTarget): ReadinessCheckResult {
  return target.boundToEntity
    ? { outcome: 'passed', summary, url: target.shown, trust: 'verified' }
    : {
        outcome: 'passed',
        summary: `${summary} (claimed: the allowed host is not bound to the service by a {name} pattern)`,
        url: target.shown,
        trust: 'claimed',
      };
}

/** Nothing escapes `run`: an unexpected error is an unknown, not a verdict. */
function safely(
  run: (context: ReadinessCheckContext) => Promise<ReadinessCheckResult>,
) {
  return async (context: ReadinessCheckContext) => {
    try {
      return await run(context);
    } catch (error) {
      return unknown(`Probe error: ${String(error).slice(0, 200)}`);
    }
  };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(', ') : value ?? '').trim();
}

/** The HSTS max-age in seconds, if the header has one. */
function hstsMaxAge(value: string): number | undefined {
  const directive = value
    .split(';')
    .map(d => d.split('=').map(part => part.trim()))
    .find(([key]) => key.toLowerCase() === 'max-age');
  const seconds = Number(directive?.[1]?.replaceAll('"', '') || NaN);
  return Number.isInteger(seconds) ? seconds : undefined;
}

/**
 * `probe-tls-headers`: the service's URL is https, its certificate is trusted and valid for
 * `minCertDays` more days, and the response sets HSTS (max-age at least 180 days),
 * `X-Content-Type-Options: nosniff` and a Content-Security-Policy.
 */
export function tlsHeadersCheck(prober: Prober): ReadinessCheck {
  return {
    id: 'probe-tls-headers',
    title: 'TLS certificate valid and security headers set',
    source: 'probe',
    run: safely(async ({ entity, now }) => {
      const target = prober.target(entity, 'website', ANNOTATION_PROBE_URL, [
        'https:',
      ]);
      if ('outcome' in target) return target;
      const answer = await prober.get(target.url, { verifyTls: false });
      if (!answer.ok && answer.reason === 'unreachable')
        return unknown(`Could not probe ${target.url.host}: ${answer.message}`);
      if (!answer.ok) return failed(answer.message, target.shown);

      const problems: string[] = [];
      const hsts = header(answer.headers, 'strict-transport-security');
      const maxAge = hstsMaxAge(hsts);
      if (!hsts) problems.push('no HSTS');
      else if (maxAge === undefined) problems.push('HSTS without a max-age');
      else if (maxAge < MIN_HSTS_MAX_AGE)
        problems.push(
          `HSTS max-age ${maxAge} is under ${MIN_HSTS_MAX_AGE} (180 days)`,
        );
      const nosniff = header(answer.headers, 'x-content-type-options');
      if (!nosniff) problems.push('no X-Content-Type-Options: nosniff');
      else if (nosniff.toLowerCase() !== 'nosniff')
        problems.push(`X-Content-Type-Options is ${nosniff}, not nosniff`);
      if (!header(answer.headers, 'content-security-policy'))
        problems.push('CSP missing');

      const tls = answer.tls;
      if (!tls?.authorized)
        problems.push(
          `certificate not valid (${tls?.error ?? 'not verified'})`,
        );
      const validTo = tls?.validTo;
      const left = validTo ? validTo.getTime() - now.getTime() : NaN;
      const date = validTo?.toISOString().slice(0, 10);
      if (!validTo || Number.isNaN(left))
        problems.push('certificate expiry unknown');
      else if (left <= 0) problems.push(`certificate expired on ${date}`);
      else if (left < prober.minCertDays * DAY)
        problems.push(
          `certificate expires in ${Math.floor(left / DAY)} days (${date})`,
        );

      if (problems.length > 0) return failed(problems.join('; '), target.shown);
      return passed(
        `Certificate valid until ${date}; HSTS max-age ${maxAge}, nosniff and a CSP set`,
        target,
      );
    }),
  };
}

/**
 * `probe-health`: the service's health URL answers 2xx within the timeout, without
 * following a redirect. An endpoint that does not answer fails: that is the fact to record.
 */
export function healthCheck(prober: Prober): ReadinessCheck {
  return {
    id: 'probe-health',
    title: 'Health endpoint answers',
    source: 'probe',
    run: safely(async ({ entity }) => {
      const target = prober.target(entity, 'health', ANNOTATION_HEALTH_URL, [
        'http:',
        'https:',
      ]);
      if ('outcome' in target) return target;
      const answer = await prober.get(target.url, { verifyTls: true });
      if (!answer.ok)
        return failed(`${target.shown}: ${answer.message}`, target.shown);
      const { status, latencyMs, headers } = answer;
      if (status >= 200 && status < 300)
        return passed(
          `Health endpoint answered ${status} in ${Math.round(latencyMs)} ms`,
          target,
        );
      if (status >= 300 && status < 400) {
        const location = header(headers, 'location');
        let to = 'nowhere';
        try {
          if (location) to = new URL(location, target.url).host;
        } catch {
          // a Location that is not a URL: nowhere we could name
        }
        return failed(
          `Health endpoint answered ${status}, a redirect to ${to} (not followed)`,
          target.shown,
        );
      }
      return failed(`Health endpoint answered ${status}`, target.shown);
    }),
  };
}
