import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the org-wide readiness page (legacy frontend system). @public */
export const rootRouteRef = createRouteRef({ id: 'readiness' });
