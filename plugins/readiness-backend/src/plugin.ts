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
import { CheckRunner } from './checks/CheckRunner';
import { builtinChecks } from './checks/builtinChecks';
import { sentryChecks } from './checks/sentryChecks';
import { SentryClient } from './sentry/SentryClient';
import {
  ReadinessCheck,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import { ReadinessService } from './domain/ReadinessService';
import { createRouter } from './http/router';
import { ReadinessJob, createJobScheduler } from './jobs/scheduleJob';
import { CatalogSyncJob } from './jobs/CatalogSyncJob';
import { CheckJob } from './jobs/CheckJob';
import { RegistrationJob } from './jobs/RegistrationJob';
import { EvidenceExpiryJob } from './jobs/EvidenceExpiryJob';
import { ReevaluationJob } from './jobs/ReevaluationJob';
import { InitiativeProgressJob } from './jobs/InitiativeProgressJob';
import { SeedJob } from './jobs/SeedJob';
import {
  InitiativeService,
  taskIdsOf,
} from './domain/initiatives/InitiativeService';
import { CiPrincipals } from './domain/CiPrincipals';
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
        cache: coreServices.cache,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        const templates = TemplateRegistry.fromConfig(config);
        const store = await DatabaseReadinessStore.create({
          database,
          preparedStatements: config.getOptionalBoolean(
            'readiness.preparedStatements',
          ),
        });
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
          cache: deps.cache,
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

        const checks = new CheckRunner(
          { catalog: deps.catalog, auth: deps.auth, config, service, logger },
          [
            ...builtinChecks(config),
            ...sentryChecks(SentryClient.fromConfig(config), config),
            ...customChecks,
          ],
        );
        const seedFile = config.getOptionalString('readiness.seed.file');
        const jobs: ReadinessJob[] = [
          new CatalogSyncJob({
            catalog: deps.catalog,
            auth: deps.auth,
            service,
            templates,
            logger,
          }),
          new CheckJob({ checks, logger }),
          new RegistrationJob({ service, checks, logger }),
          ...(notifier
            ? [
                new EvidenceExpiryJob({
                  service,
                  notifier,
                  auth: deps.auth,
                  logger,
                }),
              ]
            : []),
          new ReevaluationJob({ service, logger }),
          new InitiativeProgressJob({ initiatives, logger }),
          ...(seedFile
            ? [
                new SeedJob(
                  new PlanSeeder({
                    file: seedFile,
                    service,
                    auth: deps.auth,
                    logger,
                    ciPrincipals,
                  }),
                ),
              ]
            : []),
        ];
        const scheduleJob = createJobScheduler(scheduler, config);
        for (const job of jobs) await scheduleJob(job);
      },
    });
  },
});
