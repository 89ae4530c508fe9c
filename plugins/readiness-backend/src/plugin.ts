import {
  SchedulerServiceTaskScheduleDefinition,
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ReadinessNotifier } from './notify/ReadinessNotifier';
import { readinessPermissions } from '@prodready/plugin-readiness-common';
import { DatabaseReadinessStore } from './database/DatabaseReadinessStore';
import { PlanSeeder } from './seed/PlanSeeder';
import { MarkdownReports } from './import/MarkdownReports';
import { PreviewRunner } from './import/PreviewRunner';
import { CatalogSync } from './sync/CatalogSync';
import { CheckRunner } from './checks/CheckRunner';
import { builtinChecks } from './checks/builtinChecks';
import { sentryChecks } from './checks/sentryChecks';
import { SentryClient } from './sentry/SentryClient';
import {
  ReadinessCheck,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import { captureReadinessError } from './sentry/reportErrors';
import { ReadinessService } from './service/ReadinessService';
import { createRouter } from './service/router';
import { InitiativeService, taskIdsOf } from './service/InitiativeService';
import { CiPrincipals } from './service/CiPrincipals';
import { TemplateRegistry } from './templates/TemplateRegistry';
import { registerReadinessActions } from './actions/readinessActions';

/**
 * The production readiness backend plugin, mounted at `/api/readiness`.
 * @public
 */
export const readinessPlugin = createBackendPlugin({
  pluginId: 'readiness',
  register(env) {
    const customChecks: ReadinessCheck[] = [];
    env.registerExtensionPoint(readinessChecksExtensionPoint, {
      addCheck(...checks) {
        customChecks.push(...checks);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        // Scheduled work reports its failures to the backend's Sentry (when the adopter's
        // instrument file started one) before the scheduler logs them.
        const schedule = (
          task: Parameters<typeof scheduler.scheduleTask>[0] & {
            fn: () => Promise<void>;
          },
        ) =>
          scheduler.scheduleTask({
            ...task,
            fn: async () => {
              try {
                await task.fn();
              } catch (error) {
                captureReadinessError(error, { operation: task.id });
                throw error;
              }
            },
          });
        // `readiness.schedules.<task>` overrides a task's default schedule.
        const schedule_ = (
          name: string,
          fallback: SchedulerServiceTaskScheduleDefinition,
        ): SchedulerServiceTaskScheduleDefinition =>
          config.has(`readiness.schedules.${name}`)
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig(`readiness.schedules.${name}`),
              )
            : fallback;
        const templates = TemplateRegistry.fromConfig(config);
        const store = await DatabaseReadinessStore.create({ database });
        // Backstage notifications to owners and reviewers; an adopter without the
        // notifications backend (or who wants none) turns them off.
        const notifier =
          config.getOptionalBoolean('readiness.notifications.enabled') === false
            ? undefined
            : new ReadinessNotifier({
                notifications: deps.notifications,
                store,
                logger,
                reviewers: config.getOptionalStringArray(
                  'readiness.review.notify',
                ),
              });
        const service = new ReadinessService({
          store,
          templates,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          config,
          notifier,
          permissions: deps.permissions,
        });
        deps.permissionsRegistry.addPermissions(readinessPermissions);
        const ciPrincipals = CiPrincipals.fromConfig(config);
        const previews = new PreviewRunner({
          timeoutMs:
            config.getOptionalNumber('readiness.import.timeoutMs') ?? 2000,
        });
        deps.lifecycle.addShutdownHook(() => previews.close());

        const initiatives = new InitiativeService({
          store: store.initiatives,
          visibleRefs: credentials => service.visibleRefs(credentials),
          notifier,
          logger,
          definitions: InitiativeService.readConfig(config, {
            knownTasks: taskIdsOf(templates.list()),
          }),
          knownTasks: taskIdsOf(templates.list()),
        });
        await initiatives.start();
        registerReadinessActions({
          actionsRegistry: deps.actionsRegistry,
          service,
          ciPrincipals,
          initiatives,
          membersOf: group => store.org.membersOf(group),
        });

        httpRouter.use(
          await createRouter({
            initiatives,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            userInfo: deps.userInfo,
            ciPrincipals,
            service,
            templates,
            reports: new MarkdownReports(service, previews),
          }),
        );

        const sync = new CatalogSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store,
          service,
          templates,
          logger,
        });
        await schedule({
          id: 'readiness-catalog-sync',
          ...schedule_('sync', {
            frequency: { minutes: 10 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 15 },
          }),
          fn: async () => {
            await sync.run();
          },
        });

        const checks = new CheckRunner(
          {
            catalog: deps.catalog,
            auth: deps.auth,
            config,
            store,
            service,
            logger,
          },
          [
            ...builtinChecks(config),
            ...sentryChecks(SentryClient.fromConfig(config), config),
            ...customChecks,
          ],
        );
        await schedule({
          id: 'readiness-checks',
          ...schedule_('checks', {
            frequency: { hours: 1 },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 45 },
          }),
          fn: async () => {
            const counts = await checks.run();
            logger.info(`Readiness checks: ${JSON.stringify(counts)}`);
          },
        });

        // Plans read before the sync registered them are registered here (reads never write),
        // and plans registered or changed get their checks within the minute; the queues are
        // this replica's, so the task runs on every replica.
        await schedule({
          id: 'readiness-registration',
          ...schedule_('registration', {
            frequency: { seconds: 30 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 20 },
          }),
          scope: 'local',
          fn: async () => {
            const registered = await service.registerPending();
            if (registered) {
              logger.info(
                `Registered ${registered} readiness plans on first view`,
              );
            }
            const counts = await checks.runPending();
            if (counts.passed + counts.failed + counts.errors > 0) {
              logger.info(
                `Readiness checks of new or changed plans: ${JSON.stringify(
                  counts,
                )}`,
              );
            }
          },
        });

        if (notifier)
          await schedule({
            id: 'readiness-evidence-expiry',
            ...schedule_('evidenceExpiry', {
              frequency: { hours: 6 },
              timeout: { minutes: 10 },
              initialDelay: { minutes: 2 },
            }),
            fn: async () => {
              const sent = await notifier.evidenceExpiry();
              if (sent)
                logger.info(`Sent ${sent} readiness evidence notifications`);
            },
          });

        await schedule({
          id: 'readiness-reevaluate',
          ...schedule_('reevaluate', {
            frequency: { hours: 1 },
            timeout: { minutes: 15 },
            initialDelay: { minutes: 1 },
          }),
          fn: async () => {
            const { daily, pruned } = await service.reevaluateAll();
            logger.info(
              `Re-evaluated readiness plans: ${daily} daily snapshots, ${pruned} old snapshots pruned`,
            );
          },
        });

        // The burn-up's daily point and the deadline reminders (14 and 7 days, overdue).
        await schedule({
          id: 'readiness-initiatives',
          ...schedule_('initiatives', {
            frequency: { hours: 1 },
            timeout: { minutes: 10 },
            initialDelay: { minutes: 2 },
          }),
          fn: async () => {
            const { recorded, sent } = await initiatives.recordAll();
            logger.info(
              `Initiatives: ${recorded} progress points recorded, ${sent} deadline reminders sent`,
            );
          },
        });

        const seedFile = config.getOptionalString('readiness.seed.file');
        if (seedFile) {
          const seeder = new PlanSeeder({
            file: seedFile,
            service,
            store,
            auth: deps.auth,
            logger,
            ciPrincipals,
          });
          await schedule({
            id: 'readiness-seed',
            frequency: { seconds: 30 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 5 },
            fn: async () => {
              await seeder.run();
            },
          });
        }
      },
    });
  },
});
