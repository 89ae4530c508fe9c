import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ReadinessAnnotationsProcessor } from './processor/ReadinessAnnotationsProcessor';

/**
 * Catalog module that validates readiness, Sentry and backup-policy annotations.
 * @public
 */
export const catalogModuleReadiness = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'readiness',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        catalog: catalogProcessingExtensionPoint,
      },
      async init({ config, catalog }) {
        catalog.addProcessor(ReadinessAnnotationsProcessor.fromConfig(config));
      },
    });
  },
});
