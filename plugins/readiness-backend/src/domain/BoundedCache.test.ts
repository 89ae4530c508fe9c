import { CacheManager } from '@backstage/backend-defaults/cache';
import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { BoundedCache } from './BoundedCache';

const memoryCache = () =>
  CacheManager.fromConfig(new ConfigReader({})).forPlugin('readiness');

describe('BoundedCache', () => {
  it('returns a copy of what was stored, under its prefix, until the TTL runs out', async () => {
    const store = memoryCache();
    const cache = new BoundedCache<{ refs: string[] }>(store, {
      prefix: 'p:',
      ttlMs: 50,
      maxWeight: 10,
    });
    const value = { refs: ['component:default/a'] };
    await cache.set('alice', value);
    const hit = await cache.get('alice');
    expect(hit).toEqual(value);
    expect(hit).not.toBe(value);
    expect(await store.get('p:alice')).toEqual(value);
    expect(await cache.get('bob')).toBeUndefined();
    await new Promise(r => setTimeout(r, 80));
    expect(await cache.get('alice')).toBeUndefined();
  });

  it('deletes the oldest entries from the store beyond its weight budget', async () => {
    const store = memoryCache();
    const cache = new BoundedCache<string[]>(store, {
      prefix: 'v:',
      ttlMs: 60_000,
      maxWeight: 5,
    });
    await cache.set('a', ['1', '2'], 2);
    await cache.set('b', ['3', '4'], 2);
    // Rewriting a key moves it to the back: 'a' is now the newest.
    await cache.set('a', ['1', '2'], 2);
    await cache.set('c', ['5', '6'], 2);
    await new Promise(r => setImmediate(r));
    expect(await store.get('v:b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(['1', '2']);
    expect(await cache.get('c')).toEqual(['5', '6']);
    // An entry heavier than the whole budget is not cached at all.
    await cache.set('huge', ['x'], 6);
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.get('c')).toEqual(['5', '6']);
  });

  it('deletes expired entries from the store on the next write, read or not', async () => {
    const inner = memoryCache();
    const deleted: string[] = [];
    const recording: CacheService = {
      get: key => inner.get(key),
      set: (key, value, options) => inner.set(key, value, options),
      delete: async key => {
        deleted.push(key);
        await inner.delete(key);
      },
      withOptions: () => recording,
    };
    const cache = new BoundedCache<number>(recording, {
      prefix: 'e:',
      ttlMs: 20,
      maxWeight: 100,
    });
    await cache.set('old', 1);
    await new Promise(r => setTimeout(r, 40));
    await cache.set('new', 2);
    expect(deleted).toEqual(['e:old']);
  });

  it('is off with a TTL of 0, and a failing store is a miss', async () => {
    const off = new BoundedCache<number>(memoryCache(), {
      prefix: 'o:',
      ttlMs: 0,
      maxWeight: 10,
    });
    await off.set('k', 1);
    expect(off.enabled).toBe(false);
    expect(await off.get('k')).toBeUndefined();

    const failing: CacheService = {
      get: async () => {
        throw new Error('down');
      },
      set: async () => {
        throw new Error('down');
      },
      delete: async () => {
        throw new Error('down');
      },
      withOptions: () => failing,
    };
    const broken = new BoundedCache<number>(failing, {
      prefix: 'b:',
      ttlMs: 1000,
      maxWeight: 1,
    });
    await expect(broken.set('k', 1)).resolves.toBe(false);
    await expect(broken.set('l', 1)).resolves.toBe(false);
    expect(await broken.get('k')).toBeUndefined();
  });
});
