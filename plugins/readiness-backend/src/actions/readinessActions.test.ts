import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { readinessPlugin } from '../plugin';
import {
  restrictedCatalogFactory,
  restrictedPermissionsFactory,
} from '../__testUtils__/restrictedCatalog';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import {
  component,
  demoUserInfoFactory,
  group,
  people,
  system,
} from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

const payments = component('payments', 'payments-team', 'pay');
payments.relations!.push({
  type: 'dependsOn',
  targetRef: 'component:default/ledger',
});
// A service on a one-task template, which can be brought to Ready (and through the gate).
const edge = component('edge', 'payments-sre', 'pay');
edge.metadata.annotations!['readiness/template'] = 'quick';

const entities: Entity[] = [
  payments,
  component('ledger', 'payments-team', 'pay', { tier: '1' }),
  component('vault', 'payments-team', 'pay'),
  edge,
  component('search', 'growth-team', 'shop'),
  system('pay', 'commerce'),
  system('shop', 'commerce'),
  group('engineering'),
  group('payments-team', 'engineering'),
  group('payments-sre', 'payments-team'),
  group('growth-team', 'engineering'),
];

/** Bob may not see the vault in the catalog: the catalog hides it from him. */
const hiddenFrom: Record<string, string[]> = {
  [people.otherTeam]: ['component:default/vault'],
};

const quickTemplate = {
  id: 'quick',
  title: 'Quick',
  dimensions: [{ id: 'ops', title: 'Ops' }],
  phases: [
    {
      id: 'ops',
      title: 'Operations',
      tasks: [
        {
          id: 'q.1',
          title: 'On-call rota',
          dimension: 'ops',
          points: 10,
          maxAgeDays: 5,
        },
      ],
    },
  ],
};

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const entityPath = (name: string) =>
  `/api/readiness/entities/component/default/${name}`;

describe('readiness actions through the MCP actions backend', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('%p', id => {
    let server: Server;
    const clients: Client[] = [];

    /** An MCP client signed in as `user`, on the MCP actions backend's endpoint. */
    async function mcpAs(user: string) {
      const { port } = server.address() as AddressInfo;
      const client = new Client({ name: 'readiness-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(
          new URL(`http://localhost:${port}/api/mcp-actions/v1`),
          { requestInit: { headers: as(user) } },
        ),
      );
      clients.push(client);
      return client;
    }

    async function callTool(
      user: string,
      name: string,
      args: Record<string, unknown>,
    ) {
      const client = await mcpAs(user);
      return client.callTool({ name: `readiness.${name}`, arguments: args });
    }

    /** A tool's structured output; throws the tool's error text when it errs. */
    async function output(
      user: string,
      name: string,
      args: Record<string, unknown>,
    ): Promise<any> {
      const result = await callTool(user, name, args);
      if (result.isError) {
        throw new Error(`${name} failed: ${(result.content as any[])[0].text}`);
      }
      return result.structuredContent;
    }

    /** A tool's error text. */
    async function errorOf(
      user: string,
      name: string,
      args: Record<string, unknown>,
    ) {
      const result = await callTool(user, name, args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      return (result.content as Array<{ text: string }>)
        .map(c => c.text)
        .join('\n');
    }

    async function postEvidence(
      user: string,
      name: string,
      taskId: string,
      kind: 'link' | 'document' = 'link',
    ) {
      const res = await request(server)
        .post(`${entityPath(name)}/tasks/${taskId}/evidence`)
        .set(as(user))
        .send({
          kind,
          url: `https://docs.example.com/${name}/${taskId}`,
          summary: `Proof of ${name} ${taskId}`,
        });
      expect(res.status).toBe(201);
      return res.body.evidence.id as string;
    }

    /** The owner marks the task done with a document; a second person approves it. */
    async function prove(owner: string, name: string, taskId: string) {
      await request(server)
        .patch(`${entityPath(name)}/tasks/${taskId}`)
        .set(as(owner))
        .send({ expectedVersion: 0, status: 'done' })
        .expect(200);
      const evidenceId = await postEvidence(owner, name, taskId, 'document');
      await request(server)
        .post(
          `${entityPath(name)}/tasks/${taskId}/evidence/${evidenceId}/review`,
        )
        .set(as(people.reviewer))
        .send({ decision: 'approve' })
        .expect(200);
    }

    beforeAll(async () => {
      const knex = await databases.init(id);
      const backend = await startTestBackend({
        features: [
          readinessPlugin,
          mcpActionsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              backend: { actions: { pluginSources: ['readiness'] } },
              readiness: {
                templates: [quickTemplate],
                initiatives: [
                  {
                    id: 'payments-no-p0',
                    title: 'Payments with no open P0',
                    owner: 'group:default/engineering',
                    selection: { owners: ['group:default/payments-team'] },
                    goal: { noOpenP0: true },
                    startsAt: '2026-01-01',
                    deadline: '2099-12-31',
                  },
                ],
                // The catalog sync runs at start-up (no initial delay), registering the
                // plans and storing the org chart for group rollups.
                schedules: {
                  sync: {
                    frequency: { minutes: 10 },
                    timeout: { minutes: 10 },
                  },
                },
                ci: {
                  principals: [
                    {
                      subject: 'external:ci-payments',
                      entities: ['component:default/payments'],
                      tasks: ['1.2'],
                    },
                  ],
                },
              },
            },
          }),
          restrictedCatalogFactory(entities, hiddenFrom),
          restrictedPermissionsFactory(entities, hiddenFrom),
          demoUserInfoFactory(),
        ],
      });
      server = backend.server;

      // payments: one P1 proven; vault and payments: evidence expiring in 2 and 7 days;
      // search (growth-team) too; edge: its only task proven, so it is Ready.
      await prove(people.owner, 'payments', '1.2');
      await postEvidence(people.owner, 'payments', '1.6');
      await postEvidence(people.owner, 'vault', '3.6');
      await postEvidence(people.otherTeam, 'search', '1.6');
      await prove(people.subTeam, 'edge', 'q.1');
    });

    afterAll(async () => {
      await Promise.all(clients.map(c => c.close()));
    });

    it('lists the five read-only readiness tools with their input schemas', async () => {
      const { tools } = await (await mcpAs(people.owner)).listTools();
      const byName = Object.fromEntries(tools.map(t => [t.name, t]));
      expect(Object.keys(byName).sort()).toEqual([
        'readiness.check-readiness-gate',
        'readiness.get-group-readiness',
        'readiness.get-initiative-progress',
        'readiness.get-service-readiness',
        'readiness.list-expiring-evidence',
      ]);
      for (const tool of tools) {
        expect(tool.annotations).toMatchObject({
          readOnlyHint: true,
          idempotentHint: true,
          destructiveHint: false,
        });
        expect(tool.description!.length).toBeGreaterThan(80);
        expect(tool.inputSchema.type).toBe('object');
      }
      const service = byName['readiness.get-service-readiness'].inputSchema;
      expect(service.required).toEqual(['entityRef']);
      expect(service.properties).toMatchObject({
        entityRef: { type: 'string' },
        nextTasks: { type: 'integer', default: 5, minimum: 1, maximum: 50 },
      });
      const gate = byName['readiness.check-readiness-gate'].inputSchema;
      expect(gate.required).toEqual(['entityRef']);
      expect(gate.properties).toMatchObject({
        minScore: { type: 'number', default: 0, minimum: 0, maximum: 100 },
        minStage: { type: 'integer', default: 0 },
        allowAtRisk: { type: 'boolean', default: false },
        allowExpired: { type: 'boolean', default: false },
        requireDependencies: { type: 'boolean', default: false },
      });
      expect(
        byName['readiness.get-group-readiness'].inputSchema.required,
      ).toEqual(['groupRef']);
      expect(
        byName['readiness.list-expiring-evidence'].inputSchema.properties,
      ).toMatchObject({
        groupRef: { type: 'string' },
        days: { type: 'integer', default: 30, maximum: 366 },
      });
    });

    it("answers a service's readiness as the HTTP API does for the same user", async () => {
      const http = await request(server)
        .get(entityPath('payments'))
        .set(as(people.owner))
        .expect(200);
      const out = await output(people.owner, 'get-service-readiness', {
        entityRef: 'component:default/payments',
        nextTasks: 3,
      });
      expect(out).toMatchObject({
        entityRef: 'component:default/payments',
        pending: false,
        template: {
          id: 'default',
          version: 3,
          readyThreshold: 90,
          atRiskThreshold: 60,
        },
        score: http.body.score.overall,
        capped: http.body.score.capped,
        status: 'not_ready',
        stage: { reached: 0, of: 5 },
        dependencies: [
          {
            entityRef: 'component:default/ledger',
            overall: 0,
            status: 'not_ready',
          },
        ],
      });
      // 1.2 (10 points of a P1) is proven: the score is above zero, but five P0s block.
      expect(out.score).toBeGreaterThan(0);
      expect(out.counts).toMatchObject({ proven: 1, expired: 0 });
      expect(out.blockers).toEqual(http.body.score.blockers);
      expect(out.blockers.map((b: any) => b.taskId)).toEqual(
        expect.arrayContaining(['1.1', '2.1', '2.2', '3.6']),
      );
      expect(out.blockers).toHaveLength(5);
      // The next tasks worth most, as the service's what-if ranks them.
      expect(out.nextTasks).toEqual(http.body.whatIf.slice(0, 3));
      expect(out.nextTasks).toHaveLength(3);
      expect(out.nextTasks.map((t: any) => t.taskId)).not.toContain('1.2');
      expect(out.nextTasks[0].gain).toBeGreaterThanOrEqual(
        out.nextTasks[2].gain,
      );
      expect(out.nextTasks[0].gain).toBeGreaterThan(0);
      expect(out.dimensions).toHaveLength(5);

      // A short ref means a component in the default namespace.
      const short = await output(people.owner, 'get-service-readiness', {
        entityRef: 'edge',
      });
      expect(short).toMatchObject({
        entityRef: 'component:default/edge',
        template: { id: 'quick' },
        score: 100,
        status: 'ready',
        blockers: [],
        nextTasks: [],
        stage: { reached: 1, of: 1, title: 'Operations' },
      });
    });

    it('tells a user who may not see a service nothing about it', async () => {
      // Alice (and the catalog) see the vault...
      const seen = await output(people.owner, 'get-service-readiness', {
        entityRef: 'component:default/vault',
      });
      expect(seen.entityRef).toBe('component:default/vault');
      // ...bob gets the answer of a service that does not exist, from every tool.
      const hidden = await errorOf(people.otherTeam, 'get-service-readiness', {
        entityRef: 'component:default/vault',
      });
      const missing = await errorOf(people.otherTeam, 'get-service-readiness', {
        entityRef: 'component:default/no-such-service',
      });
      expect(hidden).toBe(
        'NotFoundError: Entity component:default/vault was not found in the catalog',
      );
      expect(missing).toBe(
        'NotFoundError: Entity component:default/no-such-service was not found in the catalog',
      );
      expect(hidden).not.toMatch(/score|overall|blocker/i);
      expect(
        await errorOf(people.otherTeam, 'check-readiness-gate', {
          entityRef: 'component:default/vault',
        }),
      ).toBe(hidden);
      // As the HTTP API answers him.
      const http = await request(server)
        .get(entityPath('vault'))
        .set(as(people.otherTeam));
      expect(http.status).toBe(404);
      expect(http.body.error.message).toBe(
        'Entity component:default/vault was not found in the catalog',
      );

      // Rollups and expiring evidence leave the vault out for him.
      const alices = await output(people.owner, 'get-group-readiness', {
        groupRef: 'payments-team',
      });
      const bobs = await output(people.otherTeam, 'get-group-readiness', {
        groupRef: 'payments-team',
      });
      expect(alices.readiness.services).toBe(4);
      expect(bobs.readiness.services).toBe(3);
      const expiring = await output(
        people.otherTeam,
        'list-expiring-evidence',
        { groupRef: 'group:default/payments-team' },
      );
      expect(expiring.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/edge',
        'component:default/payments',
      ]);
    });

    it("rolls a group up over its sub-groups, with each direct sub-group's row", async () => {
      const out = await output(people.owner, 'get-group-readiness', {
        groupRef: 'group:default/payments-team',
      });
      // payments, ledger and vault, plus edge of the payments-sre sub-team.
      expect(out.groupRef).toBe('group:default/payments-team');
      expect(out.readiness).toMatchObject({
        groupRef: 'group:default/payments-team',
        services: 4,
        statusCounts: { ready: 1, at_risk: 0, not_ready: 3 },
        blockers: 15,
        max: 100,
        min: 0,
      });
      expect(out.subGroups).toEqual([
        expect.objectContaining({
          groupRef: 'group:default/payments-sre',
          services: 1,
          average: 100,
          statusCounts: { ready: 1, at_risk: 0, not_ready: 0 },
          blockers: 0,
        }),
      ]);
      // The same row as the org rollup's drill-down one level up.
      const http = await request(server)
        .get(
          '/api/readiness/scores?groupBy=group&parent=group:default/engineering',
        )
        .set(as(people.owner))
        .expect(200);
      const row = http.body.items.find(
        (g: any) => g.key === 'group:default/payments-team',
      );
      expect(out.readiness).toMatchObject({
        services: row.services,
        average: row.average,
        min: row.min,
        max: row.max,
        blockers: row.blockers,
        statusCounts: row.statusCounts,
        stageCounts: row.stageCounts,
      });

      // The root rolls up everything: five services, two direct sub-groups.
      const root = await output(people.owner, 'get-group-readiness', {
        groupRef: 'engineering',
      });
      expect(root.readiness.services).toBe(5);
      expect(root.subGroups.map((g: any) => [g.groupRef, g.services])).toEqual([
        ['group:default/growth-team', 1],
        ['group:default/payments-team', 4],
      ]);

      expect(
        await errorOf(people.owner, 'get-group-readiness', {
          groupRef: 'no-such-team',
        }),
      ).toBe(
        'NotFoundError: Entity group:default/no-such-team was not found in the catalog',
      );
      expect(
        await errorOf(people.owner, 'get-group-readiness', {
          groupRef: 'component:default/payments',
        }),
      ).toBe('InputError: "component:default/payments" is not a group ref');
    });

    it("lists the evidence expiring on a group's services, soonest first", async () => {
      const out = await output(people.owner, 'list-expiring-evidence', {
        groupRef: 'payments-team',
      });
      expect(out).toMatchObject({
        groupRef: 'group:default/payments-team',
        days: 30,
      });
      // vault 3.6 expires in 2 days, edge q.1 (the payments-sre sub-team's) in 5, payments
      // 1.6 in 7; search (growth-team) is not listed.
      expect(
        out.items.map((i: any) => [i.entityRef, i.taskId, i.expired]),
      ).toEqual([
        ['component:default/vault', '3.6', false],
        ['component:default/edge', 'q.1', false],
        ['component:default/payments', '1.6', false],
      ]);
      expect(out.items[2].summary).toBe('Proof of payments 1.6');
      const inDays = (i: any) =>
        Math.round((Date.parse(i.expiresAt) - Date.now()) / 86_400_000);
      expect(out.items.map(inDays)).toEqual([2, 5, 7]);
      // As the HTTP API lists them, less the other teams'.
      const http = await request(server)
        .get('/api/readiness/evidence/expiring?days=30')
        .set(as(people.owner))
        .expect(200);
      expect(http.body.items.map((i: any) => i.evidenceId).sort()).toEqual(
        [
          ...out.items.map((i: any) => i.evidenceId),
          http.body.items.find(
            (i: any) => i.entityRef === 'component:default/search',
          ).evidenceId,
        ].sort(),
      );

      const soon = await output(people.owner, 'list-expiring-evidence', {
        groupRef: 'payments-team',
        days: 3,
      });
      expect(soon.items.map((i: any) => i.entityRef)).toEqual([
        'component:default/vault',
      ]);
      const growth = await output(people.otherTeam, 'list-expiring-evidence', {
        groupRef: 'growth-team',
      });
      expect(growth.items.map((i: any) => [i.entityRef, i.taskId])).toEqual([
        ['component:default/search', '1.6'],
      ]);
    });

    it("follows an initiative's progress within the caller's view", async () => {
      const all = await output(people.owner, 'get-initiative-progress', {});
      expect(all.initiatives).toEqual([
        {
          id: 'payments-no-p0',
          title: 'Payments with no open P0',
          owner: 'group:default/engineering',
          startsAt: '2026-01-01',
          deadline: '2099-12-31',
          state: 'active',
          services: 4,
          met: 1,
        },
      ]);
      const one = await output(people.owner, 'get-initiative-progress', {
        id: 'payments-no-p0',
      });
      expect(one.detail.teams).toEqual([
        { owner: 'group:default/payments-sre', services: 1, met: 1 },
        { owner: 'group:default/payments-team', services: 3, met: 0 },
      ]);
      expect(one.detail.lacking.map((s: any) => s.entityRef)).toEqual([
        'component:default/ledger',
        'component:default/payments',
        'component:default/vault',
      ]);
      expect(one.detail.lacking[0].lacking[0]).toMatch(
        /^\d+ open P0 blockers?$/,
      );
      // The same as the HTTP API answers.
      const http = await request(server)
        .get('/api/readiness/initiatives/payments-no-p0')
        .set(as(people.owner))
        .expect(200);
      expect(http.body.progress).toEqual({ services: 4, met: 1 });
      // Bob may not see the vault: it is neither counted nor named to him.
      const bob = await output(people.otherTeam, 'get-initiative-progress', {
        id: 'payments-no-p0',
      });
      expect(bob.initiatives[0]).toMatchObject({ services: 3, met: 1 });
      expect(bob.detail.lacking.map((s: any) => s.entityRef)).not.toContain(
        'component:default/vault',
      );
      expect(
        await errorOf(people.owner, 'get-initiative-progress', { id: 'nope' }),
      ).toBe('NotFoundError: No initiative nope');
    });

    it('answers the CI gate as the HTTP gate does', async () => {
      const http = await request(server)
        .get(`${entityPath('payments')}/gate?minScore=50`)
        .set(as(people.owner))
        .expect(412);
      const failed = await output(people.owner, 'check-readiness-gate', {
        entityRef: 'component:default/payments',
        minScore: 50,
      });
      expect(failed).toMatchObject({
        entityRef: 'component:default/payments',
        pass: false,
        status: 'not_ready',
        minScore: 50,
        minStage: 0,
        requireDependencies: false,
        notReadyDependencies: ['component:default/ledger'],
        score: http.body.score,
        reasons: http.body.reasons,
      });
      expect(failed.reasons[0]).toMatch(/^5 open P0 blocker\(s\): 1\.1 /);
      expect(failed.reasons).toContain(
        `score ${failed.score} is below the required 50`,
      );
      expect(failed.reasons).not.toContain(
        'depends on not-ready component:default/ledger (0)',
      );

      const strict = await output(people.owner, 'check-readiness-gate', {
        entityRef: 'component:default/payments',
        minStage: 2,
        requireDependencies: true,
      });
      expect(strict.reasons).toEqual(
        expect.arrayContaining([
          'depends on not-ready component:default/ledger (0)',
          'stage 0 of 5 is below the required 2',
        ]),
      );

      // edge proved its only task: it passes, as on the HTTP API.
      const passed = await output(people.owner, 'check-readiness-gate', {
        entityRef: 'edge',
        minScore: 90,
        minStage: 1,
      });
      expect(passed).toMatchObject({
        entityRef: 'component:default/edge',
        pass: true,
        score: 100,
        status: 'ready',
        reasons: [],
        stage: { reached: 1, of: 1 },
      });
      await request(server)
        .get(`${entityPath('edge')}/gate?minScore=90&minStage=1`)
        .set(as(people.owner))
        .expect(200);

      expect(
        await errorOf(people.owner, 'check-readiness-gate', {
          entityRef: 'component:default/payments',
          minScore: 101,
        }),
      ).toMatch(/^InputError: Invalid input to action/);
    });

    it('lets a service principal read only the plans it is bound to', async () => {
      // What a CI token calling the plugin's actions endpoint directly is, and may do.
      const ci = {
        Authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci-payments'),
          targetPluginId: 'readiness',
        }),
      };
      const invoke = (action: string, input: object) =>
        request(server)
          .post(
            `/api/readiness/.backstage/actions/v1/actions/readiness:${action}/invoke`,
          )
          .set(ci)
          .send(input);
      const bound = await invoke('check-readiness-gate', {
        entityRef: 'component:default/payments',
      });
      expect(bound.status).toBe(200);
      const http = await request(server)
        .get(`${entityPath('payments')}/gate`)
        .set(ci)
        .expect(412);
      expect(bound.body.output).toMatchObject({
        pass: false,
        score: http.body.score,
        reasons: http.body.reasons,
      });
      expect(bound.body.output.score).toBeGreaterThan(0);
      const unbound = await invoke('get-service-readiness', {
        entityRef: 'component:default/ledger',
      });
      expect(unbound.status).toBe(403);
      expect(unbound.body.error.message).toBe(
        'Service principal external:ci-payments is not bound to component:default/ledger in readiness.ci.principals',
      );
      const orgWide = await invoke('get-group-readiness', {
        groupRef: 'payments-team',
      });
      expect(orgWide.status).toBe(403);
      expect(orgWide.body.error.message).toBe(
        'Only users may read group readiness',
      );
    });
  });
});
