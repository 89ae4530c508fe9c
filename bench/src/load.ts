import autocannon from 'autocannon';
import http from 'node:http';
import { finished } from 'node:stream';

/** Latency and throughput of one load run. */
export interface LoadResult {
  name: string;
  /** Requests offered (open loop only); every one answered is `requests === offered`. */
  offered?: number;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  statusCounts: Record<string, number>;
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** One load run's settings. */
export interface LoadOptions {
  name: string;
  url: string;
  token: string;
  connections: number;
  duration?: number;
  amount?: number;
  /**
   * Offered load in requests per second, evenly spaced (open loop, see {@link openLoop});
   * unset = as fast as `connections` allow (closed loop, autocannon).
   */
  rate?: number;
  /**
   * Offer `rate` as autocannon does (`overallRate`, the method of runs before 2026-11-28):
   * each second's requests in one burst, for comparison only.
   */
  bursts?: boolean;
  method?: 'GET' | 'PATCH' | 'POST';
  nextRequest: () => { path: string; body?: unknown };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A run's count, rate and latency percentiles from its answered requests' latencies. */
const summarize = (latencies: number[], seconds: number) => ({
  durationSeconds: Math.round(seconds * 10) / 10,
  requests: latencies.length,
  requestsPerSecond: Math.round(latencies.length / seconds),
  p50: round(percentile(latencies, 50)),
  p95: round(percentile(latencies, 95)),
  p99: round(percentile(latencies, 99)),
  max: latencies.length ? round(Math.max(...latencies)) : NaN,
});

/** The headers every run sends: the bench user's token, and what a browser accepts. */
const headersFor = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  // As a browser asks: large answers come compressed (the client counts, never inflates).
  'accept-encoding': 'gzip, deflate, br',
});

/**
 * Runs a load against `url` with a per-request path chosen by `nextRequest`: at an offered
 * `rate` with {@link openLoop}, else as fast as possible with autocannon. Latencies are
 * recorded per response (autocannon's own histogram has no p95), in milliseconds.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.rate && !options.bursts) return openLoop(options);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.rate ? { overallRate: options.rate } : {}),
        ...(options.amount
          ? { amount: options.amount }
          : { duration: options.duration ?? 10 }),
        headers: headersFor(options.token),
        requests: [
          {
            method: options.method ?? 'GET',
            setupRequest: req => {
              const next = options.nextRequest();
              return {
                ...req,
                path: next.path,
                ...(next.body === undefined
                  ? {}
                  : { body: JSON.stringify(next.body) }),
              };
            },
          },
        ],
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
  const seconds = (Date.now() - started) / 1000;
  return {
    name: options.name,
    connections: options.connections,
    ...summarize(latencies, seconds),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCounts,
  };
}

/**
 * An offered load: request i is due at start + i / rate, whether or not earlier ones have
 * answered, over at most `connections` keep-alive sockets, and its latency runs from when it
 * was due (so a request that waited for a free socket counts its wait: no coordinated
 * omission). Failed requests count as errors, not latencies. autocannon's `overallRate`
 * cannot do this: each connection sends its share of a second back to back when the second
 * starts (mcollina/autocannon#174), so "500 req/s" arrives as a burst every second, and a
 * request is timed from when its connection sent it, not from when it was due.
 */
export async function openLoop(options: LoadOptions): Promise<LoadResult> {
  const rate = options.rate!;
  const total = options.amount ?? Math.round(rate * (options.duration ?? 10));
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.connections,
  });
  const headers = headersFor(options.token);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let non2xx = 0;
  const send = (due: number) =>
    new Promise<void>(resolve => {
      // Timed from when it was due, or from when it went out if a timer fired early.
      const from = Math.min(due, performance.now());
      let settled = false;
      const settle = (ok: boolean, code?: number) => {
        if (settled) return;
        settled = true;
        if (ok) {
          latencies.push(performance.now() - from);
          statusCounts[code!] = (statusCounts[code!] ?? 0) + 1;
          if (code! < 200 || code! >= 300) non2xx++;
        } else {
          errors++;
        }
        resolve();
      };
      const next = options.nextRequest();
      const body =
        next.body === undefined ? undefined : JSON.stringify(next.body);
      const req = http.request(
        new URL(next.path, options.url),
        { method: options.method ?? 'GET', headers, agent, timeout: 30_000 },
        res => {
          res.resume();
          // A connection dropped mid-answer ends no response: it is an error, not a hang.
          finished(res, error =>
            settle(!error && res.complete, res.statusCode ?? 0),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => settle(false));
      req.end(body);
    });
  const start = performance.now();
  const interval = 1000 / rate;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    // Timers fire late by up to a millisecond or so; requests already due go out together.
    if (wait > 1) await new Promise(r => setTimeout(r, wait));
    pending.push(send(due));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    name: options.name,
    offered: total,
    connections: options.connections,
    ...summarize(latencies, seconds),
    errors,
    non2xx,
    statusCounts,
  };
}

/** Times sequential requests (e.g. paging through a list) and reports their latencies. */
export async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}
