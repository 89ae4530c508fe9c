import { CacheService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** A PagerDuty answer a check can act on; anything but a number status makes it unknown. */
export type PagerDutyAnswer<T> =
  | { ok: true; body: T }
  | { ok: false; status: number; message: string }
  | { ok: false; status: 'unreachable' | 'malformed'; message: string };

/** What the check needs of a service, as cached (service id → escalation policy). */
export type PagerDutyService = {
  name: string;
  url: string | null;
  status: string | null;
  policy: { id: string; summary: string; url: string | null } | null;
};

/** Who is on call at level 1 of an escalation policy, as cached (names, never e-mails). */
export type PagerDutyOnCall = { users: string[] };

/** Options of {@link PagerDutyApi}; `now` and `sleep` are the limiter's clock (tests). */
export interface PagerDutyApiOptions {
  token?: string;
  baseUrl?: string;
  timeoutMs?: number;
  maxRequestsPerMinute?: number;
  cache: CacheService;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type CacheValue = Parameters<CacheService['set']>[1];

const SERVICE_TTL = 3_600_000;
const ONCALL_TTL = 300_000;
const DEFAULT_BACKOFF = 60_000;
const MAX_BACKOFF = 3_600_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const malformed = (message: string) =>
  ({ ok: false, status: 'malformed', message } as const);

/**
 * PagerDuty REST API v2, read with one API token, cached, spaced to `maxRequestsPerMinute`,
 * and silent while PagerDuty's `Retry-After` runs.
 */
export class PagerDutyApi {
  readonly configured: boolean;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextSlot = 0;
  private backoffUntil = 0;
  private readonly inFlight = new Map<
    string,
    Promise<PagerDutyAnswer<unknown>>
  >();

  /**
   * From `readiness.pagerduty`, falling back to the community PagerDuty plugin's
   * `pagerDuty.apiToken` / `pagerDuty.apiBaseUrl` when no readiness token is set.
   */
  static fromConfig(
    config: Config,
    cache: CacheService,
    clock?: Pick<PagerDutyApiOptions, 'now' | 'sleep'>,
  ) {
    const own = config.getOptionalString('readiness.pagerduty.apiToken');
    const baseUrl =
      config.getOptionalString('readiness.pagerduty.apiBaseUrl') ??
      (own ? undefined : config.getOptionalString('pagerDuty.apiBaseUrl'));
    return new PagerDutyApi({
      token: own ?? config.getOptionalString('pagerDuty.apiToken'),
      baseUrl,
      timeoutMs: config.getOptionalNumber('readiness.pagerduty.timeoutMs'),
      maxRequestsPerMinute: config.getOptionalNumber(
        'readiness.pagerduty.maxRequestsPerMinute',
      ),
      cache,
      ...clock,
    });
  }

  constructor(private readonly options: PagerDutyApiOptions) {
    this.configured = Boolean(options.token);
    this.baseUrl = (options.baseUrl ?? 'https://api.pagerduty.com').replace(
      /\/+$/,
      '',
    );
    this.timeoutMs = options.timeoutMs ?? 5000;
    const perMinute = options.maxRequestsPerMinute ?? 600;
    this.intervalMs = 60_000 / (perMinute > 0 ? perMinute : 600);
    this.now = options.now ?? Date.now;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** The service and its escalation policy (cached for an hour). */
  service(id: string): Promise<PagerDutyAnswer<PagerDutyService>> {
    return this.cached(`pagerduty:service:${id}`, SERVICE_TTL, async () => {
      const answer = await this.get(`/services/${encodeURIComponent(id)}`);
      if (!answer.ok) return answer;
      const service = isObject(answer.body) ? answer.body.service : undefined;
      if (!isObject(service) || !str(service.id))
        return malformed(`no service in the answer for ${id}`);
      const policy = service.escalation_policy;
      let ref: PagerDutyService['policy'] = null;
      if (isObject(policy) && str(policy.id)) {
        const policyId = policy.id as string;
        ref = {
          id: policyId,
          summary: str(policy.summary) ?? policyId,
          url: str(policy.html_url),
        };
      } else if (policy !== null) {
        return malformed(`no escalation policy field on service ${id}`);
      }
      return {
        ok: true,
        body: {
          name: str(service.name) ?? id,
          url: str(service.html_url),
          status: str(service.status),
          policy: ref,
        },
      };
    });
  }

  /** Who is on call now at level 1 of the policy (cached for five minutes). */
  onCall(policyId: string): Promise<PagerDutyAnswer<PagerDutyOnCall>> {
    return this.cached(`pagerduty:oncall:${policyId}`, ONCALL_TTL, async () => {
      const answer = await this.get(
        `/oncalls?escalation_policy_ids%5B%5D=${encodeURIComponent(
          policyId,
        )}&escalation_levels%5B%5D=1`,
      );
      if (!answer.ok) return answer;
      const oncalls = isObject(answer.body) ? answer.body.oncalls : undefined;
      if (!Array.isArray(oncalls))
        return malformed(`no oncalls list for policy ${policyId}`);
      const users = new Map<string, string>();
      for (const entry of oncalls) {
        if (!isObject(entry) || entry.escalation_level !== 1) continue;
        const user = entry.user;
        if (!isObject(user)) continue;
        const name = str(user.summary) ?? str(user.id);
        if (name) users.set(str(user.id) ?? name, name);
      }
      return { ok: true, body: { users: [...users.values()] } };
    });
  }

  /**
   * Answers from the cache, else loads once however many checks ask at the same time; only
   * real answers are cached, so an outage is asked again next time.
   */
  private cached<T>(
    key: string,
    ttl: number,
    load: () => Promise<PagerDutyAnswer<T>>,
  ): Promise<PagerDutyAnswer<T>> {
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<PagerDutyAnswer<T>>;
    const { cache } = this.options;
    const promise = (async (): Promise<PagerDutyAnswer<T>> => {
      const hit = await cache.get(key).catch(() => undefined);
      if (hit !== undefined) return { ok: true, body: hit as T };
      const answer = await load();
      if (answer.ok)
        await cache
          .set(key, answer.body as unknown as CacheValue, { ttl })
          .catch(() => undefined);
      return answer;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private rateLimited() {
    return {
      ok: false,
      status: 429,
      message: `rate limited, not asking again before ${new Date(
        this.backoffUntil,
      ).toISOString()}`,
    } as const;
  }

  private async get(path: string): Promise<PagerDutyAnswer<unknown>> {
    if (!this.options.token)
      return { ok: false, status: 'unreachable', message: 'no API token' };
    if (this.now() < this.backoffUntil) return this.rateLimited();
    const wait = this.reserveSlot();
    if (wait > 0) await this.sleep(wait);
    // A 429 may have arrived while this call waited its turn.
    if (this.now() < this.backoffUntil) return this.rateLimited();
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        headers: {
          Authorization: `Token token=${this.options.token}`,
          Accept: 'application/vnd.pagerduty+json;version=2',
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.status === 429) {
        this.backoffUntil = Math.max(
          this.backoffUntil,
          this.now() +
            retryAfterMs(
              res.headers.get('retry-after') ??
                res.headers.get('ratelimit-reset'),
            ),
        );
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) return malformed(`${path} did not answer JSON`);
      }
      if (res.ok) return { ok: true, body };
      const error = isObject(body) ? body.error : undefined;
      return {
        ok: false,
        status: res.status,
        message: String(
          (isObject(error) && str(error.message)) || res.statusText,
        ).slice(0, 200),
      };
    } catch (error) {
      return {
        ok: false,
        status: 'unreachable',
        message: String((error as Error)?.message ?? error).slice(0, 200),
      };
    }
  }

  /** Books the next free slot and returns how long to wait for it. */
  private reserveSlot() {
    const now = this.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + this.intervalMs;
    return at - now;
  }
}

/**
 * `Retry-After` in seconds or as an HTTP date, else PagerDuty's own `ratelimit-reset` (seconds),
 * bounded to an hour; a minute when neither is sent.
 */
function retryAfterMs(header: string | null) {
  if (!header) return DEFAULT_BACKOFF;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds)
    ? seconds * 1000
    : Date.parse(header) - Date.now();
  if (Number.isNaN(ms)) return DEFAULT_BACKOFF;
  return Math.min(Math.max(ms, 0), MAX_BACKOFF);
}
