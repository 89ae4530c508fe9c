import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { formatZodIssues } from '@prodready/plugin-readiness-common';
import { z } from 'zod';
import { spec } from '../schema/openapi';

// The spec (schema/openapi.yaml) types and validates every request first; what is here adds
// the rules an OpenAPI schema cannot say: entity-ref syntax, control characters, real
// instants, http(s)-only URLs, cross-field refinements and transforms.

const refPart = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Parses `:kind/:namespace/:name`, rejecting malformed parts with a 400 naming the part. */
export function parseRef(params: {
  kind: string;
  namespace: string;
  name: string;
}): CompoundEntityRef {
  for (const key of ['kind', 'namespace', 'name'] as const) {
    if (!refPart.test(params[key] ?? '')) {
      throw new InputError(
        `Malformed entity ref: invalid ${key} "${params[key]}"`,
      );
    }
  }
  return { kind: params.kind, namespace: params.namespace, name: params.name };
}

/** Parses with zod; a failure is a 400 `Invalid request: field: problem`. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(`Invalid request: ${formatZodIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** JSON bodies nested deeper than this are refused (no request of ours needs more than 4). */
const MAX_BODY_DEPTH = 32;

/**
 * The dotted path of the first string holding a NUL character, if any; iterative, so a
 * deeply nested body cannot overflow the stack. Throws an InputError past MAX_BODY_DEPTH.
 */
export function fieldWithNul(body: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [
    { value: body, path: [] },
  ];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path.join('.');
    } else if (value && typeof value === 'object') {
      if (path.length >= MAX_BODY_DEPTH) {
        throw new InputError(
          `Invalid request: ${path
            .slice(0, 3)
            .join('.')}…: nested deeper than ${MAX_BODY_DEPTH} levels`,
        );
      }
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return [...path, '(key)'].join('.');
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/**
 * Rewrites a message of the spec's request validation (express-openapi-validator:
 * `request/body/url must match format "uri", request/query must NOT have …`) in the API's
 * own form, `Invalid request: url: must match format "uri"; …`, so every 400 names the
 * field the same way. Other messages are returned unchanged.
 */
export function fromSpecValidation(message: string): string {
  const unknownQuery = /^Unknown query parameter '([^']*)'$/.exec(message);
  if (unknownQuery) {
    return `Invalid request: ${unknownQuery[1]}: unknown query parameter`;
  }
  const parameter = /^Parameter '([^']*)' (.*)$/s.exec(message);
  if (parameter) return `Invalid request: ${parameter[1]}: ${parameter[2]}`;
  if (!/^request\/(body|query|params|headers)/.test(message)) return message;
  const issues = message.split(/, (?=request\/)/).map(issue => {
    const m = /^request\/(body|query|params|headers)(?:\/(\S*))?\s+(.*)$/s.exec(
      issue,
    );
    if (!m) return issue;
    const [, where, field, problem] = m;
    let name = field ? field.split('/').join('.') : where;
    if (!field && where === 'body') name = '(body)';
    return `${name}: ${problem}`;
  });
  return `Invalid request: ${issues.join('; ')}`;
}

type SpecPaths = Record<
  string,
  Record<
    string,
    {
      requestBody?: {
        content?: Record<
          string,
          { schema?: { properties?: Record<string, unknown> } }
        >;
      };
    }
  >
>;

/** The fields of the JSON body of an operation, per the spec. */
function bodyFieldsOf(method: string, path: string): string[] | undefined {
  for (const [template, item] of Object.entries(
    spec.paths as unknown as SpecPaths,
  )) {
    if (!new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
      continue;
    const properties =
      item[method.toLowerCase()]?.requestBody?.content?.['application/json']
        ?.schema?.properties;
    if (properties) return Object.keys(properties);
  }
  return undefined;
}

/**
 * The spec's validation says a body has fields it does not define without naming them;
 * this names them (`Invalid request: score: is not a field of this request`).
 */
export function nameUnknownFields(
  message: string,
  req: { method: string; path: string; body?: unknown },
): string {
  const vague = '(body): must NOT have additional properties';
  if (!message.includes(vague)) return message;
  const body = req.body;
  const fields = bodyFieldsOf(req.method, req.path);
  if (!fields || !body || typeof body !== 'object' || Array.isArray(body))
    return message;
  const unknown = Object.keys(body).filter(k => !fields.includes(k));
  if (!unknown.length) return message;
  return message.replace(
    vague,
    unknown
      .map(k =>
        /^[\w.-]+$/.test(k)
          ? `${k}: is not a field of this request`
          : `(body): ${JSON.stringify(k)} is not a field of this request`,
      )
      .join('; '),
  );
}
