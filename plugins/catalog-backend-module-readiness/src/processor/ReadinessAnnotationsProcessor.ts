import { Config } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_BACKUP_POLICY,
  ANNOTATION_SENTRY_PROJECT_SLUG,
  ANNOTATION_TEMPLATE,
  ANNOTATION_TIER,
  RUNBOOK_LINK_TYPE_PATTERN,
  RUNBOOK_TYPES,
} from '@prodready/plugin-readiness-common';

/** Sentry project slugs are lower-case words with dashes/underscores; numeric ids are accepted too. */
const SENTRY_SLUG = /^(?:[a-z0-9][a-z0-9_-]{0,49}|\d{1,20})$/;

/** Ids of the templates in YAML files; unreadable files are the readiness backend's to report. */
function templateIdsFromFiles(files: string[]): string[] {
  return files.flatMap(file => {
    try {
      return yaml
        .parseAllDocuments(fs.readFileSync(path.resolve(file), 'utf8'))
        .flatMap(d => {
          const doc = d.toJSON();
          return Array.isArray(doc) ? doc : [doc];
        })
        .map(t => t?.id)
        .filter((id): id is string => typeof id === 'string');
    } catch {
      return [];
    }
  });
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * Validates the readiness-related annotations and runbook links of catalog entities.
 * Problems become processing errors on the entity; valid entities pass untouched.
 * @public
 */
export class ReadinessAnnotationsProcessor implements CatalogProcessor {
  private constructor(
    private readonly backupPolicies: Set<string>,
    private readonly templates: Set<string>,
  ) {}

  static fromConfig(config: Config): ReadinessAnnotationsProcessor {
    const policies =
      config.getOptionalConfig('readiness.backupPolicies')?.keys() ?? [];
    const templates = [
      ...(config.getOptionalConfigArray('readiness.templates') ?? []).map(t =>
        t.getString('id'),
      ),
      ...templateIdsFromFiles(
        config.getOptionalStringArray('readiness.templateFiles') ?? [],
      ),
    ];
    return new ReadinessAnnotationsProcessor(
      new Set(policies),
      new Set(['default', ...templates]),
    );
  }

  getProcessorName(): string {
    return 'ReadinessAnnotationsProcessor';
  }

  /** All problems of an entity, one message each. */
  validate(entity: Entity): string[] {
    const errors: string[] = [];
    const annotations = entity.metadata.annotations ?? {};
    const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
      entity.metadata.name
    }`;

    const slug = annotations[ANNOTATION_SENTRY_PROJECT_SLUG];
    if (slug !== undefined) {
      // Tolerate the `org/project` form some plugins use, but validate the project part.
      const project = slug.includes('/') ? slug.split('/').pop()! : slug;
      if (!SENTRY_SLUG.test(project)) {
        errors.push(
          `${ref}: annotation ${ANNOTATION_SENTRY_PROJECT_SLUG} "${slug}" is not a Sentry project slug (lower-case letters, digits, "-" or "_") or numeric id`,
        );
      }
    }

    const policy = annotations[ANNOTATION_BACKUP_POLICY];
    if (policy !== undefined && !this.backupPolicies.has(policy)) {
      const known = [...this.backupPolicies].join(', ') || 'none configured';
      errors.push(
        `${ref}: annotation ${ANNOTATION_BACKUP_POLICY} names unknown backup policy "${policy}" (known: ${known}; see readiness.backupPolicies)`,
      );
    }

    const template = annotations[ANNOTATION_TEMPLATE];
    if (template !== undefined && !this.templates.has(template)) {
      errors.push(
        `${ref}: annotation ${ANNOTATION_TEMPLATE} names unknown template "${template}" (known: ${[
          ...this.templates,
        ].join(', ')})`,
      );
    }

    const tier = annotations[ANNOTATION_TIER];
    if (tier !== undefined && !/^[1-4]$/.test(tier)) {
      errors.push(
        `${ref}: annotation ${ANNOTATION_TIER} "${tier}" must be 1, 2, 3 or 4`,
      );
    }

    for (const [i, link] of (entity.metadata.links ?? []).entries()) {
      const m = link.type ? RUNBOOK_LINK_TYPE_PATTERN.exec(link.type) : null;
      if (link.type?.startsWith('runbook') && !m) {
        errors.push(
          `${ref}: metadata.links[${i}].type "${link.type}" is not "runbook" or "runbook-<type>"`,
        );
        continue;
      }
      if (!m) continue;
      if (m[1] && !(RUNBOOK_TYPES as readonly string[]).includes(m[1])) {
        errors.push(
          `${ref}: metadata.links[${i}].type "${
            link.type
          }" has unknown runbook type "${m[1]}" (known: ${RUNBOOK_TYPES.join(
            ', ',
          )}, other)`,
        );
      }
      if (!isHttpUrl(link.url)) {
        errors.push(
          `${ref}: metadata.links[${i}].url "${link.url}" is not a valid http(s) URL`,
        );
      }
    }
    return errors;
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    for (const message of this.validate(entity)) {
      emit(processingResult.inputError(location, message));
    }
    return entity;
  }
}
