import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { component } from '../__testUtils__/fixtures';
import { CatalogAccess } from './CatalogAccess';

describe('CatalogAccess', () => {
  const payments = component('payments', 'payments-team', 'pay');
  const ledger = component('ledger', 'payments-team', 'pay');
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  const setup = () => {
    const catalog = catalogServiceMock({ entities: [payments, ledger] });
    const access = new CatalogAccess({
      catalog,
      auth: mockServices.auth(),
      cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
        'readiness',
      ),
      logger: mockServices.logger.mock(),
      permissions: mockServices.permissions.mock({
        authorizeConditional: async () => [
          { result: AuthorizeResult.CONDITIONAL } as any,
        ],
      }),
      entityTtlMs: 10_000,
    });
    return { catalog, access };
  };

  it('keeps each user their own visibility list, and asks the catalog once per user', async () => {
    const { catalog, access } = setup();
    const asked = jest
      .spyOn(catalog, 'getEntities')
      .mockImplementation(async (_request, options) => ({
        items:
          (options as any)?.credentials?.principal.userEntityRef ===
          'user:default/alice'
            ? [payments]
            : [ledger],
      }));
    expect(await access.visibleRefs(alice)).toEqual([
      'component:default/payments',
    ]);
    expect(await access.visibleRefs(bob)).toEqual(['component:default/ledger']);
    expect(await access.visibleRefs(alice)).toEqual([
      'component:default/payments',
    ]);
    expect(await access.visibleRefs(bob)).toEqual(['component:default/ledger']);
    expect(asked).toHaveBeenCalledTimes(2);
    // Service callers see everything and are never cached.
    expect(await access.visibleRefs(mockCredentials.service())).toBeUndefined();
  });

  it('caches entities per user, never for service callers', async () => {
    const { catalog, access } = setup();
    const reads = jest.spyOn(catalog, 'getEntityByRef');
    const ref = { kind: 'component', namespace: 'default', name: 'payments' };
    await access.getEntity(ref, alice);
    await access.getEntity(ref, alice);
    expect(reads).toHaveBeenCalledTimes(1);
    await access.getEntity(ref, bob);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(reads.mock.calls[1][1]).toEqual({ credentials: bob });
    await access.getEntity(ref, mockCredentials.service());
    await access.getEntity(ref, mockCredentials.service());
    expect(reads).toHaveBeenCalledTimes(4);
    await expect(
      access.getEntity({ ...ref, name: 'missing' }, alice),
    ).rejects.toThrow(/was not found/);
  });
});
