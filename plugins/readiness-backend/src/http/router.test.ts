import { AuthenticationError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { createRouter, validatedByHandler } from './router';
import { ReadinessRouter, RouteContext, RouterOptions } from './context';
import { addEntityRoutes } from './entityRoutes';
import { addImportRoutes } from './importRoutes';
import { addInitiativeRoutes } from './initiativeRoutes';
import { addOrgRoutes } from './orgRoutes';
import { addTaskRoutes } from './taskRoutes';
import { nameUnknownFields } from './validation';

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

describe('createRouter: bad input is a 400 naming the field, before any handler work', () => {
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
      'delete',
      '/entities/component/default/a/runbooks/not-a-uuid',
      undefined,
      'Invalid request: id: must be a UUID',
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

  // The hot reads skip the spec's validator (see VALIDATED_BY_HANDLER): their handlers
  // still refuse bad input with the field's name, before any service is touched.
  it.each([
    ['/scores?groupBy=team', 'Invalid request: groupBy: Invalid enum value'],

    [`/scores?owner=${'x'.repeat(2001)}`, 'Invalid request: owner'],
    [
      '/scores?groupBy=owner&bogus=1',
      'Invalid request: bogus: unknown query parameter',
    ],
    [
      '/entities/component/default/a%20b/summary',
      'Malformed entity ref: invalid name',
    ],
    [
      '/entities/comp%00onent/default/a/summary',
      'Malformed entity ref: invalid kind',
    ],
    [
      '/entities/component/default/%E0%A4%A/summary',
      'Invalid request: Failed to decode',
    ],
    [
      '/scores?groupBy=owner&a%20b=1',
      'Invalid request: (query): "a b" is an unknown query parameter',
    ],
  ])('hot read GET %s → 400 from its handler', async (path, message) => {
    const res = await request(await app()).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(message);
  });

  it('leaves only the card summary and the rollups to their handlers', () => {
    const skipped = [
      '/api/readiness//scores',
      '/api/readiness//entities/component/default/payments/summary',
      '/scores',
      '/entities/component/default/payments/summary/',
    ];
    const validated = [
      '/api/readiness//services',
      '/api/readiness//entities/component/default/scores',
      '/api/readiness//entities/component/default/payments',
      '/api/readiness//entities/component/default/payments/plan',
      '/api/readiness//entities/component/default/summary/tasks/1.1',
      '/api/readiness//scores/x',
      '/entities/component/default/summary',
    ];
    expect(skipped.filter(p => !validatedByHandler(p))).toEqual([]);
    expect(validated.filter(validatedByHandler)).toEqual([]);
  });

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

const URN_UUID = 'urn:uuid:123e4567-e89b-12d3-a456-426614174000';

/**
 * The router over stand-ins: templates answer an empty list, the gate echoes its query,
 * and every route that asks for credentials is refused 401, so a request that passes the
 * validation gets 401 (or 200) instead of 400.
 */
async function appWithServices() {
  const refuse = async () => {
    throw new AuthenticationError('no credentials in this test');
  };
  const options = {
    httpAuth: { credentials: refuse },
    templates: { list: () => [] },
  } as unknown as RouterOptions;
  const server = express();
  server.use(await createRouter(options));
  server.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        (
          {
            InputError: 400,
            AuthenticationError: 401,
            NotFoundError: 404,
          } as Record<string, number>
        )[error.name] ?? 500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  return server;
}

/** The handlers an area adds, without the generated router (and so without its validation). */
function handlersOf(
  add: (router: ReadinessRouter, ctx: RouteContext) => void,
  ctx: Partial<RouteContext>,
) {
  const handlers = new Map<string, (req: any, res: any) => Promise<void>>();
  const record =
    (method: string) =>
    (path: string, handler: (req: any, res: any) => Promise<void>) =>
      handlers.set(`${method} ${path}`, handler);
  const router = {
    get: record('GET'),
    post: record('POST'),
    put: record('PUT'),
    patch: record('PATCH'),
    delete: record('DELETE'),
  } as unknown as ReadinessRouter;
  add(router, ctx as RouteContext);
  return handlers;
}

function fakeResponse() {
  const res: any = { statusCode: 200 };
  res.status = (code: number) => {
    res.statusCode = code;
    return res;
  };
  res.json = (body: unknown) => {
    res.body = body;
    return res;
  };
  return res;
}

describe('createRouter: strict uuids', () => {
  it.each([
    ['delete', `/entities/component/default/a/runbooks/${URN_UUID}`, 'id'],
    ['patch', `/entities/component/default/a/runbooks/${URN_UUID}`, 'id'],
    [
      'post',
      `/entities/component/default/a/tasks/1.1/evidence/${URN_UUID}/review`,
      'evidenceId',
    ],
  ] as const)(
    '%s %s (urn:uuid:…) → 400 naming %s',
    async (method, path, field) => {
      const body =
        method === 'post' ? { decision: 'approve' } : { title: 'renamed' };
      const res = await request(await appWithServices())
        [method](path)
        .send(method === 'delete' ? undefined : body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        new RegExp(`^Invalid request: ${field}: `),
      );
    },
  );
});

describe('createRouter: unknown query parameters', () => {
  it('ignores them where the old router did (a cache buster passes)', async () => {
    const server = await appWithServices();
    const templates = await request(server).get('/templates?_=1');
    expect(templates.status).toBe(200);
    expect(templates.body).toEqual({ items: [] });
    // Past the validation, these stop at the credentials (401), not at the query (400).
    for (const [method, path] of [
      ['get', '/reviews?_=1'],
      ['get', '/entities/component/default/a?_=1'],
      ['get', '/entities/component/default/a/changes?_=1'],
      ['get', '/entities/component/default/a/export?_=1'],
      ['get', '/initiatives/drills?_=1'],
      ['post', '/entities/component/default/a/upgrade?_=1'],
      [
        'delete',
        '/entities/component/default/a/runbooks/123e4567-e89b-12d3-a456-426614174000?_=1',
      ],
    ] as const) {
      const res = await request(server)[method](path);
      expect([path, res.status]).toEqual([path, 401]);
    }
    const patch = await request(server)
      .patch('/entities/component/default/a/tasks/1.1?_=1')
      .send({ expectedVersion: 0, notes: 'n' });
    expect(patch.status).toBe(401);
  });

  it.each([
    '/services?bogus=1',
    '/scores?bogus=1',
    '/blockers?bogus=1',
    '/trend?bogus=1',
    '/export?bogus=1',
    '/evidence/expiring?bogus=1',
    '/initiatives?bogus=1',
    '/initiatives/drills/export?bogus=1',
    '/entities/component/default/a/gate?bogus=1',
    '/entities/component/default/a/history?bogus=1',
  ])('refuses them where the query was strict: %s → 400', async path => {
    const res = await request(await appWithServices()).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('bogus');
  });

  it.each([
    [
      'delete',
      '/entities/component/default/a/tasks/1.1/exemption?expectedVersion=0&bogus=1',
    ],
    ['post', '/entities/component/default/a/import?bogus=1'],
  ] as const)('refuses them on %s %s as before → 400', async (method, path) => {
    const res = await request(await appWithServices())
      [method](path)
      .send(method === 'post' ? { markdown: '- [x] 1.1' } : undefined);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('bogus');
  });
});

describe('handlers check their own query (were the validation ever skipped)', () => {
  const gateHandler = (gate: jest.Mock) =>
    handlersOf(addEntityRoutes, {
      httpAuth: { credentials: async () => ({}) } as any,
      checkServiceRead: async () => {},
      service: { gate } as any,
    }).get('GET /entities/:kind/:namespace/:name/gate')!;
  const params = { kind: 'component', namespace: 'default', name: 'a' };

  it('fills in the gate defaults itself', async () => {
    const gate = jest.fn(async (_ref, query) => ({ pass: true, ...query }));
    const res = fakeResponse();
    await gateHandler(gate)({ params, query: {} }, res);
    expect(gate.mock.calls[0][1]).toEqual({
      minScore: 0,
      minStage: 0,
      allowAtRisk: false,
      allowExpired: false,
      requireDependencies: false,
    });
  });

  it('refuses a gate minScore that is not a number (no fail-open)', async () => {
    const gate = jest.fn(async () => ({ pass: true }));
    await expect(
      gateHandler(gate)({ params, query: { minScore: 'abc' } }, fakeResponse()),
    ).rejects.toThrow(/^Invalid request: minScore: /);
    expect(gate).not.toHaveBeenCalled();
  });

  it('refuses an expiring window that is not a number', async () => {
    const expiringEvidencePage = jest.fn(async () => ({ items: [] }));
    const handler = handlersOf(addOrgRoutes, {
      httpAuth: { credentials: async () => ({}) } as any,
      service: { expiringEvidencePage } as any,
    }).get('GET /evidence/expiring')!;
    await expect(
      handler({ query: { days: 'abc' } }, fakeResponse()),
    ).rejects.toThrow(/^Invalid request: days: /);
    await expect(
      handler({ query: { limit: '1e3' } }, fakeResponse()),
    ).rejects.toThrow(/^Invalid request: limit: /);
    const res = fakeResponse();
    await handler({ query: {} }, res);
    expect(res.body).toEqual({ days: 30, items: [] });
    expect(expiringEvidencePage).toHaveBeenCalledWith(
      { days: 30, limit: 100 },
      {},
    );
  });

  it('refuses a revoke without a well-formed expectedVersion', async () => {
    const write = jest.fn(async () => {});
    const handler = handlersOf(addTaskRoutes, { write } as any).get(
      'DELETE /entities/:kind/:namespace/:name/tasks/:taskId/exemption',
    )!;
    await expect(
      handler(
        { params: { ...params, taskId: '1.1' }, query: {} },
        fakeResponse(),
      ),
    ).rejects.toThrow(/^Invalid request: expectedVersion: /);
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses an unknown export format and import apply', async () => {
    const exportInitiative = jest.fn(async () => '');
    const initiativeHandler = handlersOf(
      (router, ctx) =>
        addInitiativeRoutes(router, {
          httpAuth: ctx.httpAuth,
          auditor: ctx.auditor,
          initiatives: ctx.initiatives,
          authorizeAdmin: async () => {},
        }),
      {
        httpAuth: { credentials: async () => ({}) } as any,
        initiatives: { export: exportInitiative } as any,
      },
    ).get('GET /initiatives/:id/export')!;
    await expect(
      initiativeHandler(
        { params: { id: 'drills' }, query: { format: 'pdf' } },
        fakeResponse(),
      ),
    ).rejects.toThrow(/^Invalid request: format: /);
    expect(exportInitiative).not.toHaveBeenCalled();

    const importHandler = handlersOf(addImportRoutes, {
      httpAuth: { credentials: async () => ({}) } as any,
    }).get('POST /entities/:kind/:namespace/:name/import')!;
    await expect(
      importHandler(
        { params, query: { apply: 'yes' }, body: { markdown: 'x' } },
        fakeResponse(),
      ),
    ).rejects.toThrow(/^Invalid request: apply: /);
  });

  it('the gate over the spec: minScore=abc → 400 naming it; no query → minScore 0', async () => {
    const gate = jest.fn(async (_ref, query) => ({ pass: true, ...query }));
    const server = express();
    server.use(
      await createRouter({
        httpAuth: { credentials: async () => ({ principal: {} }) },
        service: { gate },
      } as unknown as RouterOptions),
    );
    server.use(
      (
        error: Error,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res
          .status(error.name === 'InputError' ? 400 : 500)
          .json({ error: { name: error.name, message: error.message } });
      },
    );
    const bad = await request(server).get(
      '/entities/component/default/a/gate?minScore=abc',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid request: minScore: /);
    const ok = await request(server).get('/entities/component/default/a/gate');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ pass: true, minScore: 0, minStage: 0 });
  });
});

describe('createRouter: 400 messages', () => {
  it.each([
    [
      'evidence',
      '/entities/component/default/a/tasks/1.1/evidence',
      { kind: 'link', summary: 's', url: 'https://example.com/a b' },
    ],
    [
      'runbook',
      '/entities/component/default/a/runbooks',
      { type: 'dr', title: 't', url: 'https://example.com/a b' },
    ],
  ] as const)(
    'accepts a %s URL with a space, as the zod schema does',
    async (_what, path, body) => {
      const res = await request(await appWithServices())
        .post(path)
        .send(body);
      expect(res.status).toBe(401);
    },
  );

  it('accepts a runbook patch URL with a space', async () => {
    const res = await request(await appWithServices())
      .patch(
        '/entities/component/default/a/runbooks/123e4567-e89b-12d3-a456-426614174000',
      )
      .send({ url: 'https://example.com/a b' });
    expect(res.status).toBe(401);
  });

  it.each([
    [
      { kind: 'check', summary: 's', url: 'https://x.example' },
      'Invalid request: kind: must be link, commit, document or attestation (check evidence is recorded by the backend itself)',
    ],
    [
      { kind: 'link', summary: 's', url: 'https://x.example', source: 'ci' },
      'Invalid request: source: only "manual" may be sent; the server records who produced the evidence',
    ],
  ])(
    'evidence %j → the message listing what may be sent',
    async (body, message) => {
      const res = await request(await appWithServices())
        .post('/entities/component/default/a/tasks/1.1/evidence')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    },
  );

  it('names unknown fields of $ref bodies and of nested objects', () => {
    const apiSpec = {
      paths: {
        '/things/{id}': {
          post: {
            requestBody: {
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Thing' },
                },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: 'object',
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              inner: { $ref: '#/components/schemas/Inner' },
              plain: {
                type: 'object',
                additionalProperties: false,
                properties: { a: { type: 'string' } },
              },
            },
          },
          Inner: {
            type: 'object',
            additionalProperties: false,
            properties: { b: { type: 'string' } },
          },
        },
      },
    };
    const req = (body: unknown) => ({
      method: 'POST',
      path: '/things/x',
      body,
    });
    expect(
      nameUnknownFields(
        'Invalid request: (body): must NOT have additional properties',
        req({ id: 'x', bogus: 1 }),
        apiSpec,
      ),
    ).toBe('Invalid request: bogus: is not a field of this request');
    expect(
      nameUnknownFields(
        'Invalid request: inner: must NOT have additional properties; plain: must NOT have additional properties',
        req({ inner: { b: 'b', c: 1 }, plain: { z: 1 } }),
        apiSpec,
      ),
    ).toBe(
      'Invalid request: inner.c: is not a field of this request; plain.z: is not a field of this request',
    );
  });
});
