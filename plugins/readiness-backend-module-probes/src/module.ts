import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readinessChecksExtensionPoint } from '@prodready/plugin-readiness-node';
import { Prober } from './Prober';
import { healthCheck, tlsHeadersCheck } from './checks';

/**
 * Probe checks for the readiness plugin: `probe-tls-headers` (https, a trusted certificate
 * not about to expire, HSTS, nosniff and CSP) and `probe-health` (the health URL answers
 * 2xx), on the hosts `readiness.probes.allowedHosts` allows only.
 * Template tasks opt in with `verification: probe-tls-headers` / `probe-health`.
 * @public
 */
export const readinessModuleProbes = createBackendModule({
  pluginId: 'readiness',
  moduleId: 'probes',
  register(reg) {
    reg.registerInit({
      deps: {
        checks: readinessChecksExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ checks, config }) {
        const probes = config.getOptionalConfig('readiness.probes');
        const prober = new Prober({
          allowedHosts: probes?.getOptionalStringArray('allowedHosts') ?? [],
          allowedPorts: (
            probes?.getOptional<number[]>('allowedPorts') ?? []
          ).filter(p => Number.isInteger(p) && p > 0 && p < 65536),
          allowPrivateNetworks:
            probes?.getOptionalBoolean('allowPrivateNetworks') ?? false,
          timeoutMs: probes?.getOptionalNumber('timeoutMs') ?? 5000,
          minCertDays: probes?.getOptionalNumber('minCertDays') ?? 14,
        });
        checks.addCheck(tlsHeadersCheck(prober), healthCheck(prober));
      },
    });
  },
});
