import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CiPrincipals } from '../domain/CiPrincipals';
import { ReadinessService } from '../domain/ReadinessService';
import { InitiativeService } from '../domain/initiatives/InitiativeService';
import { normalizeRef } from '../database/refs';
import { ENTITY_REF_PART } from '../domain/entities';

/**
 * The zod instance an action's schema callbacks receive: the registry's own `zod/v3`,
 * which need not be the copy this package depends on.
 */
export type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

/** What every readiness action needs. */
export interface ActionDeps {
  service: ReadinessService;
  ciPrincipals: CiPrincipals;
  initiatives?: InitiativeService;
  /** The groups and users at or beneath a group in the stored org chart. */
  membersOf?: (group: string) => Promise<string[]>;
}

/** Defines one action on the registry; `registerReadinessActions` calls each. */
export type ReadinessAction = (
  actionsRegistry: ActionsRegistryService,
  deps: ActionDeps,
) => void;

/** Every readiness action reads and never writes. */
export const READ_ONLY = {
  readOnly: true,
  idempotent: true,
  destructive: false,
};

// --- Input handling, mirroring the HTTP API (router.ts) ---------------------------------

/** Parses a full or short entity ref ("component:default/payments", "payments"). */
export function parseRef(
  value: string,
  defaultKind: string,
): CompoundEntityRef {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(value.trim(), {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`Malformed entity ref "${value}": ${error}`);
  }
  for (const key of ['kind', 'namespace', 'name'] as const) {
    if (!ENTITY_REF_PART.test(ref[key])) {
      throw new InputError(
        `Malformed entity ref "${value}": invalid ${key} "${ref[key]}"`,
      );
    }
  }
  return ref;
}

/** A group ref: any other kind is refused. */
function parseGroupRef(value: string): CompoundEntityRef {
  const ref = parseRef(value, 'group');
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(`"${value}" is not a group ref`);
  }
  return ref;
}

const principalOf = (credentials: BackstageCredentials) =>
  credentials.principal as { type?: string; subject?: string };

/**
 * Like the HTTP API, a service principal (CI token) reads only the plans it is bound to in
 * `readiness.ci.principals`, and learns nothing about the others.
 */
export async function checkServiceRead(
  deps: ActionDeps,
  credentials: BackstageCredentials,
  ref: CompoundEntityRef,
) {
  const principal = principalOf(credentials);
  if (principal.type !== 'service') return;
  const entityRef = stringifyEntityRef(ref);
  const plan = await deps.service.getPlanSummary(entityRef);
  if (!plan || !deps.ciPrincipals.mayRead(principal.subject ?? '', plan)) {
    throw new NotAllowedError(
      `Service principal ${principal.subject} is not bound to ${entityRef} in readiness.ci.principals`,
    );
  }
}

/** Org-wide reads are for users only, as on the HTTP API. */
export function requireUser(credentials: BackstageCredentials, what: string) {
  if (principalOf(credentials).type !== 'user') {
    throw new NotAllowedError(`Only users may read ${what}`);
  }
}

/**
 * The group as the caller sees it in the catalog: the service throws NotFoundError alike
 * for a group that does not exist and one the caller may not see.
 */
export async function visibleGroup(
  deps: ActionDeps,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<{ ref: string; entity: Entity }> {
  const entity = await deps.service.getEntity(
    parseGroupRef(groupRef),
    credentials,
  );
  return {
    ref: normalizeRef(stringifyEntityRef(entity)),
    entity,
  };
}
