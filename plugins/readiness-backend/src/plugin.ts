import {
  coreServices,
  createBackendPlugin,
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
import { ReadinessService } from './service/ReadinessService';
import { createRouter } from './service/router';
import { createJobScheduler } from './jobs/scheduleJob';
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
        const scheduleJob = createJobScheduler(scheduler, config);
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
        await scheduleJob({
          id: 'readiness-catalog-sync',
          configKey: 'sync',
          defaults: {
            frequency: { minutes: 10 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 15 },
          },
          run: async () => {
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
        await scheduleJob({
          id: 'readiness-checks',
          configKey: 'checks',
          defaults: {
            frequency: { hours: 1 },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 45 },
          },
          run: async () => {
            const counts = await checks.run();
            logger.info(`Readiness checks: ${JSON.stringify(counts)}`);
          },
        });

        // Plans read before the sync registered them are registered here (reads never write),
        // and plans registered or changed get their checks within the minute; the queues are
        // this replica's, so the task runs on every replica.
        await scheduleJob({
          id: 'readiness-registration',
          configKey: 'registration',
          defaults: {
            frequency: { seconds: 30 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 20 },
          },
          scope: 'local',
          run: async () => {
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
          await scheduleJob({
            id: 'readiness-evidence-expiry',
            configKey: 'evidenceExpiry',
            defaults: {
              frequency: { hours: 6 },
              timeout: { minutes: 10 },
              initialDelay: { minutes: 2 },
            },
            run: async () => {
              const sent = await notifier.evidenceExpiry();
              if (sent)
                logger.info(`Sent ${sent} readiness evidence notifications`);
            },
          });

        await scheduleJob({
          id: 'readiness-reevaluate',
          configKey: 'reevaluate',
          defaults: {
            frequency: { hours: 1 },
            timeout: { minutes: 15 },
            initialDelay: { minutes: 1 },
          },
          run: async () => {
            const { daily, pruned } = await service.reevaluateAll();
            logger.info(
              `Re-evaluated readiness plans: ${daily} daily snapshots, ${pruned} old snapshots pruned`,
            );
          },
        });

        // The burn-up's daily point and the deadline reminders (14 and 7 days, overdue).
        await scheduleJob({
          id: 'readiness-initiatives',
          configKey: 'initiatives',
          defaults: {
            frequency: { hours: 1 },
            timeout: { minutes: 10 },
            initialDelay: { minutes: 2 },
          },
          run: async () => {
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
          await scheduleJob({
            id: 'readiness-seed',
            defaults: {
              frequency: { seconds: 30 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 5 },
            },
            run: async () => {
              await seeder.run();
            },
          });
        }
      },
    });
  },
});
