import { useApi } from '@backstage/core-plugin-api';
import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { isReadinessAnnotated } from '@prodready/plugin-readiness-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { readinessApiRef } from '../api';

/**
 * Loads the readiness of an entity; skips the request for entities without readiness
 * annotations (they get an empty state instead).
 */
export function useEntityReadiness(entity: Entity) {
  const api = useApi(readinessApiRef);
  const registered = isReadinessAnnotated(entity);
  const state = useAsyncRetry(
    async () =>
      registered
        ? api.getEntityReadiness(getCompoundEntityRef(entity))
        : undefined,
    [
      api,
      registered,
      entity.kind,
      entity.metadata.namespace,
      entity.metadata.name,
    ],
  );
  return { ...state, registered };
}
