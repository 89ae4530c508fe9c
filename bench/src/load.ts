import autocannon from 'autocannon';

/** Latency and throughput of one load run. */
export interface LoadResult {
  name: string;
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

/**
 * Runs autocannon against `url` with a per-request path chosen by `nextPath`. Latencies are
 * recorded per response (autocannon's own histogram has no p95), in milliseconds.
 */
export async function load(options: {
  name: string;
  url: string;
  token: string;
  connections: number;
  duration?: number;
  amount?: number;
  /** Offered load in requests per second across all connections (open loop); unset = as fast as possible. */
  rate?: number;
  method?: 'GET' | 'PATCH' | 'POST';
  nextRequest: () => { path: string; body?: unknown };
}): Promise<LoadResult> {
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
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          // As a browser asks: large answers come compressed (autocannon counts, never inflates).
          'accept-encoding': 'gzip, deflate, br',
        },
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
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    name: options.name,
    connections: options.connections,
    durationSeconds: Math.round(seconds * 10) / 10,
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
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
