import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  Initiative,
  ReadinessTemplate,
  formatZodIssues,
  initiativeSchema,
} from '@prodready/plugin-readiness-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/** Parses one definition, naming where it came from and the field at fault. */
export function parseDefinition(
  value: unknown,
  where: string,
  knownTasks?: Set<string>,
): Initiative {
  const parsed = initiativeSchema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      `Invalid initiative in ${where}: ${formatZodIssues(parsed.error)}`,
    );
  }
  // A task no template has would read "not proven" forever.
  const unknown = (parsed.data.goal.tasks ?? []).filter(
    t => knownTasks && !knownTasks.has(t),
  );
  if (unknown.length) {
    throw new InputError(
      `Invalid initiative in ${where}: goal.tasks: no template has task ${unknown.join(
        ', ',
      )}`,
    );
  }
  return parsed.data;
}

/** Every task id of the configured templates. */
export const taskIdsOf = (templates: ReadinessTemplate[]) =>
  new Set(
    templates.flatMap(t => t.phases.flatMap(p => p.tasks.map(k => k.id))),
  );

/**
 * Reads `readiness.initiatives` (a list of definitions) and `readiness.initiativeFiles`
 * (YAML files, each one definition or a list); throws naming the entry and field at fault.
 */
export function readInitiativeConfig(
  config: Config,
  options: { baseDir?: string; knownTasks?: Set<string> } = {},
): Initiative[] {
  const { baseDir = process.cwd(), knownTasks } = options;
  const found: Initiative[] = [];
  (config.getOptionalConfigArray('readiness.initiatives') ?? []).forEach(
    (c, i) =>
      found.push(
        parseDefinition(c.get(), `readiness.initiatives[${i}]`, knownTasks),
      ),
  );
  for (const file of config.getOptionalStringArray(
    'readiness.initiativeFiles',
  ) ?? []) {
    const full = path.resolve(baseDir, file);
    let doc: unknown;
    try {
      doc = yaml.parse(fs.readFileSync(full, 'utf8'));
    } catch (error) {
      throw new InputError(`Invalid initiative file ${file}: ${error}`);
    }
    const list: unknown[] = Array.isArray(doc) ? doc : [doc];
    list.forEach((d, i) =>
      found.push(parseDefinition(d, `${file}[${i}]`, knownTasks)),
    );
  }
  const ids = new Set<string>();
  for (const d of found) {
    if (ids.has(d.id))
      throw new InputError(`Initiative id ${d.id} is defined twice in config`);
    ids.add(d.id);
  }
  return found;
}
