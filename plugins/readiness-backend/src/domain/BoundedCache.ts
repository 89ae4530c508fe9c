import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/** How one {@link BoundedCache} keeps its entries. @internal */
export interface BoundedCacheOptions {
  /** Prefix of every key, so the caches of the plugin (and its modules) never collide. */
  prefix: string;
  /** How long an entry lives, in ms (the client's `defaultTtl`); 0 turns the cache off. */
  ttlMs: number;
  /**
   * Most weight this replica keeps in the store at once (an entry weighs 1 unless `set` says
   * otherwise); the oldest entries are deleted first.
   */
  maxWeight: number;
  logger?: LoggerService;
}

/**
 * A namespace of the plugin's {@link CacheService} with one TTL and a per-replica budget.
 *
 * Backstage's cache stores bound entries by TTL only, and the `memory` store (the default,
 * Keyv over a plain `Map`; `backend.cache` offers no size option for it) drops an expired
 * entry only when it is read again: keys that are never read again stay. So each cache
 * here also remembers the keys this replica wrote, in write order (keys only, no values),
 * and deletes from the store those that expired or exceed `maxWeight`. The memory store
 * therefore holds at most `maxWeight` of this cache, for at most `ttlMs`; redis, valkey and
 * memcache also expire entries themselves. Values must be JSON: they are stored serialised,
 * and every `get` returns a fresh copy. A failing store is a miss, never an error.
 * @internal
 */
export class BoundedCache<T> {
  private readonly cache: CacheService;
  /** Keys this replica wrote, oldest first, with their weight and expiry. */
  private readonly held = new Map<string, { weight: number; until: number }>();
  private weight = 0;

  constructor(
    cache: CacheService,
    private readonly options: BoundedCacheOptions,
  ) {
    this.cache = cache.withOptions({ defaultTtl: options.ttlMs });
  }

  /** Whether the cache is on (`ttlMs` above 0). */
  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** The entry under `key`, or undefined on a miss (or when the store fails). */
  async get(key: string): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    try {
      const value = await this.cache.get<JsonValue>(this.options.prefix + key);
      return value === undefined || value === null
        ? undefined
        : (value as unknown as T);
    } catch (error) {
      this.options.logger?.debug(`Readiness cache read failed: ${error}`);
      return undefined;
    }
  }

  /**
   * Stores `value` under `key` for `ttlMs`; an entry heavier than the whole budget is skipped.
   * False when the store refused the write.
   */
  async set(key: string, value: T, weight = 1): Promise<boolean> {
    if (!this.enabled || weight > this.options.maxWeight) return false;
    const k = this.options.prefix + key;
    const now = Date.now();
    this.forget(k);
    this.evict(now, weight);
    this.held.set(k, { weight, until: now + this.options.ttlMs });
    this.weight += weight;
    try {
      await this.cache.set(k, value as unknown as JsonValue);
      return true;
    } catch (error) {
      this.options.logger?.debug(`Readiness cache write failed: ${error}`);
      return false;
    }
  }

  /** Stops tracking `k` (it is about to be replaced or deleted). */
  private forget(k: string) {
    const entry = this.held.get(k);
    if (!entry) return;
    this.held.delete(k);
    this.weight -= entry.weight;
  }

  /**
   * Deletes from the store, oldest first, the entries that expired and as many more as
   * make room for `incoming` (one TTL per cache: write order is expiry order).
   */
  private evict(now: number, incoming: number) {
    for (const [k, entry] of this.held) {
      if (entry.until > now && this.weight + incoming <= this.options.maxWeight)
        break;
      this.held.delete(k);
      this.weight -= entry.weight;
      void this.drop(k);
    }
  }

  private async drop(k: string) {
    try {
      await this.cache.delete(k);
    } catch (error) {
      this.options.logger?.debug(`Readiness cache delete failed: ${error}`);
    }
  }
}
