import { RouteFunc, useRouteRef } from '@backstage/core-plugin-api';
import { initiativeRouteRef } from '../routes';

type InitiativeLink = (id: string) => string;
const initiativeLinks = new WeakMap<
  RouteFunc<{ id: string }>,
  InitiativeLink
>();

/**
 * A function giving an initiative's view beneath the org-wide page, or undefined when the
 * app does not mount the page (an entity card can then show the title without a link).
 * The function stays the same while the route does.
 */
export function useInitiativeLink(): InitiativeLink | undefined {
  try {
    // Every hook inside useRouteRef runs, in the same order, before it throws on an
    // unmounted route: catching that throw leaves the hooks of the component as they were.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    return linkOf(useRouteRef(initiativeRouteRef));
  } catch {
    return undefined;
  }
}

function linkOf(route: RouteFunc<{ id: string }>): InitiativeLink {
  let link = initiativeLinks.get(route);
  if (!link) {
    // Route functions leave their params as they are.
    link = id => route({ id: encodeURIComponent(id) });
    initiativeLinks.set(route, link);
  }
  return link;
}
