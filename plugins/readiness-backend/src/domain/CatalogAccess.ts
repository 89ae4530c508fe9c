import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { normalizeRef, normalizeRefs } from '../database/refs';
import { BoundedCache } from './BoundedCache';
import { relationTarget } from './entities';

/** Entities (one per user and entity) this replica keeps in the cache at once. */
const ENTITIES_HELD_MAX = 5000;
/** Users whose whole-catalog decision this replica keeps in the cache at once. */
const DECISIONS_HELD_MAX = 5000;
/** Entity refs this replica keeps across all users' visibility lists at once. */
const VISIBLE_REFS_HELD_MAX = 500_000;
/** How long a user's whole-catalog decision and visibility list are reused. */
const PER_USER_TTL_MS = 60_000;

/**
 * The catalog as readiness sees it, through the caller's eyes: entity reads, the
 * whole-catalog read decision and the refs a user may see, each cached per user.
 * @internal
 */
export class CatalogAccess {
  /**
   * Catalog answers keyed `<user entity ref>|<entity ref>` (users only: service callers
   * are never cached), kept `readiness.entityCacheSeconds` (10 s; 0 turns it off), at most
   * 5 000 per replica. The card, the tab and their refreshes read the same entity in
   * bursts, and the catalog round trip (token exchange, permission check) costs more than
   * the rest of a read.
   */
  private readonly entities: BoundedCache<Entity>;
  /**
   * Whether a user's `catalog.entity.read` is an unconditional ALLOW, keyed by user entity
   * ref, kept 60 s, at most 5 000 users per replica.
   */
  private readonly decisions: BoundedCache<boolean>;
  /**
   * The (lower-cased) refs a restricted user may see, keyed by user entity ref, kept 60 s,
   * at most 500 000 refs across users per replica (a list weighs its length; one longer
   * than that is not cached). Stored as an array: cache values are JSON.
   */
  private readonly visible: BoundedCache<string[]>;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      cache: CacheService;
      logger: LoggerService;
      permissions?: PermissionsService;
      entityTtlMs: number;
    },
  ) {
    const { cache, logger } = deps;
    this.entities = new BoundedCache(cache, {
      prefix: 'service:entity:',
      ttlMs: deps.entityTtlMs,
      maxWeight: ENTITIES_HELD_MAX,
      logger,
    });
    this.decisions = new BoundedCache(cache, {
      prefix: 'service:read-all:',
      ttlMs: PER_USER_TTL_MS,
      maxWeight: DECISIONS_HELD_MAX,
      logger,
    });
    this.visible = new BoundedCache(cache, {
      prefix: 'service:visible:',
      ttlMs: PER_USER_TTL_MS,
      maxWeight: VISIBLE_REFS_HELD_MAX,
      logger,
    });
  }

  /** The entity as the caller may read it from the catalog, or a NotFoundError. */
  async getEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    // A CI token is usually restricted to this plugin, so it cannot be delegated to the
    // catalog; services only learn whether the entity exists, so we look it up as ourselves.
    const caller = this.deps.auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : undefined;
    const key = caller && `${caller}|${normalizeRef(stringifyEntityRef(ref))}`;
    const cached = key ? await this.entities.get(key) : undefined;
    if (cached) return cached;
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: this.deps.auth.isPrincipal(credentials, 'service')
        ? await this.deps.auth.getOwnServiceCredentials()
        : credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `Entity ${stringifyEntityRef(ref)} was not found in the catalog`,
      );
    }
    if (key) await this.entities.set(key, entity);
    return entity;
  }

  /**
   * Whether the catalog's read permission is an unconditional ALLOW for this user, asked
   * once per user per minute.
   */
  async canReadWholeCatalog(
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const { permissions, auth } = this.deps;
    if (!permissions || !auth.isPrincipal(credentials, 'user')) return false;
    const user = credentials.principal.userEntityRef;
    const cached = await this.decisions.get(user);
    if (cached !== undefined) return cached;
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    const allowed = decision.result === AuthorizeResult.ALLOW;
    await this.decisions.set(user, allowed);
    return allowed;
  }

  /**
   * The entity refs a caller may see in the catalog, for filtering org-wide lists, or
   * `undefined` when they may see every entity (and for service callers). Asked of the
   * catalog with the caller's credentials, once per user per minute.
   */
  async visibleRefs(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    const { auth, catalog } = this.deps;
    if (!auth.isPrincipal(credentials, 'user')) return undefined;
    if (await this.canReadWholeCatalog(credentials)) return undefined;
    const user = credentials.principal.userEntityRef;
    const cached = await this.visible.get(user);
    if (cached) return cached;
    const { items } = await catalog.getEntities(
      { fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    const refs = items.map(e => normalizeRef(stringifyEntityRef(e)));
    await this.visible.set(user, refs, refs.length + 1);
    return refs;
  }

  /** The domain a system is part of, looked up as the plugin (undefined if unknown). */
  async domainOf(systemRef: string): Promise<string | undefined> {
    const system = await this.deps.catalog
      .getEntityByRef(systemRef, {
        credentials: await this.deps.auth.getOwnServiceCredentials(),
      })
      .catch(() => undefined);
    return system ? relationTarget(system, 'partOf', 'domain') : undefined;
  }

  /**
   * A person's ownership refs plus every group above their groups (`childOf`, any depth, as
   * the catalog holds it), lower-cased: membership of a sub-team is membership of the team.
   */
  async withAncestors(ownership: string[]): Promise<Set<string>> {
    const all = new Set(normalizeRefs(ownership));
    let frontier = [...all].filter(r => r.startsWith('group:'));
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    for (let depth = 0; depth < 10 && frontier.length; depth++) {
      const { items } = await this.deps.catalog.getEntitiesByRefs(
        { entityRefs: frontier, fields: ['relations'] },
        { credentials },
      );
      frontier = items
        .flatMap(e => e?.relations ?? [])
        .filter(r => r.type === 'childOf')
        .map(r => normalizeRef(r.targetRef))
        .filter(r => !all.has(r));
      frontier.forEach(r => all.add(r));
    }
    return all;
  }

  /** The groups a user is a direct member of (lower-cased), looked up as the plugin. */
  async groupsOf(userRef: string): Promise<string[]> {
    const user = await this.deps.catalog.getEntityByRef(userRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    return (user?.relations ?? [])
      .filter(r => r.type === 'memberOf')
      .map(r => normalizeRef(r.targetRef));
  }
}
