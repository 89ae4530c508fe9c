import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  registerPlans,
  startReadinessBackend,
} from '../__testUtils__/testBackend';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { component, people } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const cursor = (value: object) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

describe('forged service-list cursors', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are a 400 naming the cursor, never a 500, %p',
    async id => {
      const server = await startReadinessBackend({
        knex: await databases.init(id),
        entities: [component('payments', 'payments-team', 'pay')],
      });
      await registerPlans(server, ['payments']);
      const forged: Array<[string, object]> = [
        ['entityRef', { v: 'x', r: '\u0000' }],
        ['overall', { v: 5, r: 'a\u0000' }],
        ['computedAt', { v: '-271821-04-20T00:00:00.000Z', r: 'a' }],
        ['computedAt', { v: '+275760-09-13T00:00:00.000Z', r: 'a' }],
        ['entityRef', { v: 'x', r: 'x'.repeat(400) }],
      ];
      for (const [sort, value] of forged) {
        const res = await request(server)
          .get('/api/readiness/services')
          .query({ sort, cursor: cursor(value) })
          .set({ Authorization: mockCredentials.user.header(people.owner) });
        expect([sort, res.status, res.body.error?.message]).toEqual([
          sort,
          400,
          'Invalid request: cursor: not a cursor returned by this API',
        ]);
      }
    },
  );
});
