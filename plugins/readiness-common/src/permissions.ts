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

/**
 * Approve an exemption (accepted risk, or "not applicable") on a task of an entity. A
 * catalog-entity resource permission, so a policy can condition it; the backend also
 * refuses approvers who asked for it or (by default) belong to the owning group.
 * @public
 */
export const readinessExemptionApprovePermission = createPermission({
  name: 'readiness.exemption.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Review (approve or reject) a person's evidence on an entity's plan. The backend also
 * refuses the submitter and (by default) members of the owning group.
 * @public
 */
export const readinessEvidenceReviewPermission = createPermission({
  name: 'readiness.evidence.review',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Record verified evidence as a service principal (CI). Asked of the policy on top of the
 * principal's binding in `readiness.ci.principals`, so a policy can narrow it further.
 * @public
 */
export const readinessEvidenceVerifyPermission = createPermission({
  name: 'readiness.evidence.verify',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
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
  readinessEvidenceReviewPermission,
  readinessEvidenceVerifyPermission,
  readinessAdminPermission,
];
