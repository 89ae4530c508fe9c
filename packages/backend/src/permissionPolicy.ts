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
  readinessEvidenceReviewPermission,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
} from '@prodready/plugin-readiness-common';

/** Members of this group administer readiness in the demo. */
const ADMIN_GROUP = 'group:default/platform-team';
/**
 * Catalog writes a team could use to inflate its own readiness (register a look-alike
 * component, delete an entity): admins only in the demo.
 */
const ADMIN_ONLY_CATALOG = new Set([
  'catalog.location.create',
  'catalog.location.delete',
  'catalog.entity.delete',
]);
/** Members of this group review evidence and approve exemptions in the demo. */
const REVIEWER_GROUP = 'group:default/sre-team';

/**
 * Demo policy: everyone reads; the owning team (and admins) edit a service's readiness
 * plan; admins and SREs review evidence and approve exemptions (the backend refuses them on
 * their own services); only admins administer readiness or register and
 * delete catalog locations and entities. Everything else is allowed.
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
      isPermission(request.permission, readinessEvidenceReviewPermission)
    ) {
      return {
        result:
          isAdmin || claims.includes(REVIEWER_GROUP)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    if (ADMIN_ONLY_CATALOG.has(request.permission.name)) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(request.permission, readinessAdminPermission)) {
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
