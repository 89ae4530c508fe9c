import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { readinessPlanUpdatePermission } from '@prodready/plugin-readiness-common';

/** A component owned by `team`, part of `system`, with readiness annotations. */
export function component(
  name: string,
  team: string,
  systemName: string,
  extra: { lifecycle?: string; tier?: string; annotated?: boolean } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations:
        extra.annotated === false
          ? {}
          : {
              'sentry.io/project-slug': name,
              'readiness/tier': extra.tier ?? '2',
            },
      links: [
        {
          url: `https://runbooks.example.com/${name}/dr`,
          title: 'DR',
          type: 'runbook-dr',
        },
      ],
    },
    spec: {
      type: 'service',
      owner: team,
      lifecycle: extra.lifecycle ?? 'production',
      system: systemName,
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${team}` },
      { type: 'partOf', targetRef: `system:default/${systemName}` },
    ],
  };
}

export function system(name: string, domain: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'platform-team', domain },
    relations: [{ type: 'partOf', targetRef: `domain:default/${domain}` }],
  };
}

/** A team Group of the org chart, under `parent` (the `childOf` relation the sync reads). */
export function group(name: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
    relations: parent
      ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
      : [],
  };
}

/** The `readiness.backupPolicies` of the tests: one daily policy with a 90-day drill cadence. */
export const backupPolicies = {
  'daily-35d': {
    title: 'Daily',
    rpoHours: 24,
    rtoHours: 4,
    retentionDays: 35,
    restoreDrillEveryDays: 90,
  },
};

/** Who is who in the permission tests. */
export const people = {
  owner: 'user:default/alice', // payments-team
  otherTeam: 'user:default/bob', // growth-team
  admin: 'user:default/root', // platform-team
  reviewer: 'user:default/carol', // sre-team: reviews evidence, approves exemptions
  teammate: 'user:default/dave', // payments-team, also holds the reviewer permissions
  subTeam: 'user:default/erin', // payments-sre, a sub-team of payments-team; an SRE too
};

const claims: Record<string, string[]> = {
  [people.subTeam]: [
    people.subTeam,
    'group:default/payments-sre',
    'group:default/sre-team',
  ],
  [people.reviewer]: [people.reviewer, 'group:default/sre-team'],
  [people.teammate]: [
    people.teammate,
    'group:default/payments-team',
    'group:default/sre-team',
  ],
  [people.owner]: [people.owner, 'group:default/payments-team'],
  [people.otherTeam]: [people.otherTeam, 'group:default/growth-team'],
  [people.admin]: [people.admin, 'group:default/platform-team'],
};

/**
 * A permissions service that decides like the demo policy: owners (by the entity's
 * ownedBy relation) and platform-team admins may update plans; only admins approve
 * exemptions or administer. It resolves the conditional decision the way the catalog's
 * `isEntityOwner` rule would.
 */
export function demoPermissionsFactory(entities: Entity[]) {
  const ownerOf = (ref: string) =>
    entities
      .find(
        e =>
          `${e.kind}:${e.metadata.namespace ?? 'default'}/${
            e.metadata.name
          }`.toLocaleLowerCase('en-US') === ref,
      )
      ?.relations?.find(r => r.type === 'ownedBy')?.targetRef;
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: any[], options: any) {
        const principal = options.credentials.principal;
        const mine =
          principal.type === 'user'
            ? claims[principal.userEntityRef] ?? [principal.userEntityRef]
            : [];
        const isAdmin = mine.includes('group:default/platform-team');
        const isReviewer = mine.includes('group:default/sre-team');
        return requests.map(r => {
          if (r.permission.name === 'readiness.evidence.verify') {
            return {
              result:
                principal.type === 'service'
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            };
          }
          if (
            r.permission.name === 'readiness.evidence.review' ||
            r.permission.name === 'readiness.exemption.approve'
          ) {
            return {
              result:
                isAdmin || isReviewer
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            };
          }
          if (isPermission(r.permission, readinessPlanUpdatePermission)) {
            const allowed =
              isAdmin || mine.includes(ownerOf(r.resourceRef) ?? '');
            return {
              result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            };
          }
          if (r.permission.name.startsWith('readiness.')) {
            return {
              result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            };
          }
          return { result: AuthorizeResult.ALLOW };
        });
      },
      // Everyone reads the whole catalog, as in the demo policy.
      async authorizeConditional(requests: any[]) {
        return requests.map(r => {
          if (r.permission.name !== 'catalog.entity.read') {
            throw new Error(`not used: ${r.permission.name}`);
          }
          return { result: AuthorizeResult.ALLOW };
        });
      },
    }),
  });
}

/** The user info service of the demo sign-in: ownership claims as in `claims` above. */
export function demoUserInfoFactory() {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: any) {
        const user = credentials.principal.userEntityRef as string;
        return {
          userEntityRef: user,
          ownershipEntityRefs: claims[user] ?? [user],
        };
      },
    }),
  });
}
