import { CacheService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  GithubIntegrationConfig,
  ScmIntegrations,
} from '@backstage/integration';

/** The standard annotation naming an entity's GitHub repository (`owner/name`). */
export const GITHUB_PROJECT_SLUG = 'github.com/project-slug';

/** A GitHub answer the check can act on; `unreachable` makes the check answer unknown. */
export type GithubAnswer<T> =
  | { ok: true; body: T; status: number }
  | { ok: false; status: number; message: string }
  | { ok: false; status: 'unreachable'; message: string };

/** A repository a check reads, with the API and credentials to read it. */
export interface GithubRepo {
  owner: string;
  name: string;
  webUrl: string;
  /** GET `path`; `pick` keeps only what the check reads (that is what is cached). */
  get<T>(path: string, pick?: (body: any) => T): Promise<GithubAnswer<T>>;
  /** The default branch, cached an hour. */
  defaultBranch(): Promise<GithubAnswer<string>>;
}

/**
 * GitHub access through Backstage's integrations config: the entity's repository from
 * `github.com/project-slug`, which must be the repository the entity is registered from
 * (unless `readiness.github.requireSourceRepo: false`); a token or GitHub App credentials from
 * `integrations.github`.
 */
export class GithubApi {
  private readonly credentials: DefaultGithubCredentialsProvider;
  /** Until when GitHub asked us to stop (429, or 403 with the rate limit spent). */
  private pausedUntil = 0;

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly timeoutMs: number,
    private readonly requireSourceRepo = true,
    /** Keeps ETags and bodies, so an unchanged answer is a 304 that costs no rate limit. */
    private readonly cache?: CacheService,
    private readonly clock: () => number = Date.now,
  ) {
    this.credentials =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  /**
   * The entity's repository, `missing` when it names none, or `unconfigured` when no GitHub
   * integration covers its host.
   */
  repoOf(
    entity: Entity,
  ): GithubRepo | 'missing' | 'unconfigured' | { unproven: string } {
    const slug = entity.metadata.annotations?.[GITHUB_PROJECT_SLUG];
    const m = slug ? /^([\w.-]{1,100})\/([\w.-]{1,100})$/.exec(slug) : null;
    if (!m || /^\.+$/.test(m[1]) || /^\.+$/.test(m[2])) return 'missing';
    const source = this.sourceRepo(entity);
    if (source && !this.integrations.github.byHost(source.host))
      return 'unconfigured';
    // The annotation is the team's word: pointed at someone else's green repository it would
    // prove nothing. The catalog sets managed-by-location from where the entity is registered.
    if (this.requireSourceRepo) {
      if (!source)
        return {
          unproven: `${entity.metadata.name} is not registered from a GitHub repository, so the repository it names is only the team's word`,
        };
      if (
        `${source.owner}/${source.name}`.toLowerCase() !== slug!.toLowerCase()
      )
        return {
          unproven: `${GITHUB_PROJECT_SLUG} names ${slug}, but the entity is registered from ${source.owner}/${source.name}`,
        };
    }
    const host = source?.host ?? 'github.com';
    const integration = this.integrations.github.byHost(host);
    if (!integration?.config.apiBaseUrl) return 'unconfigured';
    const [, owner, name] = m;
    const webUrl = `https://${host}/${owner}/${name}`;
    return {
      owner,
      name,
      webUrl,
      get: (path, pick) =>
        this.get(
          integration.config,
          webUrl,
          `/repos/${owner}/${name}${path}`,
          pick,
        ),
      defaultBranch: () =>
        this.defaultBranch(
          integration.config,
          webUrl,
          `/repos/${owner}/${name}`,
        ),
    };
  }

  /**
   * The GitHub repository the entity was registered from, if any. Read from
   * `backstage.io/managed-by-location`, which the catalog always sets itself: a team's
   * catalog-info.yaml can set `backstage.io/managed-by-location` (the catalog keeps an entity's
   * own value there), so that one would prove nothing.
   */
  private sourceRepo(entity: Entity) {
    const location =
      entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? '';
    const m =
      /^url:https?:\/\/([^/\s]{1,253})\/([\w.-]{1,100})\/([\w.-]{1,100})(?:[/?#]|$)/.exec(
        location,
      );
    // `.` and `..` are path segments, not repositories (`acme/green/../../team/x`).
    if (!m || /^\.+$/.test(m[2]) || /^\.+$/.test(m[3])) return undefined;
    return { host: m[1], owner: m[2], name: m[3].replace(/\.git$/, '') };
  }

  /**
   * The repository's default branch, kept an hour: it rarely changes, and every check of a
   * cycle needs it (one request per repository an hour instead of one per check).
   */
  private async defaultBranch(
    config: GithubIntegrationConfig,
    webUrl: string,
    path: string,
  ): Promise<GithubAnswer<string>> {
    const key = `branch:${config.apiBaseUrl}${path}`;
    const known = await this.cache?.get(key);
    if (typeof known === 'string')
      return { ok: true, status: 200, body: known };
    const meta = await this.get<{ default_branch?: unknown }>(
      config,
      webUrl,
      path,
    );
    if (!meta.ok) return meta;
    const branch = meta.body?.default_branch;
    if (typeof branch !== 'string' || !branch)
      return {
        ok: false,
        status: 'unreachable',
        message: 'no default_branch in the repository answer',
      };
    await this.cache?.set(key, branch, { ttl: { hours: 1 } });
    return { ok: true, status: 200, body: branch };
  }

  /** Honours `Retry-After` (seconds) or `x-ratelimit-reset` (epoch seconds); 60 s otherwise. */
  private pauseFor(headers: Headers) {
    const retryAfter = Number(headers.get('retry-after'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    let until = this.clock() + 60_000;
    if (retryAfter > 0) until = this.clock() + retryAfter * 1000;
    else if (reset > 0) until = reset * 1000;
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private async get<T>(
    config: GithubIntegrationConfig,
    webUrl: string,
    path: string,
    pick: (body: any) => T = body => body,
  ): Promise<GithubAnswer<T>> {
    if (this.clock() < this.pausedUntil)
      return {
        ok: false,
        status: 'unreachable',
        message: `rate limited by GitHub until ${new Date(
          this.pausedUntil,
        ).toISOString()}`,
      };
    const url = `${config.apiBaseUrl}${path}`;
    try {
      const { headers, token } = await this.credentials.getCredentials({
        url: webUrl,
      });
      // Anonymous calls see only public repositories, at 60 an hour: not a basis for proof.
      if (!token)
        return {
          ok: false,
          status: 'unreachable',
          message: `no GitHub token or app configured for ${
            new URL(webUrl).host
          }`,
        };
      const cached = (await this.cache?.get(url)) as
        | { etag: string; body: T }
        | undefined;
      const res = await fetch(url, {
        headers: {
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          ...(cached ? { 'If-None-Match': cached.etag } : {}),
          ...headers,
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.status === 304 && cached)
        return { ok: true, status: 200, body: cached.body };
      if (res.ok) {
        const body = pick(await res.json());
        const etag = res.headers.get('etag');
        if (etag && this.cache)
          await this.cache.set(
            url,
            { etag, body } as Parameters<CacheService['set']>[1],
            {
              ttl: { hours: 24 },
            },
          );
        return { ok: true, status: res.status, body };
      }
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      const message = String(body?.message ?? res.statusText).slice(0, 200);
      if (
        res.status === 429 ||
        (res.status === 403 &&
          (res.headers.get('x-ratelimit-remaining') === '0' ||
            res.headers.has('retry-after') ||
            /secondary rate limit/i.test(message)))
      ) {
        this.pauseFor(res.headers);
        return { ok: false, status: 429, message };
      }
      return { ok: false, status: res.status, message };
    } catch (error) {
      return {
        ok: false,
        status: 'unreachable',
        message: String((error as Error)?.message ?? error).slice(0, 200),
      };
    }
  }
}
