import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/** Where the floor answers, under the readiness plugin's base path. */
export const BENCH_FLOOR_PATH = '/bench/floor';

/**
 * The benchmark's reference floor (issue 17): a trivial route of the readiness plugin that
 * authenticates the caller as every readiness route does and answers a few bytes, with no
 * permission check and no database. `bench/` measures the card read as a ratio to it, in the
 * same backend and run. Off unless `readinessBench.floorEndpoint` is true (only the
 * benchmark's config sets it).
 */
export const readinessBenchFloorModule = createBackendModule({
  pluginId: 'readiness',
  moduleId: 'bench-floor',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ config, httpRouter, httpAuth }) {
        if (!config.getOptionalBoolean('readinessBench.floorEndpoint')) return;
        httpRouter.use(async (req, res, next) => {
          if (req.method !== 'GET' || req.path !== BENCH_FLOOR_PATH) {
            next();
            return;
          }
          try {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user', 'service'],
            });
            res.json({ ok: true, principal: credentials.principal.type });
          } catch (error) {
            next(error);
          }
        });
      },
    });
  },
});
