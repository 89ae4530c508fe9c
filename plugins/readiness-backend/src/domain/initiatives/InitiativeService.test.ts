import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { Initiative } from '@prodready/plugin-readiness-common';
import { CatalogSyncJob } from '../../jobs/CatalogSyncJob';
import { ReadinessNotifier } from '../../notify/ReadinessNotifier';
import { TemplateRegistry } from '../../templates/TemplateRegistry';
import { InitiativeService } from './InitiativeService';
import { createTestDatabases } from '../../__testUtils__/testDatabase';
import { createTestService } from '../../__testUtils__/testService';
import { component, group } from '../../__testUtils__/fixtures';

jest.setTimeout(60_000);

const DAY = 86_400_000;

describe('InitiativeService', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'follows a goal over a group and its sub-teams on proof alone, records the burn-up and reminds once per milestone, %p',
    async id => {
      // root > left > team-a, team-b; root > right > team-c.
      const entities = [
        group('root'),
        group('left', 'root'),
        group('right', 'root'),
        group('team-a', 'left'),
        group('team-b', 'left'),
        group('team-c', 'right'),
        component('a1', 'team-a', 'sys', { tier: '1' }),
        component('a2', 'team-a', 'sys', { tier: '2' }),
        component('b1', 'team-b', 'sys', { tier: '1' }),
        component('c1', 'team-c', 'sys', { tier: '1' }),
      ];
      const { store, service, catalog, auth, logger, config } =
        await createTestService({ knex: await databases.init(id), entities });
      await new CatalogSyncJob({
        catalog,
        auth,
        service,
        templates: TemplateRegistry.fromConfig(config),
        logger,
      }).run();

      const sent: NotificationSendOptions[] = [];
      const notifier = new ReadinessNotifier({
        notifications: {
          async send(n: NotificationSendOptions) {
            sent.push(n);
          },
        },
        store,
        logger,
      });
      let visible: string[] | undefined;
      const initiatives = new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => visible,
        notifier,
        logger,
        definitions: [],
      });
      await initiatives.start();
      const now = new Date();
      const day = (offset: number) =>
        new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
      const drills: Initiative = {
        id: 'tier1-restore-drills',
        title: 'Tier-1 restore drills',
        owner: 'group:default/root',
        selection: { owners: ['group:default/left'], tiers: ['1'] },
        goal: { tasks: ['3.2'] },
        startsAt: day(-30),
        deadline: day(20),
      };
      const admin = 'user:default/root';
      await initiatives.create(drills, admin);
      const user = mockCredentials.user();

      const prove = async (
        ref: string,
        actor: string,
        producer: 'ci' | 'person',
      ) => {
        const state = (await store.tasks.list(ref)).find(
          t => t.taskId === '3.2',
        );
        await service.updateTask({
          entityRef: ref,
          taskId: '3.2',
          input: { expectedVersion: state?.version ?? 0, status: 'done' },
          actor,
        });
        await service.addEvidence({
          entityRef: ref,
          taskId: '3.2',
          actor,
          producer,
          input: {
            kind: 'link',
            url: 'https://drills.example.com/1',
            summary: 'restore drill',
            source: 'manual',
          },
        });
      };

      // team-b marks its own drill done with its own link: a claim, not proof.
      await prove('component:default/b1', 'user:default/bea', 'person');
      let detail = await initiatives.get(drills.id, user, now);
      expect(detail.services).toEqual([
        {
          entityRef: 'component:default/a1',
          owner: 'group:default/team-a',
          met: false,
          lacking: ['task 3.2 not proven'],
        },
        {
          entityRef: 'component:default/b1',
          owner: 'group:default/team-b',
          met: false,
          lacking: ['task 3.2 not proven'],
        },
      ]);
      expect(
        await initiatives.recordAll(new Date(now.getTime() - DAY)),
      ).toEqual({
        recorded: 1,
        sent: 0,
      });

      // The restore system proves a1's drill (a machine-made record).
      await prove('component:default/a1', 'service:restore-bot', 'ci');
      detail = await initiatives.get(drills.id, user, now);
      expect(detail.progress).toEqual({ services: 2, met: 1 });
      expect(detail.state).toBe('active');
      expect(detail.teams).toEqual([
        { owner: 'group:default/team-a', services: 1, met: 1 },
        { owner: 'group:default/team-b', services: 1, met: 0 },
      ]);
      expect(
        await initiatives.forEntity('component:default/b1', user, now),
      ).toEqual([
        {
          id: drills.id,
          title: drills.title,
          deadline: drills.deadline,
          state: 'active',
          met: false,
          lacking: ['task 3.2 not proven'],
        },
      ]);
      expect(
        await initiatives.forEntity('component:default/c1', user, now),
      ).toEqual([]);

      // Burn-up: one point per day, the day's last recording wins.
      await initiatives.recordAll(now);
      await initiatives.recordAll(now);
      expect((await initiatives.get(drills.id, user, now)).history).toEqual([
        { day: day(-1), services: 2, met: 0 },
        { day: day(0), services: 2, met: 1 },
      ]);

      // Reminders: 14 days before, 7 days before and overdue, once each, to team-b (its
      // service misses the goal) and the initiative's owner; team-a is not bothered.
      const at = (daysBeforeEnd: number) =>
        new Date(
          Date.parse(`${drills.deadline}T00:00:00Z`) +
            DAY -
            daysBeforeEnd * DAY,
        );
      const recipients = () =>
        sent.map(n => [
          (n.recipients as any).entityRef,
          n.payload.title,
          n.payload.link,
        ]);
      expect((await initiatives.recordAll(at(15))).sent).toBe(0);
      expect((await initiatives.recordAll(at(13))).sent).toBe(2);
      expect((await initiatives.recordAll(at(12))).sent).toBe(0);
      expect((await initiatives.recordAll(at(6))).sent).toBe(2);
      expect((await initiatives.recordAll(at(-1))).sent).toBe(2);
      expect((await initiatives.recordAll(at(-2))).sent).toBe(0);
      expect(recipients()).toEqual([
        [
          'group:default/team-b',
          `Tier-1 restore drills is due ${drills.deadline} (14 days)`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
        [
          'group:default/root',
          `Tier-1 restore drills is due ${drills.deadline} (14 days)`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
        [
          'group:default/team-b',
          `Tier-1 restore drills is due ${drills.deadline} (7 days)`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
        [
          'group:default/root',
          `Tier-1 restore drills is due ${drills.deadline} (7 days)`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
        [
          'group:default/team-b',
          `Tier-1 restore drills was due ${drills.deadline}`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
        [
          'group:default/root',
          `Tier-1 restore drills was due ${drills.deadline}`,
          '/readiness/initiatives/tier1-restore-drills',
        ],
      ]);
      expect(sent[0].payload.description).toBe(
        '1 of 1 services still miss the goal.',
      );
      expect(sent[1].payload.description).toBe(
        '1 of 2 services still miss the goal.',
      );

      // A caller sees progress over the services they can see, and nothing else: the stored
      // burn-up counts every service, so it is not shown to a caller with a partial view.
      visible = ['component:default/a1'];
      expect((await initiatives.list(user, now))[0].progress).toEqual({
        services: 1,
        met: 1,
      });
      const partial = await initiatives.get(drills.id, user, now);
      expect(partial.history).toEqual([]);
      expect(partial.historyHidden).toBe(true);
      // The entity's own answer says whether it meets the goal; the initiative's state is
      // not "met" because one service meets it.
      expect(
        (await initiatives.forEntity('component:default/a1', user, now))[0],
      ).toMatchObject({ met: true, state: 'active' });
      expect(
        await initiatives.forEntity('component:default/b1', user, now),
      ).toEqual([]);
      visible = undefined;

      // Exports: a CSV row per service, and a markdown report.
      const csv = await initiatives.export(drills.id, 'csv', user, now);
      expect(csv.split('\r\n')).toEqual([
        'initiative,deadline,service,owner,meets goal,lacking',
        `tier1-restore-drills,${drills.deadline},component:default/a1,group:default/team-a,yes,`,
        `tier1-restore-drills,${drills.deadline},component:default/b1,group:default/team-b,no,task 3.2 not proven`,
        '',
      ]);
      const md = await initiatives.export(drills.id, 'markdown', user, now);
      expect(md).toContain('# Tier-1 restore drills');
      expect(md).toContain('- Goal: tasks 3.2 proven');
      expect(md).toContain('| group:default/team-b | 1 | 0 (0 %) |');
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps initiatives defined as code read-only and refuses bad definitions naming the field, %p',
    async id => {
      const { store, logger } = await createTestService({
        knex: await databases.init(id),
        entities: [],
      });
      const config = new ConfigReader({
        readiness: {
          initiatives: [
            {
              id: 'no-p0',
              title: 'No open P0 anywhere',
              owner: 'group:default/platform-team',
              goal: { noOpenP0: true },
              startsAt: '2027-01-01',
              deadline: '2027-06-30',
            },
          ],
        },
      });
      const definitions = InitiativeService.readConfig(config);
      const initiatives = new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => undefined,
        logger,
        definitions,
      });
      await initiatives.start();
      await expect(
        initiatives.update(
          'no-p0',
          { ...definitions[0], title: 'Changed' },
          'user:default/root',
        ),
      ).rejects.toThrow(
        'Initiative no-p0 is defined in app-config; change it there',
      );
      await expect(initiatives.delete('no-p0')).rejects.toThrow(
        'defined in app-config',
      );
      await expect(
        initiatives.create({ ...definitions[0] }, 'user:default/root'),
      ).rejects.toThrow('Initiative no-p0 already exists');
      expect(() =>
        InitiativeService.readConfig(
          new ConfigReader({
            readiness: {
              initiatives: [{ ...definitions[0], goal: { minScore: 120 } }],
            },
          }),
        ),
      ).toThrow(
        'Invalid initiative in readiness.initiatives[0]: goal.minScore: Number must be less than or equal to 100',
      );

      // Dropped from config: gone from the store on the next start.
      await new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => undefined,
        logger: mockServices.logger.mock(),
        definitions: [],
      }).start();
      expect(await store.initiatives.list()).toEqual([]);
    },
  );
});

describe('InitiativeService against a team escaping its initiative', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps a service that left the selection (or stopped being tracked) counted until it meets the goal, %p',
    async id => {
      const tier1 = (name: string, tier: string, annotated = true) =>
        component(name, 'team-a', 'sys', { tier, annotated });
      const entities = [group('team-a'), tier1('a1', '1'), tier1('a2', '1')];
      const { store, service, auth, logger, config } = await createTestService({
        knex: await databases.init(id),
        entities,
      });
      const syncWith = async (list: Entity[]) => {
        await new CatalogSyncJob({
          catalog: catalogServiceMock({ entities: list }),
          auth,
          service,
          templates: TemplateRegistry.fromConfig(config),
          logger,
        }).run();
      };
      await syncWith(entities);
      const initiatives = new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => undefined,
        logger,
      });
      const now = new Date();
      await initiatives.create(
        {
          id: 'tier1',
          title: 'Tier 1 drills',
          owner: 'group:default/team-a',
          selection: { tiers: ['1'] },
          goal: { tasks: ['3.2'] },
          startsAt: '2026-01-01',
          deadline: '2099-01-01',
        },
        'user:default/root',
      );
      const user = mockCredentials.user();
      expect((await initiatives.get('tier1', user, now)).progress).toEqual({
        services: 2,
        met: 0,
      });

      // The team re-tiers a1 and drops a2's readiness annotations: neither leaves.
      await syncWith([
        group('team-a'),
        tier1('a1', '2'),
        tier1('a2', '1', false),
      ]);
      const after = await initiatives.get('tier1', user, now);
      expect(after.progress).toEqual({ services: 2, met: 0 });
      expect(after.services.map(s => [s.entityRef, s.lacking, s.left])).toEqual(
        [
          ['component:default/a1', ['task 3.2 not proven'], true],
          ['component:default/a2', ['no longer tracked for readiness'], true],
        ],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses impossible dates and short system refs are completed, %p',
    async id => {
      const { store, logger } = await createTestService({
        knex: await databases.init(id),
        entities: [],
      });
      const initiatives = new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => undefined,
        logger,
      });
      const base = {
        id: 'x',
        title: 'Some goal',
        owner: 'group:default/team-a',
        goal: { noOpenP0: true },
        startsAt: '2027-01-01',
        deadline: '2027-02-31',
      };
      await expect(
        initiatives.create(base, 'user:default/root'),
      ).rejects.toThrow('deadline: is not a date');
      const created = await initiatives.create(
        {
          ...base,
          deadline: '2027-02-28',
          selection: {
            systems: ['pay', 'system:default/Shop'],
            domains: ['commerce'],
          },
        },
        'user:default/root',
      );
      expect(created.selection).toEqual({
        systems: ['system:default/pay', 'system:default/shop'],
        domains: ['domain:default/commerce'],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reminds again after the deadline moved, %p',
    async id => {
      const entities = [group('team-a'), component('a1', 'team-a', 'sys')];
      const { store, service, catalog, auth, logger, config } =
        await createTestService({ knex: await databases.init(id), entities });
      await new CatalogSyncJob({
        catalog,
        auth,
        service,
        templates: TemplateRegistry.fromConfig(config),
        logger,
      }).run();
      const sent: NotificationSendOptions[] = [];
      const initiatives = new InitiativeService({
        store: store.initiatives,
        visibleRefs: async () => undefined,
        logger,
        notifier: new ReadinessNotifier({
          notifications: {
            async send(n: NotificationSendOptions) {
              sent.push(n);
            },
          },
          store,
          logger,
        }),
      });
      const def = {
        id: 'drills',
        title: 'Drills',
        owner: 'group:default/team-a',
        goal: { tasks: ['3.2'] },
        startsAt: '2026-01-01',
        deadline: '2027-03-31',
      };
      await initiatives.create(def, 'user:default/root');
      await initiatives.recordAll(new Date('2027-03-20T00:00:00Z'));
      expect(sent).toHaveLength(1); // the owner group; a1's team is the same group
      await initiatives.update(
        'drills',
        { ...def, deadline: '2027-06-30' },
        'user:default/root',
      );
      await initiatives.recordAll(new Date('2027-06-20T00:00:00Z'));
      expect(sent.map(n => n.payload.title)).toEqual([
        'Drills is due 2027-03-31 (14 days)',
        'Drills is due 2027-06-30 (14 days)',
      ]);
    },
  );
});
