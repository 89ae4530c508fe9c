import {
  AuthService,
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Config } from '@backstage/config';
import { ReadinessNotifier } from '../notify/ReadinessNotifier';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';

/** What the readiness domain is built from (the options of `ReadinessService`). @internal */
export interface ReadinessDeps {
  store: DatabaseReadinessStore;
  templates: TemplateRegistry;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  config: Config;
  /** The plugin's cache (`coreServices.cache`): catalog answers, decisions and rollups. */
  cache: CacheService;
  notifier?: ReadinessNotifier;
  /** Enables catalog-free reads for users who may read the whole catalog. */
  permissions?: PermissionsService;
  /** Plans per transaction of the scheduled re-evaluation (500). */
  reevaluatePageSize?: number;
}

/** Longest exemption an approver can grant unless `readiness.exemptions.maxDays` says otherwise. */
const DEFAULT_MAX_EXEMPTION_DAYS = 90;

/** The `readiness.*` settings the domain reads once, at construction. @internal */
export interface ReadinessSettings {
  /** `readiness.entityCacheSeconds` (10) in ms; 0 turns the entity cache off. */
  entityTtlMs: number;
  /** `readiness.rollupCacheSeconds` (15) in ms; 0 turns the rollup cache off. */
  rollupTtlMs: number;
  /** `readiness.trendCacheSeconds` (3600) in ms; 0 turns the trend cache off. */
  trendTtlMs: number;
  maxExemptionDays: number;
  ownerGroupMayApprove: boolean;
  ownerGroupMayReview: boolean;
}

/** Reads the domain's settings from config. @internal */
export function readSettings(config: Config): ReadinessSettings {
  return {
    entityTtlMs:
      (config.getOptionalNumber('readiness.entityCacheSeconds') ?? 10) * 1000,
    rollupTtlMs:
      (config.getOptionalNumber('readiness.rollupCacheSeconds') ?? 15) * 1000,
    trendTtlMs:
      (config.getOptionalNumber('readiness.trendCacheSeconds') ?? 3600) * 1000,
    maxExemptionDays:
      config.getOptionalNumber('readiness.exemptions.maxDays') ??
      DEFAULT_MAX_EXEMPTION_DAYS,
    ownerGroupMayApprove:
      config.getOptionalBoolean('readiness.exemptions.allowOwnerGroup') ??
      false,
    ownerGroupMayReview:
      config.getOptionalBoolean('readiness.review.allowOwnerGroup') ?? false,
  };
}
