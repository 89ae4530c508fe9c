import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ReadinessTemplate,
  formatZodIssues,
  getTemplateId,
  templateSchema,
} from '@internal/plugin-readiness-common';
import { defaultTemplate } from './defaultTemplate';

/**
 * Holds the templates from `readiness.templates` plus the built-in default, and picks the
 * template for an entity.
 * @internal
 */
export class TemplateRegistry {
  private constructor(
    private readonly templates: Map<string, ReadinessTemplate>,
    private readonly defaultId: string,
  ) {}

  /** Throws, naming the template and field, when a configured template is invalid. */
  static fromConfig(config: Config): TemplateRegistry {
    const templates = new Map<string, ReadinessTemplate>([
      [defaultTemplate.id, defaultTemplate],
    ]);
    const configured =
      config.getOptionalConfigArray('readiness.templates') ?? [];
    configured.forEach((c, index) => {
      const raw = c.get();
      const parsed = templateSchema.safeParse(raw);
      if (!parsed.success) {
        const name = (raw as { id?: unknown })?.id ?? `#${index}`;
        throw new Error(
          `Invalid readiness template "${name}" in readiness.templates[${index}]: ${formatZodIssues(
            parsed.error,
          )}`,
        );
      }
      templates.set(parsed.data.id, parsed.data as ReadinessTemplate);
    });
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

  /** The `readiness/template` annotation if it names a known template, else the default. */
  select(entity: Entity): ReadinessTemplate {
    const id = getTemplateId(entity);
    return (
      (id && this.templates.get(id)) || this.templates.get(this.defaultId)!
    );
  }
}
