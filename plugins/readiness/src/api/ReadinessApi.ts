import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityReadinessResponse } from '@internal/plugin-readiness-common';

/** Client for the readiness backend. @public */
export interface ReadinessApi {
  /** The plan, task states, runbooks and computed score of one entity. */
  getEntityReadiness(ref: CompoundEntityRef): Promise<EntityReadinessResponse>;
}

/** ApiRef of {@link ReadinessApi}. @public */
export const readinessApiRef = createApiRef<ReadinessApi>({
  id: 'plugin.readiness.service',
});
