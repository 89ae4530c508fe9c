import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** Route of the org-wide readiness page. @public */
export const rootRouteRef = createRouteRef({ id: 'readiness' });

/**
 * One initiative's view, beneath the org-wide page wherever the app mounts it
 * (`<mount path>/initiatives/:id`). @public
 */
export const initiativeRouteRef = createSubRouteRef({
  id: 'readiness:initiative',
  parent: rootRouteRef,
  path: '/initiatives/:id',
});
