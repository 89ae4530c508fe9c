import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ServiceFactoryTester } from '@backstage/backend-test-utils';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { demoPermissionsFactory } from './fixtures';

/** Entity refs the catalog hides from a user, by user entity ref. */
export type HiddenFrom = Record<string, string[]>;

const refOf = (ref: string | CompoundEntityRef | Entity) =>
  (typeof ref === 'string'
    ? stringifyEntityRef(parseEntityRef(ref))
    : stringifyEntityRef(ref)
  ).toLocaleLowerCase('en-US');

/** An in-memory catalog of `entities` answering each user only what they may see. */
export function restrictedCatalogFactory(
  entities: Entity[],
  hiddenFrom: HiddenFrom,
) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => {
      const catalog = catalogServiceMock({ entities });
      const hidden = (options: any): string[] =>
        hiddenFrom[options?.credentials?.principal?.userEntityRef] ?? [];
      const getEntityByRef = catalog.getEntityByRef.bind(catalog);
      const getEntities = catalog.getEntities.bind(catalog);
      return Object.assign(catalog, {
        getEntityByRef: async (ref: any, options: any) =>
          hidden(options).includes(refOf(ref))
            ? undefined
            : getEntityByRef(ref, options),
        getEntities: async (req: any, options: any) => {
          const res = await getEntities(req, options);
          return {
            ...res,
            items: res.items.filter(e => !hidden(options).includes(refOf(e))),
          };
        },
      });
    },
  });
}

/**
 * The demo permission decisions, except that the catalog's read permission is conditional
 * for the users in `hiddenFrom` (as a real policy's ownership rule would make it), so their
 * reads go through the catalog.
 */
export function restrictedPermissionsFactory(
  entities: Entity[],
  hiddenFrom: HiddenFrom,
) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: async () => {
      const demo = await ServiceFactoryTester.from(
        demoPermissionsFactory(entities),
      ).getSubject('readiness');
      return {
        ...demo,
        authorize: demo.authorize.bind(demo),
        async authorizeConditional(requests: any[], options: any) {
          if (!hiddenFrom[options.credentials.principal.userEntityRef]) {
            return demo.authorizeConditional(requests, options);
          }
          return requests.map(() => ({
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: [options.credentials.principal.userEntityRef] },
            },
          })) as any;
        },
      };
    },
  });
}
