import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Edit a service's readiness plan (task status, checklist, evidence, runbook links).
 * A catalog-entity resource permission, so policies can reuse `isEntityOwner`.
 * @public
 */
export const readinessPlanUpdatePermission = createPermission({
  name: 'readiness.plan.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Approve an exemption (accepted risk) on a task. @public */
export const readinessExemptionApprovePermission = createPermission({
  name: 'readiness.exemption.approve',
  attributes: { action: 'update' },
});

/** Administer readiness: templates, imports, archived plans. @public */
export const readinessAdminPermission = createPermission({
  name: 'readiness.admin',
  attributes: {},
});

/** Every permission of the readiness plugin. @public */
export const readinessPermissions = [
  readinessPlanUpdatePermission,
  readinessExemptionApprovePermission,
  readinessAdminPermission,
];
