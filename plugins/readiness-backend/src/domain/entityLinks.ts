import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EntityReadinessResponse,
  getBackupPolicyId,
  getSentryProjectSlug,
} from '@prodready/plugin-readiness-common';

type BackupPolicy = Omit<
  NonNullable<EntityReadinessResponse['backupPolicy']>,
  'id' | 'lastDrillAt'
>;

/** What the links are built from, read from config once (every card read needs it). */
interface LinkSettings {
  sentryBase: string;
  sentryOrg?: string;
  /** The configured policies' ids: an annotation is free text, never a config path. */
  policyIds: Set<string>;
  /** Configured policies as read so far. */
  backupPolicies: Map<string, BackupPolicy>;
}

function readSettings(config: Config): LinkSettings {
  const sentry = config.getOptionalConfig('readiness.sentry');
  return {
    sentryBase: (
      sentry?.getOptionalString('baseUrl') ?? 'https://sentry.io'
    ).replace(/\/+$/, ''),
    sentryOrg: sentry?.getOptionalString('organization'),
    policyIds: new Set(
      config.getOptionalConfig('readiness.backupPolicies')?.keys() ?? [],
    ),
    backupPolicies: new Map(),
  };
}

/** A configured backup policy; a malformed one throws for the services naming it only. */
function backupPolicy(
  config: Config,
  settings: LinkSettings,
  id: string,
): BackupPolicy | undefined {
  const known = settings.backupPolicies.get(id);
  if (known || !settings.policyIds.has(id)) return known;
  const policy = config.getConfig(`readiness.backupPolicies.${id}`);
  const read = {
    title: policy.getString('title'),
    rpoHours: policy.getNumber('rpoHours'),
    rtoHours: policy.getNumber('rtoHours'),
    retentionDays: policy.getNumber('retentionDays'),
    restoreDrillEveryDays: policy.getNumber('restoreDrillEveryDays'),
  };
  settings.backupPolicies.set(id, read);
  return read;
}

const settingsByConfig = new WeakMap<Config, LinkSettings>();
const watched = new WeakSet<Config>();

/** The settings of `config`, read again when a watched config file changes. */
function settingsOf(config: Config): LinkSettings {
  let settings = settingsByConfig.get(config);
  if (!settings) {
    settings = readSettings(config);
    settingsByConfig.set(config, settings);
    if (config.subscribe && !watched.has(config)) {
      watched.add(config);
      config.subscribe(() => settingsByConfig.delete(config));
    }
  }
  return settings;
}

/**
 * The Sentry project and backup policy of an entity, as the card shows them, with the last
 * restore drill (`lastRestoreDrill` of its plan). The Sentry link is built from config; the
 * token never leaves the backend.
 * @internal
 */
export function entityLinks(
  entity: Entity,
  config: Config,
  lastDrillAt: string | undefined,
): Pick<EntityReadinessResponse, 'sentry' | 'backupPolicy'> {
  const out: Pick<EntityReadinessResponse, 'sentry' | 'backupPolicy'> = {};
  const settings = settingsOf(config);
  const { sentryBase, sentryOrg } = settings;
  const slug = getSentryProjectSlug(entity);
  if (slug) {
    const project = slug.includes('/') ? slug.split('/').pop()! : slug;
    out.sentry = {
      project,
      ...(sentryOrg
        ? {
            url: `${sentryBase}/organizations/${encodeURIComponent(
              sentryOrg,
            )}/projects/${encodeURIComponent(project)}/`,
          }
        : {}),
    };
  }
  const id = getBackupPolicyId(entity);
  const policy = id ? backupPolicy(config, settings, id) : undefined;
  if (id && policy) {
    out.backupPolicy = {
      id,
      ...policy,
      ...(lastDrillAt ? { lastDrillAt } : {}),
    };
  }
  return out;
}
