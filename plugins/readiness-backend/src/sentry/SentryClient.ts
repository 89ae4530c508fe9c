import { Config } from '@backstage/config';

/** Why a Sentry call failed; `unavailable` covers timeouts, 429/5xx after retries and network errors. @internal */
export type SentryErrorKind = 'auth' | 'unavailable' | 'bad_response';

/** A failed Sentry call. The message never contains the token. @internal */
export class SentryError extends Error {
  name = 'SentryError';
  constructor(readonly kind: SentryErrorKind, message: string) {
    super(message);
  }
}

/** Options of {@link SentryClient}. @internal */
export interface SentryClientOptions {
  baseUrl: string;
  organization: string;
  token: string;
  timeoutMs?: number | undefined;
  maxRetries?: number;
  /** How long a successful answer is reused across check runs. */
  cacheTtlMs?: number | undefined;
  /** Longest Retry-After honoured; longer waits give up as unavailable. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/**
 * Minimal client for the documented Sentry REST API (`/api/0/...`), used by the readiness
 * checks. The token stays in the backend. Retries 429 (honouring Retry-After) and 5xx with
 * exponential backoff, times out slow calls, and caches answers between check runs.
 * @internal
 */
export class SentryClient {
  private readonly cache = new Map<string, { at: number; value: unknown }>();
  private readonly o: Required<SentryClientOptions>;

  constructor(options: SentryClientOptions) {
    this.o = {
      timeoutMs: 5_000,
      maxRetries: 3,
      cacheTtlMs: 10 * 60_000,
      maxRetryAfterMs: 60_000,
      sleep: defaultSleep,
      // Unset options keep their defaults.
      ...Object.fromEntries(
        Object.entries(options).filter(([, v]) => v !== undefined),
      ),
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    } as Required<SentryClientOptions>;
  }

  /** From `readiness.sentry`; undefined when no token is configured. */
  static fromConfig(config: Config): SentryClient | undefined {
    const c = config.getOptionalConfig('readiness.sentry');
    const token = c?.getOptionalString('token');
    if (!c || !token) return undefined;
    const minutes = c.getOptionalNumber('cacheTtlMinutes');
    return new SentryClient({
      baseUrl: c.getOptionalString('baseUrl') ?? 'https://sentry.io',
      organization: c.getString('organization'),
      token,
      timeoutMs: c.getOptionalNumber('timeoutMs'),
      cacheTtlMs: minutes === undefined ? undefined : minutes * 60_000,
    });
  }

  /** Link to the project in the Sentry UI. */
  projectUrl(slug: string): string {
    return `${this.o.baseUrl}/organizations/${encodeURIComponent(
      this.o.organization,
    )}/projects/${encodeURIComponent(slug)}/`;
  }

  /** The project, or undefined when Sentry says it does not exist. */
  async getProject(
    slug: string,
  ): Promise<{ id: string; slug: string; name: string } | undefined> {
    return this.get(
      `/api/0/projects/${this.org()}/${encodeURIComponent(slug)}/`,
      true,
    );
  }

  /** Events received by the project in the last 24 hours (hourly project stats). */
  async eventsLast24h(slug: string, now = new Date()): Promise<number> {
    const since = Math.floor(now.getTime() / 1000) - 24 * 3600;
    // Bucket `since` to the hour so cached answers are reused within a run.
    const bucket = since - (since % 3600);
    const body = await this.get<Array<[number, number]>>(
      `/api/0/projects/${this.org()}/${encodeURIComponent(
        slug,
      )}/stats/?stat=received&resolution=1h&since=${bucket}`,
    );
    if (
      !Array.isArray(body) ||
      !body.every(p => Array.isArray(p) && typeof p[1] === 'number')
    ) {
      throw new SentryError(
        'bad_response',
        'Sentry stats response is not a list of [timestamp, count]',
      );
    }
    return body.reduce((sum, [, n]) => sum + n, 0);
  }

  /** Unresolved issues of the project (counted up to 100, the page size). */
  async unresolvedIssues(slug: string): Promise<number> {
    const body = await this.get<unknown[]>(
      `/api/0/projects/${this.org()}/${encodeURIComponent(
        slug,
      )}/issues/?query=${encodeURIComponent('is:unresolved')}&limit=100`,
    );
    if (!Array.isArray(body)) {
      throw new SentryError(
        'bad_response',
        'Sentry issues response is not a list',
      );
    }
    return body.length;
  }

  private org() {
    return encodeURIComponent(this.o.organization);
  }

  private async get<T>(path: string, notFoundIsUndefined = false): Promise<T> {
    const cached = this.cache.get(path);
    if (cached && Date.now() - cached.at < this.o.cacheTtlMs)
      return cached.value as T;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.o.baseUrl}${path}`, {
          headers: {
            Authorization: `Bearer ${this.o.token}`,
            Accept: 'application/json',
          },
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (error) {
        if (attempt < this.o.maxRetries) {
          await this.o.sleep(this.backoff(attempt));
          continue;
        }
        const timedOut = (error as Error).name === 'TimeoutError';
        throw new SentryError(
          'unavailable',
          timedOut
            ? `Sentry did not answer within ${this.o.timeoutMs} ms`
            : `Sentry is unreachable: ${(error as Error).message}`,
        );
      }
      if (res.status === 429 || res.status >= 500) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const wait =
          res.status === 429 && retryAfter > 0
            ? retryAfter * 1000
            : this.backoff(attempt);
        await res.body?.cancel();
        if (attempt < this.o.maxRetries && wait <= this.o.maxRetryAfterMs) {
          await this.o.sleep(wait);
          continue;
        }
        throw new SentryError(
          'unavailable',
          `Sentry answered ${res.status} after ${attempt + 1} attempt(s)`,
        );
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new SentryError(
          'auth',
          `Sentry rejected the token (${res.status}); check readiness.sentry.token`,
        );
      }
      if (res.status === 404 && notFoundIsUndefined) {
        await res.body?.cancel();
        this.cache.set(path, { at: Date.now(), value: undefined });
        return undefined as T;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new SentryError(
          'bad_response',
          `Sentry answered ${res.status} for ${path.split('?')[0]}`,
        );
      }
      let value: T;
      try {
        value = (await res.json()) as T;
      } catch {
        throw new SentryError(
          'bad_response',
          `Sentry sent malformed JSON for ${path.split('?')[0]}`,
        );
      }
      this.cache.set(path, { at: Date.now(), value });
      return value;
    }
  }

  private backoff(attempt: number) {
    return Math.min(200 * 2 ** attempt, 5_000);
  }
}
