import { NotAllowedError } from '@backstage/errors';
import { PlanRecord } from '../database/PlanStore';
import { normalizeRef } from '../database/refs';
import { CatalogAccess } from './CatalogAccess';

/**
 * Refuses a second-person action (review, exemption grant) by someone in the owning group:
 * a member of it or of any group beneath it, or, for a service owned by a person, someone
 * sharing one of that person's groups. A plan without an owner cannot show separation
 * and is refused too, unless the config lets the owning group act (`allowed`).
 * @internal
 */
export async function checkNotOwnerGroup(
  catalog: CatalogAccess,
  plan: PlanRecord,
  ownership: string[],
  allowed: boolean,
  what: string,
): Promise<void> {
  if (allowed) return;
  const owner = plan.owner && normalizeRef(plan.owner);
  const refuse = () => {
    throw new NotAllowedError(
      owner
        ? `You may not ${what}: a second person outside ${plan.owner} must`
        : `You may not ${what}: ${plan.entityRef} has no owner in the catalog, so no one is outside it`,
    );
  };
  if (!owner) refuse();
  const mine = await catalog.withAncestors(ownership);
  if (mine.has(owner!)) refuse();
  if (owner!.startsWith('user:')) {
    const theirs = await catalog.groupsOf(owner!);
    if (theirs.some(g => mine.has(g))) refuse();
  }
}
