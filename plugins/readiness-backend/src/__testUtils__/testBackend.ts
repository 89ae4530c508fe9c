import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import net from 'node:net';
import { createBackend } from '@backstage/backend-defaults';
import { readinessPlugin } from '../plugin';
import {
  demoPermissionsFactory,
  demoUserInfoFactory,
  people,
} from './fixtures';

/**
 * The readiness plugin in a test backend on `knex`, over a mock catalog holding `entities`,
 * with the demo permission decisions and ownership claims of `fixtures.ts`.
 */
export async function startReadinessBackend(options: {
  knex: Knex;
  entities: Entity[];
  config?: JsonObject;
  /** More service factories or features, e.g. a recording notification service. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      readinessPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      catalogServiceMock.factory({ entities: options.entities }),
      demoPermissionsFactory(options.entities),
      demoUserInfoFactory(),
      ...(options.features ?? []),
    ],
  });
  return server;
}

/**
 * Stores the plans of `names` (components in the default namespace) the way a first write
 * does, since reads never register a plan; the admin's no-op template upgrade is that write.
 */
export async function registerPlans(server: Server, names: string[]) {
  for (const name of names) {
    const res = await request(server)
      .post(`/api/readiness/entities/component/default/${name}/upgrade`)
      .set({ Authorization: mockCredentials.user.header(people.admin) })
      .send({});
    if (res.status !== 200) {
      throw new Error(`could not register ${name}: ${res.status} ${res.text}`);
    }
  }
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>(resolve => probe.listen(0, resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise(resolve => probe.close(resolve));
  return port;
}

/**
 * The readiness plugin in the backend an app gets from `@backstage/backend-defaults` (its
 * production root router: helmet, cors, compression, …; startTestBackend's own leaves
 * compression out), with the test's database, auth, catalog and demo permissions. Returns
 * its base URL and a stop function.
 */
export async function startProductionBackend(options: {
  knex: Knex;
  entities: Entity[];
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const backend = createBackend();
  backend.add(readinessPlugin);
  backend.add(mockServices.rootLogger.factory());
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { port, host: '127.0.0.1' },
        },
      },
    }),
  );
  backend.add(mockServices.database.factory({ knex: options.knex }));
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(mockServices.discovery.factory());
  backend.add(mockServices.scheduler.factory());
  backend.add(catalogServiceMock.factory({ entities: options.entities }));
  backend.add(demoPermissionsFactory(options.entities));
  backend.add(demoUserInfoFactory());
  await backend.start();
  return { url: `http://127.0.0.1:${port}`, stop: () => backend.stop() };
}
