import { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import {
  RUNBOOK_LINK_TYPE_PATTERN,
  RUNBOOK_TYPES,
  RunbookType,
} from '@prodready/plugin-readiness-common';

/** The rule for each part of an entity ref (`:kind/:namespace/:name`) the API accepts. @internal */
export const ENTITY_REF_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** JSON with sorted keys, so a template read back from jsonb compares equal. @internal */
export const stableStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

const templateKeys = new WeakMap<object, string>();

/**
 * A key for a template's exact content (a hash of its sorted JSON): one version's text can
 * change while its number stays, so clients cache a template by this key. @internal
 */
export function templateKey(template: object): string {
  let key = templateKeys.get(template);
  if (!key) {
    key = createHash('sha256')
      .update(stableStringify(template))
      .digest('base64url')
      .slice(0, 32);
    templateKeys.set(template, key);
  }
  return key;
}

/** Runbook links declared in `metadata.links` with `type: runbook` or `runbook-<type>`. @internal */
export function catalogRunbooks(entity: Entity) {
  return (entity.metadata.links ?? []).flatMap(link => {
    const m = link.type ? RUNBOOK_LINK_TYPE_PATTERN.exec(link.type) : null;
    if (!m) return [];
    const type = (RUNBOOK_TYPES as string[]).includes(m[1] ?? '')
      ? (m[1] as RunbookType)
      : 'other';
    return [{ type, title: link.title ?? link.url, url: link.url }];
  });
}

/** What the automatic checks read of an entity: a change here re-runs them soon. @internal */
export const checkInputs = (entity: Entity | undefined) =>
  entity
    ? stableStringify({
        annotations: entity.metadata.annotations ?? {},
        links: entity.metadata.links ?? [],
        relations: entity.relations ?? [],
      })
    : '';

/** The first relation of `type` (to an entity of `kind`, if given), as a target ref. @internal */
export const relationTarget = (entity: Entity, type: string, kind?: string) =>
  entity.relations?.find(
    r => r.type === type && (!kind || r.targetRef.startsWith(`${kind}:`)),
  )?.targetRef;
