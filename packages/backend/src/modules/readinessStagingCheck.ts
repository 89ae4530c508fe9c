import { createBackendModule } from '@backstage/backend-plugin-api';
import { readinessChecksExtensionPoint } from '@prodready/plugin-readiness-node';

/**
 * Example custom check through the readiness extension point: task 5.4 ("Staging matches
 * production", `verification: staging-parity`) passes when the entity links its staging
 * environment (`metadata.links` with `type: staging`).
 */
export const readinessStagingCheckModule = createBackendModule({
  pluginId: 'readiness',
  moduleId: 'staging-check',
  register(reg) {
    reg.registerInit({
      deps: { checks: readinessChecksExtensionPoint },
      async init({ checks }) {
        checks.addCheck({
          id: 'staging-parity',
          title: 'Staging environment declared',
          source: 'catalog',
          // A link the team wrote proves only that it wrote one: a claim until reviewed.
          trust: 'claimed',
          async run({ entity }) {
            const link = entity.metadata.links?.find(l => l.type === 'staging');
            return link
              ? {
                  outcome: 'passed',
                  summary: `Staging environment: ${link.url}`,
                  url: link.url,
                }
              : {
                  outcome: 'failed',
                  summary: 'No metadata.links entry of type "staging"',
                };
          },
        });
      },
    });
  },
});
