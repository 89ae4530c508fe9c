import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  readinessAdminPermission,
  readinessEvidenceReviewPermission,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
} from '@prodready/plugin-readiness-common';
import { ReadinessDemoPolicy } from './permissionPolicy';

const user = (refs: string[]) =>
  ({
    identity: {
      type: 'user',
      userEntityRef: refs[0],
      ownershipEntityRefs: refs,
    },
    info: { userEntityRef: refs[0], ownershipEntityRefs: refs },
  } as any);

describe('ReadinessDemoPolicy', () => {
  const policy = new ReadinessDemoPolicy();
  const member = user(['user:default/guest', 'group:default/payments-team']);
  const admin = user(['user:default/alice', 'group:default/platform-team']);

  it('lets owners update plans through the catalog isEntityOwner condition', async () => {
    const decision = await policy.handle(
      { permission: readinessPlanUpdatePermission },
      member,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/guest', 'group:default/payments-team'],
        },
      },
    });
    expect(
      await policy.handle({ permission: readinessPlanUpdatePermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets SREs and admins review evidence and approve exemptions, not owners', async () => {
    const sre = user(['user:default/carol', 'group:default/sre-team']);
    for (const permission of [
      readinessExemptionApprovePermission,
      readinessEvidenceReviewPermission,
    ]) {
      for (const [who, result] of [
        [member, AuthorizeResult.DENY],
        [sre, AuthorizeResult.ALLOW],
        [admin, AuthorizeResult.ALLOW],
      ] as const) {
        expect(await policy.handle({ permission }, who)).toEqual({ result });
      }
    }
  });

  it('keeps administration to admins', async () => {
    for (const permission of [readinessAdminPermission]) {
      expect(await policy.handle({ permission }, member)).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('keeps catalog writes (locations, deletions) to admins, so a team cannot register what it likes', async () => {
    for (const name of [
      'catalog.location.create',
      'catalog.location.delete',
      'catalog.entity.delete',
    ]) {
      const permission = {
        type: 'basic' as const,
        name,
        attributes: { action: 'create' as const },
      };
      expect(await policy.handle({ permission }, member)).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });
});
