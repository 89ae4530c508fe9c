import {
  BackstageCredentials,
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  RollupGroup,
  RollupQuery,
  ServiceFilters,
  ServicesQuery,
} from '@prodready/plugin-readiness-common';
import {
  decodeBlockerCursor,
  decodeEvidenceCursor,
  encodeBlockerCursor,
  encodeEvidenceCursor,
} from '../database/cursor';
import { ReadModelStore } from '../database/ReadModelStore';
import { ScoreStore } from '../database/ScoreStore';
import { BoundedCache } from './BoundedCache';
import { CatalogAccess } from './CatalogAccess';
import { stableStringify } from './entities';

/** Rollup groups this replica keeps in the cache at once, across queries. */
const ROLLUP_GROUPS_HELD_MAX = 20_000;
/** Whole-catalog figures (one per figure and filters) this replica keeps in the cache at once. */
const FIGURES_HELD_MAX = 1000;
/** How long the rollup generation outlives its last write (far beyond any rollup TTL). */
const GENERATION_TTL_MS = 24 * 60 * 60 * 1000;
/** Whole-catalog rollup answers this replica keeps as objects (see `OrgReadModel.held`). */
const ROLLUPS_HELD_LOCALLY_MAX = 32;
/** Trend points (days, across filter combinations) this replica keeps in the cache at once. */
const TREND_POINTS_HELD_MAX = 20_000;
const DAY_MS = 86_400_000;

/** One day of the org trend. */
export interface TrendPoint {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  average: number;
  services: number;
  ready: number;
}

/** A rollup answer and whether it is the one shared by every whole-catalog caller. */
export interface RollupRead {
  groups: RollupGroup[];
  /**
   * True for a whole-catalog answer: the same array is handed to every such caller until
   * scores change or its time is up, so the HTTP layer may encode it once.
   */
  shared: boolean;
}

/**
 * The org read model: rollups by owner, system, domain or group, the services list,
 * blockers, trend and expiring evidence, each filtered to what the caller may see.
 * @internal
 */
export class OrgReadModel {
  /**
   * Rollups for callers who see the whole catalog (restricted callers are never cached),
   * keyed `all|<query with sorted keys>`, kept `readiness.rollupCacheSeconds` (15 s; 0
   * turns it off), at most 20 000 groups across queries per replica. Each entry carries
   * the generation it was computed in and counts only while that is still current.
   */
  private readonly rollups: BoundedCache<{
    generation: string;
    /** When the entry's TTL ends (epoch ms), so replicas hold it no longer. */
    until?: number;
    groups: RollupGroup[];
  }>;
  /**
   * The rollup generation, one key, replaced after every score write (`scoresChanged`): in
   * a shared store (redis, valkey, memcache) a write on any replica drops every replica's
   * rollups; in the memory store, this replica's.
   */
  private readonly generations: BoundedCache<string>;
  /**
   * Whole-catalog figures that any score write changes, for callers who see the whole
   * catalog, keyed `<figure>|<filters with sorted keys>`, kept and dropped like rollups: the
   * services list's and the blockers list's `total` (later pages carry it in their cursor)
   * and today's trend point. Each costs more than the page it comes with (about 90–160 ms
   * at 50 000 services).
   */
  private readonly figures: BoundedCache<{
    generation: string;
    value: unknown;
  }>;
  /**
   * Rollup queries running now, so concurrent identical reads share one query: per-replica
   * coalescing, not a cache; an entry is deleted when its query settles or scores change.
   */
  private readonly inflight = new Map<string, Promise<RollupGroup[]>>();
  /**
   * Generation replacements under way on this replica: while one is, rollups skip the
   * cache, so this replica never serves a rollup from before its own committed write.
   */
  private replacing = 0;
  /**
   * The shared cache's rollups as this replica last read or computed them, keyed as there,
   * at most 32: a hit hands out the same array (no parsing of a cached copy per read), so
   * the HTTP layer serialises and gzips each answer once. Valid only with the current
   * generation and within the rollup TTL.
   */
  private readonly held = new Map<
    string,
    { generation: string; until: number; groups: RollupGroup[] }
  >();
  /** The groups in `held`, plus one per answer. */
  private heldWeight = 0;
  /**
   * The past days of whole-catalog trends, keyed `all|<filters>|<first day>|<today>`, kept
   * `readiness.trendCacheSeconds` (3600; 0 turns it off), at most 20 000 points per replica.
   * Score writes do not drop them: they change only today, which is read live.
   */
  private readonly trends: BoundedCache<TrendPoint[]>;
  /** Snapshot queries of the trend running now, so concurrent identical reads share one. */
  private readonly inflightTrends = new Map<string, Promise<TrendPoint[]>>();

  constructor(
    private readonly deps: {
      readModel: ReadModelStore;
      scores: ScoreStore;
      catalog: CatalogAccess;
      cache: CacheService;
      logger: LoggerService;
      rollupTtlMs: number;
      /** `readiness.trendCacheSeconds` (3600) in ms; 0 turns the trend cache off. */
      trendTtlMs: number;
    },
  ) {
    this.trends = new BoundedCache(deps.cache, {
      prefix: 'service:trend:',
      ttlMs: deps.trendTtlMs,
      maxWeight: TREND_POINTS_HELD_MAX,
      logger: deps.logger,
    });
    this.rollups = new BoundedCache(deps.cache, {
      prefix: 'service:rollup:',
      ttlMs: deps.rollupTtlMs,
      maxWeight: ROLLUP_GROUPS_HELD_MAX,
      logger: deps.logger,
    });
    this.figures = new BoundedCache(deps.cache, {
      prefix: 'service:org-figure:',
      ttlMs: deps.rollupTtlMs,
      maxWeight: FIGURES_HELD_MAX,
      logger: deps.logger,
    });
    this.generations = new BoundedCache(deps.cache, {
      prefix: 'service:rollup-generation:',
      ttlMs: GENERATION_TTL_MS,
      maxWeight: 1,
      logger: deps.logger,
    });
  }

  /**
   * Org rollups are read far more often than scores change: answers for callers who see
   * the whole catalog are kept `readiness.rollupCacheSeconds` (15 s) and dropped on every
   * score write.
   */
  async rollup(
    query: RollupQuery,
    credentials: BackstageCredentials,
  ): Promise<RollupGroup[]> {
    return (await this.rollupRead(query, credentials)).groups;
  }

  /** `rollup`, saying whether the answer is the one shared by whole-catalog callers. */
  async rollupRead(
    query: RollupQuery,
    credentials: BackstageCredentials,
  ): Promise<RollupRead> {
    const visible = await this.deps.catalog.visibleRefs(credentials);
    const { groupBy, ...filters } = query;
    const own = (groups: RollupGroup[]) => ({ groups, shared: false });
    if (visible)
      return own(
        await this.deps.readModel.rollup(groupBy, { ...filters, visible }),
      );
    if (!this.rollups.enabled)
      return own(await this.deps.readModel.rollup(groupBy, filters));
    const key = `all|${stableStringify(query)}`;
    const running = this.inflight.get(key);
    if (running) return { groups: await running, shared: true };
    if (this.replacing > 0)
      return own(await this.deps.readModel.rollup(groupBy, filters));
    const generation = (await this.generations.get('current')) ?? '';
    const now = Date.now();
    const local = this.held.get(key);
    if (local && local.generation === generation && local.until > now)
      return { groups: local.groups, shared: true };
    if (local) this.release(key);
    const hit = await this.rollups.get(key);
    if (hit && hit.generation === generation) {
      // Held no longer than the shared entry lives (one from older code is not held).
      if (hit.until) this.hold(key, generation, hit.until, hit.groups);
      return { groups: hit.groups, shared: true };
    }
    const joined = this.inflight.get(key);
    if (joined) return { groups: await joined, shared: true };
    const value = this.deps.readModel
      .rollup(groupBy, filters)
      .then(async groups => {
        // Stored under the generation read before the query: a write meanwhile voids it.
        const until = now + this.deps.rollupTtlMs;
        await this.rollups.set(
          key,
          { generation, until, groups },
          groups.length + 1,
        );
        this.hold(key, generation, until, groups);
        return groups;
      });
    this.inflight.set(key, value);
    const settled = () => {
      if (this.inflight.get(key) === value) this.inflight.delete(key);
    };
    value.then(settled, settled);
    return { groups: await value, shared: true };
  }

  /**
   * Holds an answer as the one this replica hands out, frozen (every whole-catalog caller
   * shares it), within the shared cache's group budget: at most 32 answers, and no more
   * groups in all than the shared cache keeps; the oldest go first.
   */
  private hold(
    key: string,
    generation: string,
    until: number,
    groups: RollupGroup[],
  ) {
    this.release(key);
    const weight = groups.length + 1;
    if (weight > ROLLUP_GROUPS_HELD_MAX) return;
    groups.forEach(g => Object.freeze(g));
    Object.freeze(groups);
    this.held.set(key, { generation, until, groups });
    this.heldWeight += weight;
    while (
      this.held.size > ROLLUPS_HELD_LOCALLY_MAX ||
      this.heldWeight > ROLLUP_GROUPS_HELD_MAX
    )
      this.release(this.held.keys().next().value!);
  }

  private release(key: string) {
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    this.heldWeight -= entry.groups.length + 1;
  }

  /** Drops cached rollups: called by the command layer after every score write. */
  async scoresChanged(): Promise<void> {
    if (!this.rollups.enabled) return;
    this.replacing += 1;
    this.inflight.clear();
    this.held.clear();
    this.heldWeight = 0;
    const replaced = await this.generations
      .set(
        'current',
        `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      )
      .finally(() => {
        this.replacing -= 1;
      });
    if (!replaced) {
      // Other replicas sharing the cache keep their rollups until the TTL runs out.
      this.deps.logger.warn(
        'Readiness could not replace the rollup generation in the cache: other replicas may serve rollups up to readiness.rollupCacheSeconds old',
      );
    }
  }

  /** A page of the open P0 blockers across the services the caller may see. */
  async listBlockers(
    query: ServiceFilters & { limit: number; cursor?: string },
    credentials: BackstageCredentials,
  ) {
    const { limit, cursor, ...filters } = query;
    const after = cursor ? decodeBlockerCursor(cursor) : undefined;
    const visible = await this.deps.catalog.visibleRefs(credentials);
    const counted =
      visible || after
        ? undefined
        : await this.perGeneration(`blockers|${stableStringify(filters)}`, () =>
            this.deps.readModel.countBlockers(filters),
          );
    const { items, total, next } = await this.deps.readModel.listBlockers(
      { ...filters, visible },
      { limit, after, total: counted },
    );
    return {
      items,
      total,
      ...(next ? { nextCursor: encodeBlockerCursor(next) } : {}),
    };
  }

  /**
   * Daily readiness over the last `days` UTC days including today, across the services the
   * caller may see: the past days from the score snapshots (kept
   * `readiness.trendCacheSeconds` for whole-catalog callers, since the past does not change
   * with score writes), today from the current stored scores.
   */
  async trend(
    query: ServiceFilters & { days: number },
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<TrendPoint[]> {
    const { days, ...filters } = query;
    const visible = await this.deps.catalog.visibleRefs(credentials);
    const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const since = new Date(today.getTime() - (days - 1) * DAY_MS);
    const scoped = { ...filters, visible };
    const [past, current] = await Promise.all([
      visible
        ? this.deps.scores.trend(scoped, since, today)
        : this.pastTrend(scoped, since, today),
      visible
        ? this.deps.scores.todayPoint(scoped)
        : this.perGeneration(`today|${stableStringify(filters)}`, () =>
            this.deps.scores.todayPoint(scoped),
          ),
    ]);
    if (current.services === 0) return past;
    return [...past, { day: today.toISOString().slice(0, 10), ...current }];
  }

  /** The whole-catalog trend's days from `since` to before `today`, cached and coalesced. */
  private async pastTrend(
    filters: ServiceFilters,
    since: Date,
    today: Date,
  ): Promise<TrendPoint[]> {
    const key = `all|${stableStringify(
      filters,
    )}|${since.toISOString()}|${today.toISOString()}`;
    if (this.trends.enabled) {
      const hit = await this.trends.get(key);
      if (hit) return hit;
    }
    let running = this.inflightTrends.get(key);
    if (!running) {
      running = this.deps.scores.trend(filters, since, today);
      this.inflightTrends.set(key, running);
      running
        .then(points =>
          this.trends.enabled
            ? this.trends.set(key, points, points.length + 1)
            : undefined,
        )
        .catch(() => undefined)
        .finally(() => this.inflightTrends.delete(key));
    }
    return running;
  }

  /**
   * Evidence expiring within `days` days, on services the caller may see, soonest first:
   * all of it, or the first `limit` on the services `owners` own.
   */
  async expiringEvidence(
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
    options: { owners?: string[]; limit?: number } = {},
  ) {
    return this.deps.readModel.listExpiringEvidence(
      new Date(now.getTime() + days * 86_400_000),
      await this.deps.catalog.visibleRefs(credentials),
      options,
    );
  }

  /**
   * A page of the evidence expiring within `days` days on services the caller may see,
   * soonest first, with the cursor of the next page while there is one.
   */
  async expiringEvidencePage(
    query: { days: number; limit: number; cursor?: string },
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ) {
    const after = query.cursor ? decodeEvidenceCursor(query.cursor) : undefined;
    const rows = await this.deps.readModel.listExpiringEvidence(
      new Date(now.getTime() + query.days * 86_400_000),
      await this.deps.catalog.visibleRefs(credentials),
      { limit: query.limit + 1, after },
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items,
      ...(rows.length > query.limit
        ? {
            nextCursor: encodeEvidenceCursor({
              expiresAt: last.expiresAt,
              id: last.evidenceId,
            }),
          }
        : {}),
    };
  }

  /** A page of service scores, among the services the caller may see. */
  async listServices(query: ServicesQuery, credentials: BackstageCredentials) {
    const visible = await this.deps.catalog.visibleRefs(credentials);
    if (visible || query.cursor)
      return this.deps.readModel.listScores({ ...query, visible });
    const { sort: _sort, order: _order, limit: _limit, ...filters } = query;
    const total = await this.perGeneration(
      `services|${stableStringify(filters)}`,
      () => this.deps.readModel.countScores(filters),
    );
    return this.deps.readModel.listScores(query, { total });
  }

  /**
   * A whole-catalog figure read once per score generation (see `figures`); read afresh while
   * the cache is off or this replica is replacing the generation.
   */
  private async perGeneration<T>(
    key: string,
    read: () => Promise<T>,
  ): Promise<T> {
    if (!this.figures.enabled || this.replacing > 0) return read();
    // Read before computing: a write meanwhile replaces it and voids this figure.
    const generation = (await this.generations.get('current')) ?? '';
    const hit = await this.figures.get(key);
    if (hit && hit.generation === generation) return hit.value as T;
    const value = await read();
    await this.figures.set(key, { generation, value });
    return value;
  }
}
