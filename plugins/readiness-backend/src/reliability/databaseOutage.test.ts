import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import net from 'node:net';
import request from 'supertest';
import { readinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

/**
 * A TCP proxy in front of PostgreSQL. `down()` drops every open connection and refuses new
 * ones, as the backend sees it when the server stops; `up()` lets connections through again.
 */
function outageProxy(target: { host: string; port: number }) {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.pipe(upstream).pipe(client);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return {
    listen: () =>
      new Promise<number>(r =>
        server.listen(0, '127.0.0.1', () =>
          r((server.address() as net.AddressInfo).port),
        ),
      ),
    down: () => {
      open = false;
      sockets.forEach(s => s.destroy());
    },
    up: () => {
      open = true;
    },
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

describe('database outage', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'answers 503 while Postgres is gone and recovers within 10 s, without partial writes, %p',
    async id => {
      const direct = await databases.init(id);
      // TestDatabases creates a fresh database on the server from the connection string.
      const server0 = new URL(
        process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING!,
      );
      const conn = {
        host: server0.hostname,
        port: Number(server0.port),
        user: decodeURIComponent(server0.username),
        password: decodeURIComponent(server0.password),
        database: (await direct.raw('select current_database() as db')).rows[0]
          .db as string,
      };
      const proxy = outageProxy({ host: conn.host, port: Number(conn.port) });
      const port = await proxy.listen();
      const knex = knexFactory({
        client: 'pg',
        connection: { ...conn, host: '127.0.0.1', port },
        pool: { min: 0, max: 5 },
        acquireConnectionTimeout: 2_000,
      });
      const { server } = await startTestBackend({
        features: [
          readinessPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [component('payments', 'payments-team', 'pay')],
          }),
        ],
      });
      const base = '/api/readiness/entities/component/default/payments';
      try {
        await request(server).get(base).expect(200);
        await request(server)
          .patch(`${base}/tasks/1.2`)
          .send({ expectedVersion: 0, status: 'in_progress' })
          .expect(200);

        proxy.down();
        const read = await request(server).get(base);
        expect(read.status).toBe(503);
        expect(read.body.error).toMatchObject({
          name: 'ServiceUnavailableError',
          message: 'The readiness database is unavailable; try again shortly',
        });
        const write = await request(server)
          .patch(`${base}/tasks/1.2`)
          .send({ expectedVersion: 1, status: 'done' });
        expect(write.status).toBe(503);

        proxy.up();
        const started = Date.now();
        let status = 0;
        while (Date.now() - started < 10_000) {
          status = (await request(server).get(base)).status;
          if (status === 200) break;
          await new Promise(r => setTimeout(r, 200));
        }
        expect(status).toBe(200);
        // The write during the outage left nothing behind: still version 1, in progress.
        const after = await request(server).get(base);
        expect(
          after.body.tasks.find((t: any) => t.taskId === '1.2'),
        ).toMatchObject({ status: 'in_progress', version: 1 });
        // eslint-disable-next-line no-console
        console.log(
          `database outage: recovered ${
            Date.now() - started
          } ms after Postgres came back`,
        );
      } finally {
        await knex.destroy();
        await proxy.close();
      }
    },
  );
});
