import { Entity } from '@backstage/catalog-model';

// Also exported by @prodready/plugin-readiness-common as ANNOTATION_PROBE_URL and
// ANNOTATION_HEALTH_URL; kept local so this module does not depend on the common package.
/** URL the TLS and security-header probe reads when the entity has no `website` link. */
export const ANNOTATION_PROBE_URL = 'readiness/probe-url';
/** URL the health probe reads when the entity has no `health` link. */
export const ANNOTATION_HEALTH_URL = 'readiness/health-url';

/** The URL an entity declares for a probe, and where it was declared. */
export type DeclaredUrl =
  | { url: URL; from: string }
  | { missing: string }
  | { malformed: string };

/**
 * The first `metadata.links` entry of `linkType`, else the annotation. A malformed value is
 * reported rather than skipped, so a typo does not silently fall back to something else.
 */
export function declaredUrl(
  entity: Entity,
  linkType: string,
  annotation: string,
): DeclaredUrl {
  const link = entity.metadata.links?.find(l => l.type === linkType);
  const from = link ? `the ${linkType} link` : `the ${annotation} annotation`;
  const raw = link ? link.url : entity.metadata.annotations?.[annotation];
  if (!raw?.trim())
    return {
      missing: `No link of type ${linkType} or ${annotation} annotation`,
    };
  try {
    return { url: new URL(raw.trim()), from };
  } catch {
    return {
      malformed: `${from} is not a valid URL: ${raw.slice(0, 200)}`,
    };
  }
}

/** A URL host without the brackets of an IPv6 literal. */
export const bareHost = (url: URL) =>
  url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

export const effectivePort = (url: URL) => {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
};

function matches(host: string, pattern: string) {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return host === pattern;
}

/**
 * Whether `host` is on the allow-list, and whether a `{name}` pattern let it through: such a
 * pattern binds the host to the entity, so the URL is the service's own and not only declared.
 */
export function allowedBy(
  host: string,
  patterns: string[],
  entityName: string,
): { allowed: boolean; boundToEntity: boolean } {
  const name = entityName.toLowerCase();
  const normalised = patterns.map(p => p.trim().toLowerCase());
  const boundToEntity = normalised.some(
    p => p.includes('{name}') && matches(host, p.replaceAll('{name}', name)),
  );
  const allowed =
    boundToEntity ||
    normalised.some(p => !p.includes('{name}') && matches(host, p));
  return { allowed, boundToEntity };
}
