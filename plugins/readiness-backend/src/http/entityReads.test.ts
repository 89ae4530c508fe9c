import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { summarizeEntityReadiness } from '@prodready/plugin-readiness-common';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  component,
  demoUserInfoFactory,
  people,
  system,
} from '../__testUtils__/fixtures';
import {
  registerPlans,
  startProductionBackend,
} from '../__testUtils__/testBackend';
import { readinessPlugin } from '../plugin';
import { defaultTemplate } from '../templates/defaultTemplate';
import {
  restrictedCatalogFactory,
  restrictedPermissionsFactory,
} from '../__testUtils__/restrictedCatalog';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { entityReadTag, ifNoneMatchHas } from './conditional';

jest.setTimeout(60_000);

/** The default template grown to 40 tasks: a sixth phase of copies of its own tasks. */
const fortyTasks = {
  ...defaultTemplate,
  id: 'forty',
  phases: [
    ...defaultTemplate.phases,
    {
      id: 'more',
      title: 'More of the same',
      tasks: defaultTemplate.phases
        .flatMap(p => p.tasks)
        .slice(0, 13)
        .map((t, i) => ({ ...t, id: `6.${i + 1}` })),
    },
  ],
};

const ledger = component('ledger', 'payments-team', 'pay');
ledger.metadata.annotations!['readiness/template'] = 'forty';
const entities = [
  component('payments', 'payments-team', 'pay'),
  ledger,
  system('pay', 'commerce'),
];
const base = '/api/readiness/entities/component/default/payments';
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

/** Bob may not see payments in the catalog. */
const hiddenFrom: Record<string, string[]> = {
  [people.otherTeam]: ['component:default/payments'],
};

describe('entity reads: the card summary and ETags', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('%p', id => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(id);
      ({ server } = await startTestBackend({
        features: [
          readinessPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { readiness: { templates: [fortyTasks] } },
          }),
          restrictedCatalogFactory(entities, hiddenFrom),
          restrictedPermissionsFactory(entities, hiddenFrom),
          demoUserInfoFactory(),
        ],
      }));
      await registerPlans(server, ['payments', 'ledger']);
      // Some state worth summarising: a person's evidence on a task.
      const evidence = await request(server)
        .post(`${base}/tasks/1.1/evidence`)
        .set(as(people.owner))
        .send({
          kind: 'link',
          url: 'https://dashboards.example.com/payments',
          summary: 'Dashboard',
        });
      if (evidence.status !== 201) {
        throw new Error(
          `evidence not recorded: ${evidence.status} ${evidence.text}`,
        );
      }
    });

    it.each([
      ['default', 27, base],
      ['forty', 40, '/api/readiness/entities/component/default/ledger'],
    ])(
      'the summary of a plan of the %s template (%p tasks) is at most 4 KB, and says what the full read says',
      async (templateId, taskCount, path) => {
        const full = await request(server).get(path).set(as(people.owner));
        const summary = await request(server)
          .get(`${path}/summary`)
          .set(as(people.owner));
        expect(full.status).toBe(200);
        expect(summary.status).toBe(200);
        expect(full.body.plan.templateId).toBe(templateId);
        expect(
          full.body.template.phases.flatMap((p: any) => p.tasks),
        ).toHaveLength(taskCount);
        const summaryBytes = Buffer.byteLength(JSON.stringify(summary.body));
        const fullBytes = Buffer.byteLength(JSON.stringify(full.body));
        if (process.env.READINESS_PRINT_SIZES) {
          // eslint-disable-next-line no-console
          console.log({ templateId, summaryBytes, fullBytes });
        }
        expect(summaryBytes).toBeLessThanOrEqual(4096);
        expect(fullBytes).toBeGreaterThan(summaryBytes * 4);
        // The same numbers: the summary is the full read summarised (only the instant differs).
        const expected = summarizeEntityReadiness(full.body);
        expect({
          ...summary.body,
          score: { ...summary.body.score, evaluatedAt: 'x' },
        }).toEqual({
          ...expected,
          score: { ...expected.score, evaluatedAt: 'x' },
        });
        expect(summary.body.score.overall).toBe(full.body.score.overall);
        expect(summary.body.score.blockers).toEqual(full.body.score.blockers);
        expect(summary.body.score.dimensions).toEqual(
          full.body.score.dimensions,
        );
        expect(summary.body).not.toHaveProperty('template');
        expect(summary.body).not.toHaveProperty('tasks');
        expect(summary.body.score).not.toHaveProperty('tasks');
      },
    );

    it("the tab's read is the full read without the template, which is served once per version", async () => {
      const path = '/api/readiness/entities/component/default/ledger';
      const full = await request(server).get(path).set(as(people.owner));
      const plan = await request(server)
        .get(`${path}/plan`)
        .set(as(people.owner));
      expect(plan.status).toBe(200);
      const { template, ...rest } = full.body;
      const unstamped = (b: any) => ({
        ...b,
        score: { ...b.score, evaluatedAt: 'x' },
      });
      expect(unstamped(plan.body)).toEqual(unstamped(rest));
      const version: number = plan.body.plan.templateVersion;
      expect(plan.body.plan.templateId).toBe('forty');
      expect(version).toBe(template.version);

      const key: string = plan.body.plan.templateKey;
      expect(key).toMatch(/^[\w-]{32}$/);
      const url = `/api/readiness/templates/forty/versions/${version}?key=${key}`;
      const first = await request(server).get(url).set(as(people.owner));
      expect(first.status).toBe(200);
      expect(first.body).toEqual(template);
      expect(first.headers['cache-control']).toBe(
        'private, max-age=31536000, immutable',
      );
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      const again = await request(server)
        .get(url)
        .set(as(people.owner))
        .set('If-None-Match', first.headers.etag);
      expect(again.status).toBe(304);
      // Without a key the answer may change (a version's text can), so it is revalidated.
      const unkeyed = await request(server)
        .get(`/api/readiness/templates/forty/versions/${version}`)
        .set(as(people.owner));
      expect(unkeyed.body).toEqual(template);
      expect(unkeyed.headers['cache-control']).toBe('private, no-cache');

      // The same version with other text (the config changed without a new version number):
      // the plan pinned that text, its read names its key, and the key serves exactly it.
      const edited = { ...template, title: 'Edited in place' };
      await knex('readiness_plans')
        .where({ entity_ref: 'component:default/ledger' })
        .update({ template_snapshot: JSON.stringify(edited) });
      const editedPlan = await request(server)
        .get(`${path}/plan`)
        .set(as(people.owner));
      const editedKey: string = editedPlan.body.plan.templateKey;
      expect(editedKey).not.toBe(key);
      const pinned = await request(server)
        .get(
          `/api/readiness/templates/forty/versions/${version}?key=${editedKey}`,
        )
        .set(as(people.owner));
      expect(pinned.status).toBe(200);
      expect(pinned.body.title).toBe('Edited in place');
      await knex('readiness_plans')
        .where({ entity_ref: 'component:default/ledger' })
        .update({ template_snapshot: JSON.stringify(template) });
      const unknownKey = await request(server)
        .get(`/api/readiness/templates/forty/versions/${version}?key=nokey-000`)
        .set(as(people.owner));
      expect(unknownKey.status).toBe(404);

      const missing = await request(server)
        .get(`/api/readiness/templates/forty/versions/${version + 5}`)
        .set(as(people.owner));
      expect(missing.status).toBe(404);
      const bad = await request(server)
        .get('/api/readiness/templates/forty/versions/1.5')
        .set(as(people.owner));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/version/);
    });

    it.each([
      ['full', base, '1.3'],
      ['summary', `${base}/summary`, '2.3'],
      ['plan', `${base}/plan`, '4.1'],
    ])(
      'the %s read: 304 to its own tag, a new tag after a task update, 404 to a user who may not see it',
      async (_view, path, taskId) => {
        const first = await request(server).get(path).set(as(people.owner));
        expect(first.status).toBe(200);
        const tag = first.headers.etag;
        expect(tag).toMatch(/^W\/".+"$/);
        // Small answers are sent uncompressed (see the compression test below).
        expect(first.headers['cache-control']).toMatch(
          /^private, no-cache(, no-transform)?$/,
        );

        const again = await request(server)
          .get(path)
          .set(as(people.owner))
          .set('If-None-Match', tag);
        expect(again.status).toBe(304);
        expect(again.text).toBeFalsy();
        expect(again.headers.etag).toBe(tag);

        const version =
          (
            await request(server).get(base).set(as(people.owner))
          ).body.tasks.find((t: any) => t.taskId === '1.2')?.version ?? 0;
        const update = await request(server)
          .patch(`${base}/tasks/${taskId}`)
          .set(as(people.owner))
          .send({ expectedVersion: version, status: 'done' });
        expect(update.status).toBe(200);

        const after = await request(server)
          .get(path)
          .set(as(people.owner))
          .set('If-None-Match', tag);
        expect(after.status).toBe(200);
        expect(after.headers.etag).toBeDefined();
        expect(after.headers.etag).not.toBe(tag);

        const hidden = await request(server)
          .get(path)
          .set(as(people.otherTeam))
          .set('If-None-Match', after.headers.etag);
        expect(hidden.status).toBe(404);
        expect(hidden.headers.etag).not.toBe(after.headers.etag);
        expect(hidden.text).not.toMatch(/overall|blocker/);

        // An unbound service principal is refused before any tag is compared.
        const unbound = await request(server)
          .get(path)
          .set({
            Authorization: mockCredentials.service.header({
              onBehalfOf: mockCredentials.service('external:someone'),
              targetPluginId: 'readiness',
            }),
          })
          .set('If-None-Match', after.headers.etag);
        expect(unbound.status).toBe(403);
      },
    );
  });
});

describe('compression by the production root HTTP router', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'gzips the full read when the client accepts it, %p',
    async id => {
      const knex = await databases.init(id);
      const backend = await startProductionBackend({ knex, entities });
      try {
        const res = await request(backend.url)
          .get(base)
          .set(as(people.owner))
          .set('Accept-Encoding', 'gzip');
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe('gzip');
        expect(res.body.entityRef).toBe('component:default/payments');
        const plain = await request(backend.url)
          .get(base)
          .set(as(people.owner))
          .set('Accept-Encoding', 'identity');
        expect(plain.headers['content-encoding']).toBeUndefined();
        // The card's few KB go as they are: gzip would cost each read more than it saves.
        const card = await request(backend.url)
          .get(`${base}/summary`)
          .set(as(people.owner))
          .set('Accept-Encoding', 'gzip');
        expect(card.status).toBe(200);
        expect(card.headers['content-encoding']).toBeUndefined();
        expect(card.headers['cache-control']).toBe(
          'private, no-cache, no-transform',
        );
        // The tag survives compression: a revalidation through this router is a 304.
        const again = await request(backend.url)
          .get(base)
          .set(as(people.owner))
          .set('Accept-Encoding', 'gzip')
          .set('If-None-Match', res.headers.etag);
        expect(again.status).toBe(304);
      } finally {
        await backend.stop();
      }
    },
  );
});

describe('entityReadTag and If-None-Match', () => {
  const body = {
    entityRef: 'component:default/a',
    plan: { createdAt: '2026-01-01', updatedAt: '2026-01-02' },
    score: { overall: 50, evaluatedAt: '2026-01-03' },
  };

  it('ignores the instant of evaluation, and a preview\'s "now" plan instants', () => {
    const tag = entityReadTag('full', body);
    expect(
      entityReadTag('full', {
        ...body,
        score: { ...body.score, evaluatedAt: '2026-02-01' },
      }),
    ).toBe(tag);
    expect(
      entityReadTag('full', {
        ...body,
        plan: { ...body.plan, updatedAt: '2026-02-01' },
      }),
    ).not.toBe(tag);
    const preview = { ...body, pending: true as const };
    expect(
      entityReadTag('full', {
        ...preview,
        plan: { createdAt: 'later', updatedAt: 'later' },
      }),
    ).toBe(entityReadTag('full', preview));
    expect(entityReadTag('full', preview)).not.toBe(tag);
    expect(entityReadTag('summary', body)).not.toBe(tag);
    expect(
      entityReadTag('full', {
        ...body,
        score: { ...body.score, overall: 51 },
      } as typeof body),
    ).not.toBe(tag);
  });

  it('matches a listed tag, weakly, or *', () => {
    expect(ifNoneMatchHas('W/"a", W/"b"', 'W/"b"')).toBe(true);
    expect(ifNoneMatchHas('"b"', 'W/"b"')).toBe(true);
    expect(ifNoneMatchHas('*', 'W/"b"')).toBe(true);
    expect(ifNoneMatchHas('W/"c"', 'W/"b"')).toBe(false);
    expect(ifNoneMatchHas(undefined, 'W/"b"')).toBe(false);
  });
});
