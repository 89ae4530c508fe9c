import { ReadinessClient } from './ReadinessClient';

const ref = { kind: 'Component', namespace: 'default', name: 'pay ments' };

function setup(body: unknown, status = 200) {
  const fetch = jest.fn(
    async (_url: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
  const client = new ReadinessClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://backend/api/readiness',
    },
    fetchApi: { fetch },
  });
  const call = (i = 0) => ({
    url: String(fetch.mock.calls[i][0]),
    method: fetch.mock.calls[i][1]?.method,
    body: fetch.mock.calls[i][1]?.body
      ? JSON.parse(String(fetch.mock.calls[i][1]!.body))
      : undefined,
  });
  return { client, call };
}

describe('ReadinessClient', () => {
  it('reads the card summary of an entity from its own route', async () => {
    const summary = { entityRef: 'component:default/pay ments', next: [] };
    const { client, call } = setup(summary);
    await expect(client.getEntitySummary(ref)).resolves.toEqual(summary);
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/entities/Component/default/pay%20ments/summary',
      method: 'GET',
      body: undefined,
    });
  });

  it('reads the full view as the plan plus its template, fetching each template version once', async () => {
    const plan = {
      entityRef: 'component:default/pay ments',
      plan: {
        templateId: 'default',
        templateVersion: 3,
        templateKey: 'k3y-0000',
      },
      tasks: [],
    };
    const template = { id: 'default', version: 3, phases: [] };
    const fetch = jest.fn(async (input: RequestInfo | URL) => {
      const body = String(input).includes('/templates/') ? template : plan;
      return new Response(JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
      });
    });
    const client = new ReadinessClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/readiness' },
      fetchApi: { fetch },
    });
    await expect(client.getEntityReadiness(ref)).resolves.toEqual({
      ...plan,
      template,
    });
    await client.getEntityReadiness(ref);
    expect(fetch.mock.calls.map(c => String(c[0]))).toEqual([
      'http://backend/api/readiness/entities/Component/default/pay%20ments/plan',
      'http://backend/api/readiness/templates/default/versions/3?key=k3y-0000',
      'http://backend/api/readiness/entities/Component/default/pay%20ments/plan',
    ]);
  });

  it('asks again for a template version whose request failed', async () => {
    const { client, call } = setup({ error: { message: 'down' } }, 503);
    await expect(
      client.getTemplateVersion('default', 3, 'k3y-0000'),
    ).rejects.toThrow();
    await expect(
      client.getTemplateVersion('default', 3, 'k3y-0000'),
    ).rejects.toThrow();
    expect(call(1).url).toBe(
      'http://backend/api/readiness/templates/default/versions/3?key=k3y-0000',
    );
  });

  it('posts a review decision to the evidence of a task', async () => {
    const { client, call } = setup({ evidence: { id: 'e/1' }, score: {} });
    await expect(
      client.reviewEvidence(ref, '5.1', 'e/1', {
        decision: 'reject',
        comment: 'Link is a 404',
      }),
    ).resolves.toEqual({ evidence: { id: 'e/1' }, score: {} });
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/entities/Component/default/pay%20ments/tasks/5.1/evidence/e%2F1/review',
      method: 'POST',
      body: { decision: 'reject', comment: 'Link is a 404' },
    });
  });

  it('lists the review queue', async () => {
    const items = [{ entityRef: 'component:default/a', taskId: '1.1' }];
    const { client, call } = setup({ items });
    await expect(client.listReviews()).resolves.toEqual(items);
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/reviews',
      method: 'GET',
      body: undefined,
    });
  });

  it('sends notApplicable with an exemption request', async () => {
    const { client, call } = setup({ task: {}, score: {} });
    await client.requestExemption(ref, '2.1', {
      expectedVersion: 3,
      reason: 'no database',
      expiresAt: '2027-01-01T23:59:59.000Z',
      notApplicable: true,
    });
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/entities/Component/default/pay%20ments/tasks/2.1/exemption-request',
      method: 'POST',
      body: {
        expectedVersion: 3,
        reason: 'no database',
        expiresAt: '2027-01-01T23:59:59.000Z',
        notApplicable: true,
      },
    });
  });

  it('lists the initiatives', async () => {
    const items = [{ id: 'tier1-drills', progress: { services: 4, met: 1 } }];
    const { client, call } = setup({ items });
    await expect(client.listInitiatives()).resolves.toEqual(items);
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/initiatives',
      method: 'GET',
      body: undefined,
    });
  });

  it('asks for the initiatives of one service by its full entity ref', async () => {
    const items = [{ id: 'tier1-drills', met: false, lacking: ['x'] }];
    const { client, call } = setup({ items });
    await expect(client.getEntityInitiatives(ref)).resolves.toEqual(items);
    expect(call().url).toBe(
      'http://backend/api/readiness/initiatives?entityRef=component%3Adefault%2Fpay+ments',
    );
    expect(new URL(call().url).searchParams.get('entityRef')).toBe(
      'component:default/pay ments',
    );
  });

  it('gets one initiative by its encoded id', async () => {
    const { client, call } = setup({ id: 'q1 drills', teams: [] });
    await expect(client.getInitiative('q1 drills')).resolves.toEqual({
      id: 'q1 drills',
      teams: [],
    });
    expect(call().url).toBe(
      'http://backend/api/readiness/initiatives/q1%20drills',
    );
  });

  it('exports an initiative as text in the asked format', async () => {
    const fetch = jest.fn(
      async (_url: RequestInfo | URL) =>
        new Response('service,owner\r\ncomponent:default/a,team\r\n', {
          headers: { 'content-type': 'text/csv' },
        }),
    );
    const client = new ReadinessClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/readiness' },
      fetchApi: { fetch },
    });
    await expect(client.exportInitiative('tier1-drills', 'csv')).resolves.toBe(
      'service,owner\r\ncomponent:default/a,team\r\n',
    );
    await client.exportInitiative('tier1-drills', 'markdown');
    expect(fetch.mock.calls.map(c => String(c[0]))).toEqual([
      'http://backend/api/readiness/initiatives/tier1-drills/export?format=csv',
      'http://backend/api/readiness/initiatives/tier1-drills/export?format=markdown',
    ]);
  });

  it('turns a refused review into a ResponseError', async () => {
    const { client } = setup(
      {
        error: { name: 'NotAllowedError', message: 'you submitted it' },
        response: { statusCode: 403 },
      },
      403,
    );
    await expect(
      client.reviewEvidence(ref, '5.1', 'e1', { decision: 'approve' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'you submitted it' } },
    });
  });

  it('patches a task at its encoded path, typed from the spec', async () => {
    const { client, call } = setup({ task: { taskId: '1.1' }, score: {} });
    await client.updateTask(ref, '1.1', { expectedVersion: 2, status: 'done' });
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/entities/Component/default/pay%20ments/tasks/1.1',
      method: 'PATCH',
      body: { expectedVersion: 2, status: 'done' },
    });
  });

  it('refuses not_applicable as a status without calling the API', async () => {
    const { client } = setup({});
    await expect(
      client.updateTask(ref, '1.1', {
        expectedVersion: 0,
        status: 'not_applicable',
      }),
    ).rejects.toThrow(/request an exemption/);
  });

  it('puts the page, sort and filters of the services list in the query', async () => {
    const { client, call } = setup({ items: [], total: 0 });
    await client.listServices({
      owner: 'group:default/a,group:default/b',
      sort: 'blockers',
      order: 'desc',
      limit: 20,
      cursor: '',
    });
    expect(call().url).toBe(
      'http://backend/api/readiness/services?owner=group%3Adefault%2Fa%2Cgroup%3Adefault%2Fb&sort=blockers&order=desc&limit=20',
    );
  });

  it('applies an import with apply=true and the corrections', async () => {
    const { client, call } = setup({ applied: [] });
    await client.applyImport(ref, '- [x] 1.1', { L1: '1.1' });
    expect(call()).toEqual({
      url: 'http://backend/api/readiness/entities/Component/default/pay%20ments/import?apply=true',
      method: 'POST',
      body: { markdown: '- [x] 1.1', mapping: { L1: '1.1' } },
    });
  });

  it('turns a 409 into a ReadinessConflictError with the current state', async () => {
    const current = { taskId: '1.1', status: 'done', version: 3 };
    const { client } = setup(
      { error: { name: 'ConflictError', message: 'stale' }, current },
      409,
    );
    await expect(
      client.updateTask(ref, '1.1', { expectedVersion: 1, notes: 'x' }),
    ).rejects.toMatchObject({ name: 'ReadinessConflictError', current });
  });
});
