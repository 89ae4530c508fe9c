import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { readinessChecksExtensionPoint } from '@prodready/plugin-readiness-node';
import { GithubApi } from './GithubApi';
import { githubCiCheck, githubVulnerabilitiesCheck } from './checks';

/**
 * GitHub checks for the readiness plugin: `github-ci` (the default branch's latest CI run is
 * green and recent) and `github-vulnerabilities` (no open high/critical Dependabot alerts).
 * Template tasks opt in with `verification: github-ci` / `github-vulnerabilities`.
 * @public
 */
export const readinessModuleGithub = createBackendModule({
  pluginId: 'readiness',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        checks: readinessChecksExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ checks, config }) {
        const github = new GithubApi(
          ScmIntegrations.fromConfig(config),
          config.getOptionalNumber('readiness.github.timeoutMs') ?? 5000,
          config.getOptionalBoolean('readiness.github.requireSourceRepo') ??
            true,
        );
        checks.addCheck(
          githubCiCheck(github, {
            maxAgeDays:
              config.getOptionalNumber('readiness.github.ciMaxAgeDays') ?? 7,
          }),
          githubVulnerabilitiesCheck(github),
        );
      },
    });
  },
});
