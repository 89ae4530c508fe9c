import { useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import { isReadinessAnnotated } from '@prodready/plugin-readiness-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ReadinessApi, readinessApiRef } from '../api';

/**
 * Loads the readiness of an entity; skips the request for entities without readiness
 * annotations (they get an empty state instead).
 */
export function useEntityReadiness(entity: Entity) {
  return useEntityRead(entity, (api, ref) => api.getEntityReadiness(ref));
}

/**
 * Loads what the entity card shows (the summary read, a few KB), as
 * {@link useEntityReadiness} loads the full read.
 */
export function useEntitySummary(entity: Entity) {
  return useEntityRead(entity, (api, ref) => api.getEntitySummary(ref));
}

function useEntityRead<T>(
  entity: Entity,
  read: (api: ReadinessApi, ref: CompoundEntityRef) => Promise<T>,
) {
  const api = useApi(readinessApiRef);
  const registered = isReadinessAnnotated(entity);
  const state = useAsyncRetry(
    async () =>
      registered ? read(api, getCompoundEntityRef(entity)) : undefined,
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
