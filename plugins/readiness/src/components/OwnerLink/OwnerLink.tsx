import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * An owner (a team or a person) as a link to its catalog page, named without its kind;
 * an owner that is no entity ref is shown as it is, a missing one as "(none)".
 */
export function OwnerLink({ owner }: { owner?: string }) {
  if (!owner) return <>(none)</>;
  let kind: string;
  try {
    kind = parseEntityRef(owner).kind;
  } catch {
    return <>{owner}</>;
  }
  return <EntityRefLink entityRef={owner} defaultKind={kind} />;
}
