import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ReadinessClient, readinessApiRef } from './api';
import { initiativeRouteRef, rootRouteRef } from './routes';

/** The readiness frontend plugin (legacy frontend system). @public */
export const readinessPlugin = createPlugin({
  id: 'readiness',
  apis: [
    createApiFactory({
      api: readinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReadinessClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, initiative: initiativeRouteRef },
});

/** Readiness card for an entity's overview page. @public */
export const EntityReadinessCard: () => JSX.Element = readinessPlugin.provide(
  createComponentExtension({
    name: 'EntityReadinessCard',
    component: {
      lazy: () =>
        import('./components/EntityReadinessCard').then(
          m => m.EntityReadinessCard,
        ),
    },
  }),
);

/** The Readiness tab of an entity page. @public */
export const EntityReadinessContent: () => JSX.Element | null =
  readinessPlugin.provide(
    createComponentExtension({
      name: 'EntityReadinessContent',
      component: {
        lazy: () =>
          import('./components/EntityReadinessContent').then(
            m => m.EntityReadinessContent,
          ),
      },
    }),
  );

/** Readiness of a team's services, for Group entity pages. @public */
export const GroupReadinessCard: () => JSX.Element = readinessPlugin.provide(
  createComponentExtension({
    name: 'GroupReadinessCard',
    component: {
      lazy: () =>
        import('./components/GroupReadinessCard').then(
          m => m.GroupReadinessCard,
        ),
    },
  }),
);

/** The org-wide readiness page for managers. @public */
export const ReadinessPage: () => JSX.Element = readinessPlugin.provide(
  createRoutableExtension({
    name: 'ReadinessPage',
    component: () =>
      import('./components/ReadinessPage').then(m => m.ReadinessPage),
    mountPoint: rootRouteRef,
  }),
);
