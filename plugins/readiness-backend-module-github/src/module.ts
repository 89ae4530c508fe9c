import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { readinessChecksExtensionPoint } from '@prodready/plugin-readiness-node';
import { GithubApi } from './GithubApi';
import {
  githubBranchProtectionCheck,
  githubCiCheck,
  githubVulnerabilitiesCheck,
} from './checks';

/**
 * GitHub checks for the readiness plugin: `github-ci` (the default branch's latest CI run is
 * green and recent), `github-vulnerabilities` (no open high/critical Dependabot alerts) and
 * `github-branch-protection` (the default branch requires reviews and status checks).
 * Template tasks opt in with `verification: <check id>`.
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
        cache: coreServices.cache,
      },
      async init({ checks, config, cache }) {
        const github = new GithubApi(
          ScmIntegrations.fromConfig(config),
          config.getOptionalNumber('readiness.github.timeoutMs') ?? 5000,
          config.getOptionalBoolean('readiness.github.requireSourceRepo') ??
            true,
          cache.withOptions({ defaultTtl: { hours: 24 } }),
        );
        checks.addCheck(
          githubCiCheck(github, {
            maxAgeDays:
              config.getOptionalNumber('readiness.github.ciMaxAgeDays') ?? 7,
            requiredWorkflows: config.getOptionalStringArray(
              'readiness.github.requiredWorkflows',
            ),
          }),
          githubVulnerabilitiesCheck(github),
          githubBranchProtectionCheck(github),
        );
      },
    });
  },
});
