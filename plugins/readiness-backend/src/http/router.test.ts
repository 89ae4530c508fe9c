import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { RouterOptions } from './context';

/** The router with no services: these requests are refused before any handler runs. */
async function app() {
  const server = express();
  server.use(await createRouter({} as RouterOptions));
  server.use(
    (
      error: Error & { status?: number; statusCode?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        error.status ??
        error.statusCode ??
        { InputError: 400, NotFoundError: 404 }[error.name] ??
        500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  return server;
}

describe('createRouter: the spec validates every request first', () => {
  it.each([
    [
      'get',
      '/evidence/expiring?days=abc',
      undefined,
      'Invalid request: days: must be integer',
    ],
    [
      'get',
      '/evidence/expiring?days=400',
      undefined,
      'Invalid request: days: must be <= 366',
    ],
    [
      'get',
      '/blockers?bogus=1',
      undefined,
      'Invalid request: bogus: unknown query parameter',
    ],
    [
      'get',
      '/scores?groupBy=team',
      undefined,
      'Invalid request: groupBy: must be equal to one of the allowed values',
    ],
    [
      'delete',
      '/entities/component/default/a/runbooks/not-a-uuid',
      undefined,
      'Invalid request: id: must match format "uuid"',
    ],
    [
      'patch',
      '/entities/component/default/a/tasks/1.1',
      { notes: 'x' },
      "Invalid request: (body): must have required property 'expectedVersion'",
    ],
    [
      'patch',
      '/entities/component/default/a/tasks/1.1',
      { expectedVersion: 'one' },
      'Invalid request: expectedVersion: must be integer',
    ],
    [
      'patch',
      '/entities/component/default/a/tasks/1.1',
      { expectedVersion: 0, score: 100 },
      'Invalid request: score: is not a field of this request',
    ],
    [
      'post',
      '/entities/component/default/a/tasks/1.1/evidence',
      { kind: 'check', summary: 's' },
      'Invalid request: kind: must be equal to one of the allowed values',
    ],
    [
      'post',
      '/entities/component/default/a/runbooks',
      { type: 'dr', title: 't', url: 'https://x', 'a b': 1 },
      'Invalid request: (body): "a b" is not a field of this request',
    ],
  ] as const)(
    '%s %s → 400 naming the field',
    async (method, path, body, message) => {
      const res = await request(await app())
        [method](path)
        .send(body as object | undefined);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(message);
    },
  );

  it('accepts unencoded entity refs in query values (allowReserved)', async () => {
    // The only complaint is the unknown parameter: `owner` passed as it was.
    const res = await request(await app()).get(
      '/blockers?owner=group:default/a&bogus=1',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid request: bogus: unknown query parameter',
    );
  });

  it('refuses NUL in a body field before the spec is consulted', async () => {
    const res = await request(await app())
      .patch('/entities/component/default/a/tasks/1.1')
      .send({ expectedVersion: 0, notes: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid request: notes: must not contain NUL characters',
    );
  });

  it('answers an oversized body 413, not 400', async () => {
    const res = await request(await app())
      .patch('/entities/component/default/a/tasks/1.1')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({ expectedVersion: 0, notes: 'x'.repeat(1_100_000) }),
      );
    expect(res.status).toBe(413);
  });

  it('answers unknown paths 404 in the same error shape', async () => {
    const res = await request(await app()).get('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'No readiness endpoint GET /nothing/here',
    );
  });
});
