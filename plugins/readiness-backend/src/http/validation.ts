import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { formatZodIssues } from '@prodready/plugin-readiness-common';
import { z } from 'zod';
import { spec } from '../schema/openapi';
import { ENTITY_REF_PART } from '../domain/entities';

// The spec (schema/openapi.yaml) types every request and validates all but the two hot reads
// first (see `validatedByHandler` in ./router); the handlers parse what they use again with
// zod (bodies, queries, uuids), so nothing is trusted unchecked where that validation is
// skipped. zod owns the rules an OpenAPI schema cannot
// say, or says less clearly: entity-ref syntax, control characters, real instants,
// http(s)-only URLs, the evidence kinds a caller may send, cross-field refinements.

/** Parses `:kind/:namespace/:name`, rejecting malformed parts with a 400 naming the part. */
export function parseRef(params: {
  kind: string;
  namespace: string;
  name: string;
}): CompoundEntityRef {
  for (const key of ['kind', 'namespace', 'name'] as const) {
    if (!ENTITY_REF_PART.test(params[key] ?? '')) {
      throw new InputError(
        `Malformed entity ref: invalid ${key} "${params[key]}"`,
      );
    }
  }
  return { kind: params.kind, namespace: params.namespace, name: params.name };
}

/** A field a strict schema does not define, named as the spec's validation names it. */
function unknownField(
  at: Array<string | number>,
  key: string,
  source: 'body' | 'query',
): string {
  const parameter = source === 'query' && !at.length;
  if (/^[\w-]+$/.test(key)) {
    return `${[...at, key].join('.')}: ${
      parameter ? 'unknown query parameter' : 'is not a field of this request'
    }`;
  }
  // A key that would not read as a name (spaces, dots, line breaks) is quoted.
  return `${
    at.join('.') || (parameter ? '(query)' : '(body)')
  }: ${JSON.stringify(key)} is ${
    parameter ? 'an unknown query parameter' : 'not a field of this request'
  }`;
}

/**
 * Parses with zod; a failure is a 400 `Invalid request: field: problem`. Fields a strict
 * schema does not define are named as the spec's validation names them (`bogus: unknown
 * query parameter`, `score: is not a field of this request`).
 */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  source: 'body' | 'query' = 'body',
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const named = parsed.error.issues.flatMap(issue =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map(key => unknownField(issue.path, key, source))
        : [formatZodIssues(new z.ZodError([issue]))],
    );
    throw new InputError(`Invalid request: ${named.join('; ')}`);
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

/** The spec's pattern of the uuid path parameters (ajv-formats' `uuid` takes `urn:uuid:…`). */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$';

/** A problem in words where the spec's message would quote a regular expression. */
const plainProblem = (problem: string) =>
  problem === `must match pattern "${UUID_PATTERN}"`
    ? 'must be a UUID'
    : problem;

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
  if (parameter)
    return `Invalid request: ${parameter[1]}: ${plainProblem(parameter[2])}`;
  if (!/^request\/(body|query|params|headers)/.test(message)) return message;
  const issues = message.split(/, (?=request\/)/).map(issue => {
    const m = /^request\/(body|query|params|headers)(?:\/(\S*))?\s+(.*)$/s.exec(
      issue,
    );
    if (!m) return issue;
    const [, where, field, problem] = m;
    let name = field ? field.split('/').join('.') : where;
    if (!field && where === 'body') name = '(body)';
    return `${name}: ${plainProblem(problem)}`;
  });
  return `Invalid request: ${issues.join('; ')}`;
}

/** A JSON schema of the spec, as far as naming unknown fields needs it. */
interface SpecSchema {
  $ref?: string;
  properties?: Record<string, SpecSchema>;
  [keyword: string]: unknown;
}

/** The part of the spec read here: request bodies and the schemas they refer to. */
export interface BodySpec {
  paths: Record<
    string,
    Record<
      string,
      | {
          requestBody?: {
            content?: Record<string, { schema?: SpecSchema } | undefined>;
          };
        }
      | unknown
    >
  >;
  components?: { schemas?: Record<string, SpecSchema | undefined> };
}

/** Follows `#/components/schemas/…` references (a few levels; cycles end there). */
function resolve(
  schema: SpecSchema | undefined,
  apiSpec: BodySpec,
): SpecSchema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(current.$ref);
    current = m ? apiSpec.components?.schemas?.[m[1]] : undefined;
  }
  return current?.$ref ? undefined : current;
}

/** The schema of the JSON body of an operation, per the spec. */
function bodySchemaOf(
  method: string,
  path: string,
  apiSpec: BodySpec,
): SpecSchema | undefined {
  for (const [template, item] of Object.entries(apiSpec.paths)) {
    if (!new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
      continue;
    const operation = item[method.toLowerCase()] as
      | { requestBody?: { content?: Record<string, { schema?: SpecSchema }> } }
      | undefined;
    const schema =
      operation?.requestBody?.content?.['application/json']?.schema;
    if (schema) return resolve(schema, apiSpec);
  }
  return undefined;
}

/** The fields the schema at a dotted path of the body defines (resolving references). */
function fieldsAt(
  schema: SpecSchema | undefined,
  path: string[],
  apiSpec: BodySpec,
): string[] | undefined {
  let current = schema;
  for (const part of path) {
    current = resolve(current?.properties?.[part], apiSpec);
  }
  return current?.properties ? Object.keys(current.properties) : undefined;
}

/** The value at a dotted path of the body. */
function valueAt(body: unknown, path: string[]): unknown {
  let current = body;
  for (const part of path) {
    if (!current || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * The spec's validation says an object has fields it does not define without naming them
 * (`(body): …` or `selection: must NOT have additional properties`); this names them
 * (`Invalid request: score: is not a field of this request`, `selection.x: …`), following
 * `$ref`s to `#/components/schemas/…` and into nested objects.
 */
export function nameUnknownFields(
  message: string,
  req: { method: string; path: string; body?: unknown },
  apiSpec: BodySpec = spec as unknown as BodySpec,
): string {
  const vague =
    /(^|; |Invalid request: )(\(body\)|[\w.-]+): must NOT have additional properties(?=;|$)/g;
  if (!vague.test(message)) return message;
  const bodySchema = bodySchemaOf(req.method, req.path, apiSpec);
  if (!bodySchema) return message;
  return message.replace(vague, (whole, before: string, at: string) => {
    const path = at === '(body)' ? [] : at.split('.');
    const fields = fieldsAt(bodySchema, path, apiSpec);
    const value = valueAt(req.body, path);
    if (!fields || !value || typeof value !== 'object' || Array.isArray(value))
      return whole;
    const unknown = Object.keys(value).filter(k => !fields.includes(k));
    if (!unknown.length) return whole;
    return `${before}${unknown
      .map(k =>
        /^[\w.-]+$/.test(k)
          ? `${[...path, k].join('.')}: is not a field of this request`
          : `${at}: ${JSON.stringify(k)} is not a field of this request`,
      )
      .join('; ')}`;
  });
}
