import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ReadinessClient, readinessApiRef } from '../api';

const readinessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: readinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReadinessClient({ discoveryApi, fetchApi }),
    }),
});

/** Readiness card on the overview page of components (configurable `filter`). */
const entityReadinessCard = EntityCardBlueprint.make({
  name: 'readiness',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityReadinessCard').then(m => (
        <m.EntityReadinessCard />
      )),
  },
});

/**
 * The readiness plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'readiness',
  info: { packageJson: () => import('../../package.json') },
  extensions: [readinessApi, entityReadinessCard],
});
