import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { databaseServiceFor } from './testDatabase';

/** A store on the test database and a service over a mock catalog holding `entities`. */
export async function createTestService(options: {
  knex: Knex;
  entities: Entity[];
  config?: ConfigReader;
  /** Plans per page of the scheduled re-evaluation (500). */
  reevaluatePageSize?: number;
}) {
  const config = options.config ?? new ConfigReader({});
  const store = await DatabaseReadinessStore.create({
    database: databaseServiceFor(options.knex),
  });
  const catalog = catalogServiceMock({ entities: options.entities });
  const auth = mockServices.auth();
  const logger = mockServices.logger.mock();
  const service = new ReadinessService({
    store,
    templates: TemplateRegistry.fromConfig(config),
    catalog,
    auth,
    logger,
    config,
    cache: CacheManager.fromConfig(config).forPlugin('readiness'),
    reevaluatePageSize: options.reevaluatePageSize,
  });
  return { store, catalog, auth, logger, config, service };
}
