import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  readinessAdminPermission,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
} from '@internal/plugin-readiness-common';

/** Members of this group administer readiness in the demo. */
const ADMIN_GROUP = 'group:default/platform-team';

/**
 * Demo policy: everyone reads; the owning team (and admins) edit a service's readiness
 * plan; only admins approve exemptions or administer. Everything else is allowed.
 */
export class ReadinessDemoPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isAdmin = claims.includes(ADMIN_GROUP);
    if (isPermission(request.permission, readinessPlanUpdatePermission)) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (
      isPermission(request.permission, readinessExemptionApprovePermission) ||
      isPermission(request.permission, readinessAdminPermission)
    ) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export const readinessDemoPermissionPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'readiness-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ReadinessDemoPolicy());
      },
    });
  },
});
