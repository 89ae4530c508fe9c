import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { RollupGroup } from '@prodready/plugin-readiness-common';
import { ReadModelStore } from '../database/ReadModelStore';
import { ScoreStore } from '../database/ScoreStore';
import { CatalogAccess } from './CatalogAccess';
import { OrgReadModel } from './OrgReadModel';

/** An org read model over stand-ins for the stores and the catalog, with a real memory cache. */
function orgReadModel(deps: {
  readModel?: object;
  scores?: object;
  visible?: string[];
  rollupTtlMs: number;
  trendTtlMs: number;
}) {
  return new OrgReadModel({
    readModel: (deps.readModel ?? {}) as ReadModelStore,
    scores: (deps.scores ?? {}) as ScoreStore,
    catalog: {
      visibleRefs: async () => deps.visible,
    } as unknown as CatalogAccess,
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('readiness'),
    logger: mockServices.logger.mock(),
    rollupTtlMs: deps.rollupTtlMs,
    trendTtlMs: deps.trendTtlMs,
  });
}

const group = (key: string): RollupGroup =>
  ({ key, services: 1, average: 50 } as unknown as RollupGroup);

/** An org read model over a read model answering `groups()` afresh on every query. */
function orgOf(groups: () => RollupGroup[], rollupTtlMs = 50) {
  const rollup = jest.fn(async () => groups());
  const org = orgReadModel({
    readModel: { rollup },
    rollupTtlMs,
    trendTtlMs: 0,
  });
  return { org, rollup };
}

describe('OrgReadModel rollups held by a replica', () => {
  const user = mockCredentials.user();
  const query = { groupBy: 'owner' as const };

  it('hands out one frozen answer until its TTL ends, then computes afresh', async () => {
    const { org, rollup } = orgOf(() => [group('group:default/a')]);
    const first = await org.rollupRead(query, user);
    expect(first.shared).toBe(true);
    expect(Object.isFrozen(first.groups)).toBe(true);
    expect(Object.isFrozen(first.groups[0])).toBe(true);
    expect((await org.rollupRead(query, user)).groups).toBe(first.groups);
    expect(rollup).toHaveBeenCalledTimes(1);

    await new Promise(r => setTimeout(r, 80));
    const later = await org.rollupRead(query, user);
    expect(rollup).toHaveBeenCalledTimes(2);
    expect(later.groups).not.toBe(first.groups);
    expect(later.groups).toEqual(first.groups);
  });

  it('does not hold an answer larger than the cache keeps', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      group(`group:default/g${i}`),
    );
    const { org, rollup } = orgOf(() => many.map(g => ({ ...g })), 60_000);
    const first = await org.rollupRead(query, user);
    const second = await org.rollupRead(query, user);
    expect(rollup).toHaveBeenCalledTimes(2);
    expect(second.groups).not.toBe(first.groups);
    expect(Object.isFrozen(first.groups)).toBe(false);
  });

  it('drops what it holds when scores change', async () => {
    const { org, rollup } = orgOf(() => [group('group:default/a')], 60_000);
    const first = await org.rollupRead(query, user);
    await org.scoresChanged();
    const after = await org.rollupRead(query, user);
    expect(rollup).toHaveBeenCalledTimes(2);
    expect(after.groups).not.toBe(first.groups);
  });
});

describe('OrgReadModel trend', () => {
  const user = mockCredentials.user();
  const point = (day: string, average: number) => ({
    day,
    average,
    services: 2,
    ready: 1,
  });

  /** An org read model whose snapshot query and current-score point are counted. */
  function trendOf(visible?: string[]) {
    const trend = jest.fn(async () => [
      point('2026-11-25', 40),
      point('2026-11-26', 45),
    ]);
    let average = 50;
    const todayPoint = jest.fn(async () => ({
      average: average++,
      services: 2,
      ready: 1,
    }));
    const org = orgReadModel({
      scores: { trend, todayPoint },
      visible,
      rollupTtlMs: 15_000,
      trendTtlMs: 60_000,
    });
    return { org, trend, todayPoint };
  }

  it('reads the past days from the snapshots once a day, and today from the current scores as they change', async () => {
    const { org, trend, todayPoint } = trendOf();
    const now = new Date('2026-11-27T15:00:00Z');
    const first = await org.trend({ days: 3 }, user, now);
    expect(first).toEqual([
      point('2026-11-25', 40),
      point('2026-11-26', 45),
      { day: '2026-11-27', average: 50, services: 2, ready: 1 },
    ]);
    // the past days are whole UTC days: from the start of the first to the start of today
    expect(trend).toHaveBeenCalledWith(
      expect.objectContaining({ visible: undefined }),
      new Date('2026-11-25T00:00:00Z'),
      new Date('2026-11-27T00:00:00Z'),
    );
    // a score write moves today's point, not the past days
    await org.scoresChanged();
    const second = await org.trend({ days: 3 }, user, now);
    expect(second[2].average).toBe(51);
    expect(trend).toHaveBeenCalledTimes(1);
    expect(todayPoint).toHaveBeenCalledTimes(2);

    // the next day, and other filters, are other answers
    await org.trend({ days: 3 }, user, new Date('2026-11-28T01:00:00Z'));
    await org.trend({ days: 3, owner: ['group:default/a'] }, user, now);
    expect(trend).toHaveBeenCalledTimes(3);
  });

  it('shares one snapshot query between concurrent reads, and never caches a restricted caller', async () => {
    const { org, trend } = trendOf();
    const now = new Date('2026-11-27T15:00:00Z');
    await Promise.all([
      org.trend({ days: 3 }, user, now),
      org.trend({ days: 3 }, user, now),
    ]);
    expect(trend).toHaveBeenCalledTimes(1);

    const restricted = trendOf(['component:default/a']);
    await restricted.org.trend({ days: 3 }, user, now);
    await restricted.org.trend({ days: 3 }, user, now);
    expect(restricted.trend).toHaveBeenCalledTimes(2);
  });
});

describe('OrgReadModel whole-catalog figures', () => {
  const user = mockCredentials.user();

  function figuresOf() {
    const todayPoint = jest.fn(async () => ({
      average: 50,
      services: 2,
      ready: 1,
    }));
    const countBlockers = jest.fn(async () => 7);
    const listBlockers = jest.fn(
      async (_filters: unknown, page: { total?: number }) => ({
        items: [],
        total: page.total ?? (await countBlockers()),
      }),
    );
    const org = orgReadModel({
      readModel: { listBlockers, countBlockers },
      scores: { trend: async () => [], todayPoint },
      rollupTtlMs: 60_000,
      trendTtlMs: 60_000,
    });
    return { org, todayPoint, countBlockers };
  }

  it("reads today's trend point and the blockers' count once until scores change", async () => {
    const { org, todayPoint, countBlockers } = figuresOf();
    await org.trend({ days: 7 }, user);
    await org.trend({ days: 7 }, user);
    expect(todayPoint).toHaveBeenCalledTimes(1);
    expect((await org.listBlockers({ limit: 20 }, user)).total).toBe(7);
    expect((await org.listBlockers({ limit: 20 }, user)).total).toBe(7);
    expect(countBlockers).toHaveBeenCalledTimes(1);

    await org.scoresChanged();
    await org.trend({ days: 7 }, user);
    await org.listBlockers({ limit: 20 }, user);
    expect(todayPoint).toHaveBeenCalledTimes(2);
    expect(countBlockers).toHaveBeenCalledTimes(2);
  });
});
