import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { RollupGroup } from '@prodready/plugin-readiness-common';
import { ReadModelStore } from '../database/ReadModelStore';
import { ScoreStore } from '../database/ScoreStore';
import { CatalogAccess } from './CatalogAccess';
import { OrgReadModel } from './OrgReadModel';

const group = (key: string): RollupGroup =>
  ({ key, services: 1, average: 50 } as unknown as RollupGroup);

/** An org read model over a read model answering `groups()` afresh on every query. */
function orgOf(groups: () => RollupGroup[], rollupTtlMs = 50) {
  const rollup = jest.fn(async () => groups());
  const org = new OrgReadModel({
    readModel: { rollup } as unknown as ReadModelStore,
    scores: {} as ScoreStore,
    catalog: { visibleRefs: async () => undefined } as unknown as CatalogAccess,
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('readiness'),
    logger: mockServices.logger.mock(),
    rollupTtlMs,
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
