import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_BACKUP_POLICY,
  ANNOTATION_SENTRY_PROJECT_SLUG,
} from '@prodready/plugin-readiness-common';
import { entityLinks } from './entityLinks';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations },
});

const policy = {
  title: 'Daily',
  rpoHours: 24,
  rtoHours: 4,
  retentionDays: 30,
  restoreDrillEveryDays: 90,
};

describe('entityLinks', () => {
  it('builds the Sentry link and the backup policy, reading config once per change', () => {
    const config = new ConfigReader({
      readiness: {
        sentry: { organization: 'acme', baseUrl: 'https://sentry.example/' },
        backupPolicies: { daily: policy },
      },
    });
    // A watched config (the backend's root config when its files are watched).
    let changed: (() => void) | undefined;
    Object.assign(config, {
      subscribe: (onChange: () => void) => {
        changed = onChange;
        return { unsubscribe: () => {} };
      },
    });
    const reads = jest.spyOn(config, 'getOptionalConfig');
    const e = entity({
      [ANNOTATION_SENTRY_PROJECT_SLUG]: 'acme/payments',
      [ANNOTATION_BACKUP_POLICY]: 'daily',
    });

    const first = entityLinks(e, config, '2026-11-01T00:00:00.000Z');
    expect(first).toEqual({
      sentry: {
        project: 'payments',
        url: 'https://sentry.example/organizations/acme/projects/payments/',
      },
      backupPolicy: {
        id: 'daily',
        ...policy,
        lastDrillAt: '2026-11-01T00:00:00.000Z',
      },
    });
    const readsAfterFirst = reads.mock.calls.length;
    expect(entityLinks(e, config, undefined)).toEqual({
      sentry: first.sentry,
      backupPolicy: { id: 'daily', ...policy },
    });
    expect(reads.mock.calls.length).toBe(readsAfterFirst);

    changed!();
    entityLinks(e, config, undefined);
    expect(reads.mock.calls.length).toBeGreaterThan(readsAfterFirst);
  });

  it('leaves out a policy the config does not have, and throws only for a malformed one', () => {
    const config = new ConfigReader({
      readiness: { backupPolicies: { daily: policy, broken: { title: 'x' } } },
    });
    expect(
      entityLinks(
        entity({ [ANNOTATION_BACKUP_POLICY]: 'nope' }),
        config,
        undefined,
      ),
    ).toEqual({});
    expect(() =>
      entityLinks(
        entity({ [ANNOTATION_BACKUP_POLICY]: 'broken' }),
        config,
        undefined,
      ),
    ).toThrow(/rpoHours/);
    expect(
      entityLinks(
        entity({ [ANNOTATION_BACKUP_POLICY]: 'daily' }),
        config,
        undefined,
      ).backupPolicy?.title,
    ).toBe('Daily');
  });

  // The annotation is the team's free text: it names a configured policy or nothing, and is
  // never read as a config path (a 500 on every read of the service before).
  it.each(['daily.title', 'constructor', '30 d', 'a..b', '__proto__'])(
    'a policy annotation %j that is not a configured id links no policy',
    id => {
      const config = new ConfigReader({
        readiness: { backupPolicies: { daily: policy } },
      });
      expect(
        entityLinks(
          entity({ [ANNOTATION_BACKUP_POLICY]: id }),
          config,
          undefined,
        ),
      ).toEqual({});
    },
  );
});
