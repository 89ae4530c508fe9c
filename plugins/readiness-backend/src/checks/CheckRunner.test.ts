import { scorePlan } from '@prodready/plugin-readiness-common';
import { createTestService } from '../__testUtils__/testService';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { ReadinessCheck } from '@prodready/plugin-readiness-node';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { CheckRunner } from './CheckRunner';
import { builtinChecks } from './builtinChecks';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component, backupPolicies } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const config = new ConfigReader({
  readiness: {
    backupPolicies,
  },
});

/** Evidence a bound service principal (CI, the backup system) reports on a task. */
const report = (
  service: ReadinessService,
  taskId: string,
  actor: string,
  url: string,
  recordedAt: Date,
) =>
  service.addEvidence({
    entityRef: 'component:default/payments',
    taskId,
    actor,
    producer: 'ci',
    input: { kind: 'link', url, summary: 'reported', source: 'manual' },
    recordedAt,
  });

describe('CheckRunner', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'turns check outcomes into evidence and status, without duplicates, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const templates = TemplateRegistry.fromConfig(config);
      const payments = component('payments', 'payments-team', 'pay');
      payments.metadata.annotations!['readiness/backup-policy'] = 'daily-35d';
      const catalog = catalogServiceMock({ entities: [payments] });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const service = new ReadinessService({
        store,
        templates,
        catalog,
        auth,
        logger,
        config: config,
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';

      let sentryUp: boolean | undefined = true;
      const sentry: ReadinessCheck = {
        id: 'sentry-project-active',
        title: 'Sentry project active',
        source: 'sentry',
        async run() {
          if (sentryUp === undefined)
            return { outcome: 'unknown', summary: 'Sentry unreachable' };
          return sentryUp
            ? { outcome: 'passed', summary: 'events in the last 24 h' }
            : { outcome: 'failed', summary: 'no events' };
        },
      };
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        [...builtinChecks(config), sentry],
      );
      expect(() => runner.add(sentry)).toThrow(
        'Readiness check "sentry-project-active" is registered twice',
      );

      const now = new Date();
      // passed: 1.1 sentry, 3.1 backup, 3.3 DR runbook, 4.4 owner;
      // failed: 3.2 drill, 3.5, 3.6 no backup reported, 5.3
      expect(await runner.run(now)).toEqual({
        passed: 4,
        failed: 4,
        unknown: 0,
        errors: 0,
      });
      const byTask = async () =>
        Object.fromEntries(
          (await store.tasks.list(ref)).map(t => [t.taskId, t]),
        );
      let tasks = await byTask();
      expect(tasks['1.1']).toMatchObject({
        status: 'done',
        updatedBy: 'check:sentry-project-active',
      });
      expect(tasks['3.1'].evidence).toEqual([
        expect.objectContaining({
          kind: 'check',
          source: 'backup',
          summary: 'Backup policy daily-35d: RPO 24 h, RTO 4 h, retention 35 d',
          trust: 'claimed',
        }),
      ]);
      expect(tasks['3.3'].evidence[0]).toMatchObject({
        kind: 'check',
        url: 'https://runbooks.example.com/payments/dr',
        trust: 'claimed',
      });
      expect(tasks['4.4'].evidence[0]).toMatchObject({ trust: 'verified' });
      expect(tasks['4.4']).toMatchObject({ status: 'done' });
      expect(tasks['3.5']).toBeUndefined(); // no incident runbook: failed, nothing written
      const scored = await service.recompute(ref, 'test');
      // A declared backup policy is the team's word: half points. It no longer proves that
      // backups run: that is the P0 3.6, a blocker until a backup is reported within the RPO.
      expect(scored.tasks.find(t => t.taskId === '3.1')).toMatchObject({
        kind: 'attested',
        blocker: false,
      });
      expect(scored.tasks.find(t => t.taskId === '3.6')).toMatchObject({
        blocker: true,
      });
      expect(scored.tasks.find(t => t.taskId === '4.4')).toMatchObject({
        kind: 'proven',
      });

      // A restore drill reported by CI within the policy's 90 days satisfies 3.2.
      await service.addEvidence({
        entityRef: ref,
        taskId: '3.2',
        actor: 'service:ci',
        producer: 'ci',
        input: {
          kind: 'link',
          url: 'https://ci.example.com/drill/7',
          summary: 'restore drill passed',
          source: 'manual',
        },
        recordedAt: new Date(now.getTime() - 10 * 86_400_000),
      });
      await runner.run(now);
      tasks = await byTask();
      // The bound CI principal's report marked the task done; the check adds its proof.
      expect(tasks['3.2']).toMatchObject({
        status: 'done',
        updatedBy: 'service:ci',
      });
      expect(
        tasks['3.2'].evidence.find(
          e => e.recordedBy === 'check:restore-drill-recent',
        )!.summary,
      ).toMatch(
        /^Last restore drill \d{4}-\d{2}-\d{2}; policy daily-35d requires one every 90 days$/,
      );
      // 100 days later the same drill is too old: the check's proof turns into a failure
      // that has already run out, and the CI report itself has expired: worth nothing.
      const later = new Date(now.getTime() + 100 * 86_400_000);
      await runner.run(later);
      const stale = (await byTask())['3.2'];
      expect(
        stale.evidence.find(e => e.recordedBy === 'check:restore-drill-recent'),
      ).toMatchObject({
        summary: expect.stringMatching(
          /^Failed: Last restore drill .* is older than/,
        ),
        expiresAt: later.toISOString(),
      });
      const rescored = await service.getPlanState(ref);
      expect(
        scorePlan(rescored.template, { '3.2': stale }, later).tasks.find(
          t => t.taskId === '3.2',
        ),
      ).toMatchObject({ kind: 'expired', earned: 0 });

      // Hourly re-runs refresh, never append.
      await runner.run(new Date(now.getTime() + 3_600_000));
      tasks = await byTask();
      expect(tasks['3.1'].evidence).toHaveLength(1);

      // Sentry down for a cycle: nothing changes; then it reports no events: undone.
      sentryUp = undefined;
      expect((await runner.run()).unknown).toBe(1);
      expect((await byTask())['1.1']).toMatchObject({ status: 'done' });
      sentryUp = false;
      const failedAt = new Date();
      await runner.run(failedAt);
      tasks = await byTask();
      expect(tasks['1.1']).toMatchObject({
        status: 'todo',
        notes: 'no events',
        evidence: [
          expect.objectContaining({
            summary: 'Failed: no events',
            expiresAt: failedAt.toISOString(),
          }),
        ],
      });

      // A person's "done" is not undone by a failing check, but it is worth nothing while
      // the check says otherwise: as little as expired proof, not half as a bare claim.
      await store.runbooks.replaceCatalog(ref, []);
      const human = await store.tasks.update({
        entityRef: ref,
        taskId: '3.3',
        expectedVersion: tasks['3.3'].version,
        actor: 'user:default/alice',
        patch: { status: 'done' },
      });
      expect(human.ok).toBe(true);
      await runner.run();
      tasks = await byTask();
      expect(tasks['3.3']).toMatchObject({
        status: 'done',
        updatedBy: 'user:default/alice',
      });
      const { template } = await service.getPlanState(ref);
      expect(
        scorePlan(template, { '3.3': tasks['3.3'] }).tasks.find(
          t => t.taskId === '3.3',
        ),
      ).toMatchObject({ kind: 'expired', earned: 0 });
    },
  );
});

describe('CheckRunner for new and changed plans', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'checks a plan registered or changed since the last run, and only those, %p',
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const ledger = component('ledger', 'payments-team', 'pay');
      const { store, catalog, auth, logger, service } = await createTestService(
        {
          knex: await databases.init(id),
          entities: [payments, ledger],
          config,
        },
      );
      const seen: string[] = [];
      const owner: ReadinessCheck = {
        id: 'catalog-owner-set',
        title: 'Owner set',
        source: 'catalog',
        async run({ entityRef }) {
          seen.push(entityRef);
          return { outcome: 'passed', summary: 'owned' };
        },
      };
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        [owner],
      );
      await service.registerEntity(payments);
      await service.registerEntity(ledger);
      expect(await runner.runPending()).toMatchObject({ passed: 2 });
      expect(seen.sort()).toEqual([
        'component:default/ledger',
        'component:default/payments',
      ]);
      const tasks = await store.tasks.list('component:default/payments');
      expect(tasks.find(t => t.taskId === '4.4')).toMatchObject({
        status: 'done',
      });

      // Nothing new: nothing runs. A re-registration that changes nothing queues nothing.
      seen.length = 0;
      await service.registerEntity(payments);
      expect(await runner.runPending()).toMatchObject({ passed: 0 });
      expect(seen).toEqual([]);

      // A changed annotation queues the plan again.
      const changed = {
        ...ledger,
        metadata: {
          ...ledger.metadata,
          annotations: {
            ...ledger.metadata.annotations,
            'readiness/tier': '1',
          },
        },
      };
      await service.registerEntity(changed);
      await runner.runPending();
      expect(seen).toEqual(['component:default/ledger']);
    },
  );
});

describe('CheckRunner records what each check last found', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'serves the last run of every check with the plan: a red CI run with its link, an unknown, and when each ran, %p',
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const { store, catalog, auth, logger, service } = await createTestService(
        { knex: await databases.init(id), entities: [payments], config },
      );
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      const red: ReadinessCheck = {
        id: 'github-ci',
        title: 'Default branch CI green on GitHub Actions',
        source: 'ci',
        async run() {
          return {
            outcome: 'failed',
            summary: 'CI #42 on main ended failure',
            url: 'https://github.example.com/acme/payments/actions/runs/42',
          };
        },
      };
      const down: ReadinessCheck = {
        id: 'github-vulnerabilities',
        title: 'No open high or critical Dependabot alerts',
        source: 'ci',
        async run() {
          return { outcome: 'unknown', summary: 'GitHub did not answer' };
        },
      };
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        [red, down],
      );
      const now = new Date('2026-11-27T10:00:00Z');
      await runner.run(now);
      const read = await service.getEntityReadiness(
        { kind: 'component', namespace: 'default', name: 'payments' },
        mockCredentials.user(),
      );
      expect(read.checkRuns).toEqual([
        {
          taskId: '2.1',
          checkId: 'github-vulnerabilities',
          checkTitle: 'No open high or critical Dependabot alerts',
          outcome: 'unknown',
          summary: 'GitHub did not answer',
          ranAt: now.toISOString(),
        },
        {
          taskId: '5.1',
          checkId: 'github-ci',
          checkTitle: 'Default branch CI green on GitHub Actions',
          outcome: 'failed',
          summary: 'CI #42 on main ended failure',
          url: 'https://github.example.com/acme/payments/actions/runs/42',
          ranAt: now.toISOString(),
        },
      ]);
      // The P0 stays a blocker: a failing check writes no evidence on a task nobody calls done.
      expect(read.score.blockers.map(b => b.taskId)).toContain('5.1');
      // The next cycle replaces the rows instead of adding to them.
      const later = new Date('2026-11-27T11:00:00Z');
      await runner.run(later);
      expect(
        (await store.checkRuns.list(ref)).map(r => [r.taskId, r.ranAt]),
      ).toEqual([
        ['2.1', later.toISOString()],
        ['5.1', later.toISOString()],
      ]);
      // A check that is no longer installed leaves no stale line behind.
      await new CheckRunner({ catalog, auth, config, service, logger }, [
        red,
      ]).run(later);
      expect((await store.checkRuns.list(ref)).map(r => r.taskId)).toEqual([
        '5.1',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    "proves 3.6 only with a backup a bound principal reported within the policy's RPO, %p",
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      payments.metadata.annotations!['readiness/backup-policy'] = 'daily-35d';
      const { store, catalog, auth, logger, service } = await createTestService(
        { knex: await databases.init(id), entities: [payments], config },
      );
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        builtinChecks(config),
      );
      const now = new Date();
      const rpoRun = async (at: Date) => {
        await runner.run(at);
        return (await store.checkRuns.list(ref)).find(r => r.taskId === '3.6');
      };
      await runner.run(now);
      expect(
        (await store.checkRuns.list(ref)).find(r => r.taskId === '3.6'),
      ).toMatchObject({
        outcome: 'failed',
        summary:
          'No backup reported by a bound principal; policy daily-35d has an RPO of 24 h',
      });
      // The backup system's bound principal reports a backup taken two hours ago.
      await report(
        service,
        '3.6',
        'service:backup-system',
        'https://backups.example.com/jobs/991',
        new Date(now.getTime() - 2 * 3_600_000),
      );
      expect(await rpoRun(now)).toMatchObject({
        outcome: 'passed',
        url: 'https://backups.example.com/jobs/991',
      });
      // A day and a half later the same backup is beyond the 24 h RPO.
      expect(
        await rpoRun(new Date(now.getTime() + 36 * 3_600_000)),
      ).toMatchObject({
        outcome: 'failed',
        summary: expect.stringMatching(
          /^Last backup reported 38 h ago, beyond the 24 h RPO of policy daily-35d$/,
        ),
      });
    },
  );
});

describe('CheckRunner against a team borrowing facts', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    "keeps a machine's failure standing when the check then passes only as a claim (the annotation re-pointed at another team's system), %p",
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      const { store, catalog, auth, logger, service } = await createTestService(
        { knex: await databases.init(id), entities: [payments], config },
      );
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      // The pipeline's bound principal proved 1.5 earlier.
      await report(
        service,
        '1.5',
        'service:ci',
        'https://ci.example.com/oncall',
        new Date(Date.now() - 86_400_000),
      );
      let borrowed = false;
      const onCall: ReadinessCheck = {
        id: 'pagerduty-on-call',
        title: 'Someone on call now in PagerDuty',
        source: 'pagerduty',
        async run() {
          return borrowed
            ? {
                outcome: 'passed',
                summary: 'On call now for another team',
                trust: 'claimed',
              }
            : { outcome: 'failed', summary: 'Nobody is on call' };
        },
      };
      const runner = new CheckRunner(
        { catalog, auth, config, service, logger },
        [onCall],
      );
      const evaluated = async () =>
        (await service.recompute(ref, 'test')).tasks.find(
          t => t.taskId === '1.5',
        );
      await runner.run(new Date());
      expect(await evaluated()).toMatchObject({ kind: 'expired', earned: 0 });
      borrowed = true;
      await runner.run(new Date(Date.now() + 1000));
      expect(await evaluated()).toMatchObject({ kind: 'expired', earned: 0 });
      expect(
        (await store.checkRuns.list(ref)).find(r => r.taskId === '1.5'),
      ).toMatchObject({ outcome: 'passed' });
    },
  );

  it.each(databases.eachSupportedId())(
    "holds backups to the team's declared policy only as a claim until a second person has reviewed the declaration (3.1), %p",
    async id => {
      const payments = component('payments', 'payments-team', 'pay');
      payments.metadata.annotations!['readiness/backup-policy'] = 'daily-35d';
      const { service } = await createTestService({
        knex: await databases.init(id),
        entities: [payments],
        config,
      });
      await service.registerEntity(payments);
      const ref = 'component:default/payments';
      const [rpo] = builtinChecks(config).filter(
        c => c.id === 'backup-within-rpo',
      );
      const now = new Date();
      await report(
        service,
        '3.6',
        'service:backup-system',
        'https://backups.example.com/jobs/1',
        new Date(now.getTime() - 3_600_000),
      );
      const run = async () => {
        const { template, tasks } = await service.getPlanState(ref);
        return rpo.run({
          entity: payments,
          entityRef: ref,
          runbooks: [],
          task: template.phases
            .flatMap(p => p.tasks)
            .find(t => t.id === '3.6')!,
          state: tasks.find(t => t.taskId === '3.6'),
          template,
          tasks,
          config,
          now,
        });
      };
      expect(await run()).toMatchObject({
        outcome: 'passed',
        trust: 'claimed',
        summary: expect.stringContaining('until a second person reviews'),
      });
      // A reviewed (or verified) declaration of the policy makes the RPO the org's, not the team's.
      await report(
        service,
        '3.1',
        'service:ci',
        'https://policies.example.com/payments',
        now,
      );
      expect(await run()).not.toHaveProperty('trust');
    },
  );
});
