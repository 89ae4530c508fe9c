import { mockCredentials } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { component, people, system } from '../__testUtils__/fixtures';
import { startProductionBackend } from '../__testUtils__/testBackend';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { sendSharedJson } from './conditional';

jest.setTimeout(60_000);

describe('sendSharedJson', () => {
  const shared = [{ key: 'group:default/a', services: 3 }];
  const built = jest.fn(() => ({ items: shared }));
  const app = express();
  app.get('/', async (req, res) => {
    await sendSharedJson(req, res, shared, built);
  });

  it('encodes one answer once, gzipped when accepted, 304 when its tag is named', async () => {
    const zipped = await request(app).get('/').set('Accept-Encoding', 'gzip');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(zipped.body).toEqual({ items: shared });

    const plain = await request(app)
      .get('/')
      .set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual({ items: shared });
    expect(plain.headers.etag).toBe(zipped.headers.etag);

    const again = await request(app)
      .get('/')
      .set('If-None-Match', zipped.headers.etag);
    expect(again.status).toBe(304);
    expect(built).toHaveBeenCalledTimes(1);
  });
});

describe('org rollups through the production root HTTP router', () => {
  const databases = createTestDatabases();
  const entities = [
    component('payments', 'payments-team', 'pay'),
    system('pay', 'commerce'),
  ];
  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  it.each(databases.eachSupportedId())(
    'are sent gzipped and tagged, and a score write changes the tag, %p',
    async id => {
      const knex = await databases.init(id);
      const backend = await startProductionBackend({ knex, entities });
      try {
        const scores = () =>
          request(backend.url)
            .get('/api/readiness/scores?groupBy=owner')
            .set(as(people.owner))
            .set('Accept-Encoding', 'gzip');
        // Reading the entity registers its plan.
        await request(backend.url)
          .get('/api/readiness/entities/component/default/payments')
          .set(as(people.owner))
          .expect(200);
        const first = await scores();
        expect(first.status).toBe(200);
        expect(first.headers['content-encoding']).toBe('gzip');
        expect(first.headers['cache-control']).toBe('private, no-cache');
        expect(first.body.groupBy).toBe('owner');
        expect(
          (await scores().set('If-None-Match', first.headers.etag)).status,
        ).toBe(304);

        await request(backend.url)
          .patch('/api/readiness/entities/component/default/payments/tasks/1.2')
          .set(as(people.owner))
          .send({ expectedVersion: 0, status: 'done' })
          .expect(200);
        const after = await scores().set('If-None-Match', first.headers.etag);
        expect(after.status).toBe(200);
        expect(after.headers.etag).not.toBe(first.headers.etag);
        expect(after.body).not.toEqual(first.body);
      } finally {
        await backend.stop();
      }
    },
  );
});
