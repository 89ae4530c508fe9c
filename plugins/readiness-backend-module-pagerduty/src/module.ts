import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readinessChecksExtensionPoint } from '@prodready/plugin-readiness-node';
import { PagerDutyApi } from './PagerDutyApi';
import { pagerdutyOnCallCheck } from './checks';

/**
 * PagerDuty check for the readiness plugin: `pagerduty-on-call` (the service named by the
 * entity's `pagerduty.com/service-id` annotation has someone on call now). Template tasks opt
 * in with `verification: pagerduty-on-call`.
 * @public
 */
export const readinessModulePagerduty = createBackendModule({
  pluginId: 'readiness',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        checks: readinessChecksExtensionPoint,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
      },
      async init({ checks, config, cache }) {
        checks.addCheck(
          pagerdutyOnCallCheck(PagerDutyApi.fromConfig(config, cache)),
        );
      },
    });
  },
});
