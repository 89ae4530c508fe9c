import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { ReadinessClient, readinessApiRef } from '../api';
// The same route refs as the legacy plugin: the components link through them in either app.
import { initiativeRouteRef, rootRouteRef } from '../routes';

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
    // Fetched while the browser is idle after the app starts, so an entity page does not
    // wait for this chunk (it stays out of the entry chunks).
    loader: () =>
      import(
        /* webpackPrefetch: true */ '../components/EntityReadinessCard'
      ).then(m => <m.EntityReadinessCard />),
  },
});

/** Team view on Group pages. */
const groupReadinessCard = EntityCardBlueprint.make({
  name: 'group-readiness',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/GroupReadinessCard').then(m => (
        <m.GroupReadinessCard />
      )),
  },
});

/** The Readiness tab of components. */
const entityReadinessContent = EntityContentBlueprint.make({
  name: 'readiness',
  params: {
    path: '/readiness',
    title: 'Readiness',
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityReadinessContent').then(m => (
        <m.EntityReadinessContent />
      )),
  },
});

/** The org-wide page, with a nav item. */
const readinessPage = PageBlueprint.make({
  params: {
    path: '/readiness',
    title: 'Readiness',
    icon: <AssessmentIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/ReadinessPage').then(m => <m.ReadinessPage />),
  },
});

/**
 * The readiness plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'readiness',
  title: 'Readiness',
  icon: <AssessmentIcon />,
  info: { packageJson: () => import('../../package.json') },
  routes: { root: rootRouteRef, initiative: initiativeRouteRef },
  extensions: [
    readinessApi,
    entityReadinessCard,
    groupReadinessCard,
    entityReadinessContent,
    readinessPage,
  ],
});
