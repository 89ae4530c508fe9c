import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

/**
 * A person or team as the rest of the UI names them (`user:default/alice` → `alice`);
 * other actors (`check:sentry-errors`, service principals) are shown as they are.
 */
export function humanizeActor(actor: string | undefined): string {
  if (!actor) return 'unknown';
  if (/^(user|group):/i.test(actor)) {
    try {
      const ref = parseEntityRef(actor);
      return humanizeEntityRef(ref, {
        defaultKind: ref.kind.toLocaleLowerCase('en-US'),
      });
    } catch {
      // not an entity ref: shown as it is
    }
  }
  return actor;
}
