import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import { readinessPlugin } from '../plugin';
import { demoPermissionsFactory, demoUserInfoFactory } from './fixtures';

/**
 * The readiness plugin in a test backend on `knex`, over a mock catalog holding `entities`,
 * with the demo permission decisions and ownership claims of `fixtures.ts`.
 */
export async function startReadinessBackend(options: {
  knex: Knex;
  entities: Entity[];
  config?: JsonObject;
}): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      readinessPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      catalogServiceMock.factory({ entities: options.entities }),
      demoPermissionsFactory(options.entities),
      demoUserInfoFactory(),
    ],
  });
  return server;
}
