import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ReadinessTemplate,
  TemplateSelector,
  formatZodIssues,
  getTemplateId,
  templateSchema,
} from '@prodready/plugin-readiness-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { defaultTemplate } from './defaultTemplate';

function validate(raw: unknown, where: string): ReadinessTemplate {
  const parsed = templateSchema.safeParse(raw);
  if (!parsed.success) {
    const name = (raw as { id?: unknown } | undefined)?.id ?? '(no id)';
    throw new Error(
      `Invalid readiness template "${name}" in ${where}: ${formatZodIssues(
        parsed.error,
      )}`,
    );
  }
  return parsed.data as ReadinessTemplate;
}

const matches = (selector: TemplateSelector, entity: Entity) => {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const has = (list: string[] | undefined, value: unknown) =>
    !list ||
    (typeof value === 'string' &&
      list.some(
        v => v.toLocaleLowerCase('en-US') === value.toLocaleLowerCase('en-US'),
      ));
  return (
    has(selector.kind, entity.kind) &&
    has(selector.type, spec.type) &&
    has(selector.lifecycle, spec.lifecycle)
  );
};

/**
 * Holds the built-in default template plus those from `readiness.templates` (inline) and
 * `readiness.templateFiles` (YAML files), and picks the template for an entity.
 * @internal
 */
export class TemplateRegistry {
  private constructor(
    private readonly templates: Map<string, ReadinessTemplate>,
    private readonly defaultId: string,
  ) {}

  /** Throws, naming the template, its source and the field, when a template is invalid. */
  static fromConfig(
    config: Config,
    options: { baseDir?: string } = {},
  ): TemplateRegistry {
    const templates = new Map<string, ReadinessTemplate>([
      [defaultTemplate.id, defaultTemplate],
    ]);
    const add = (t: ReadinessTemplate, where: string) => {
      if (templates.has(t.id) && t.id !== defaultTemplate.id) {
        throw new Error(
          `Duplicate readiness template id "${t.id}" in ${where}`,
        );
      }
      templates.set(t.id, t);
    };
    (config.getOptionalConfigArray('readiness.templates') ?? []).forEach(
      (c, i) =>
        add(
          validate(c.get(), `readiness.templates[${i}]`),
          `readiness.templates[${i}]`,
        ),
    );
    for (const file of config.getOptionalStringArray(
      'readiness.templateFiles',
    ) ?? []) {
      const full = path.resolve(options.baseDir ?? process.cwd(), file);
      let docs: unknown[];
      try {
        docs = yaml
          .parseAllDocuments(fs.readFileSync(full, 'utf8'))
          .map(d => d.toJSON());
      } catch (e) {
        throw new Error(
          `Cannot read readiness template file ${file}: ${
            (e as Error).message
          }`,
        );
      }
      for (const doc of docs.flatMap(d => (Array.isArray(d) ? d : [d]))) {
        add(validate(doc, file), file);
      }
    }
    const defaultId =
      config.getOptionalString('readiness.defaultTemplate') ??
      defaultTemplate.id;
    if (!templates.has(defaultId)) {
      throw new Error(
        `readiness.defaultTemplate names unknown template "${defaultId}"`,
      );
    }
    return new TemplateRegistry(templates, defaultId);
  }

  get(id: string): ReadinessTemplate | undefined {
    return this.templates.get(id);
  }

  list(): ReadinessTemplate[] {
    return [...this.templates.values()];
  }

  /**
   * The template named by the `readiness/template` annotation, else the first whose
   * selector matches the entity, else the default.
   */
  select(entity: Entity): ReadinessTemplate {
    const id = getTemplateId(entity);
    if (id && this.templates.has(id)) return this.templates.get(id)!;
    for (const t of this.templates.values()) {
      if (t.selector && matches(t.selector, entity)) return t;
    }
    return this.templates.get(this.defaultId)!;
  }
}
