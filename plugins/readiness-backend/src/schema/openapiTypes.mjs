// JSON schema (OpenAPI 3.0 dialect) → TypeScript types, for generate.mjs.

/** The HTTP methods typed, in the order they are written. */
export const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

// ---- JSON schema (OpenAPI 3.0 dialect) → TypeScript ------------------------------------

const refName = ref => {
  const m = /^#\/components\/schemas\/(\w+)$/.exec(ref);
  if (!m) throw new Error(`Unsupported $ref ${ref}`);
  return m[1];
};
const pascal = s => s.charAt(0).toUpperCase() + s.slice(1);
const key = k => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
const doc = (text, indent) =>
  text
    ? `${indent}/** ${String(text)
        .trim()
        .replace(/\*\//g, '*\\/')
        .replace(/\s*\n\s*/g, ' ')} */\n`
    : '';

// The schema keywords this generator turns into types, or may leave out of them because
// they only constrain values (checked by the router's validation) or document them. Any
// other keyword (oneOf, anyOf, allOf, not, discriminator, …) would silently become
// `unknown` or a wrong type: it throws until it is handled here.
const TYPED_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'nullable',
  'properties',
  'required',
  'additionalProperties',
  'items',
]);
const CONSTRAINT_KEYWORDS = new Set([
  'description',
  'title',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
  'example',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
const TYPES = new Set([
  'string',
  'integer',
  'number',
  'boolean',
  'array',
  'object',
]);

function assertSupported(schema, where) {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error(`${where}: a schema must be an object`);
  }
  for (const keyword of Object.keys(schema)) {
    if (keyword.startsWith('x-')) continue;
    if (TYPED_KEYWORDS.has(keyword) || CONSTRAINT_KEYWORDS.has(keyword))
      continue;
    throw new Error(
      `${where}: schema keyword "${keyword}" is not supported by generate.mjs (it would not be typed); handle it there first`,
    );
  }
  if (schema.type !== undefined && !TYPES.has(schema.type)) {
    throw new Error(
      `${where}: unsupported type ${JSON.stringify(schema.type)}`,
    );
  }
}

function toTs(schema, indent = '', where = 'schema') {
  if (!schema) return 'unknown';
  assertSupported(schema, where);
  let type;
  if (schema.$ref) type = refName(schema.$ref);
  else if (schema.enum)
    type = schema.enum.map(v => JSON.stringify(v)).join(' | ');
  else if (schema.type === 'string') type = 'string';
  else if (schema.type === 'integer' || schema.type === 'number')
    type = 'number';
  else if (schema.type === 'boolean') type = 'boolean';
  else if (schema.type === 'array')
    type = `Array<${toTs(schema.items, indent, `${where}.items`)}>`;
  else if (schema.type === 'object' || schema.properties) {
    const inner = `${indent}  `;
    const required = new Set(schema.required ?? []);
    const lines = Object.entries(schema.properties ?? {}).map(
      ([name, prop]) =>
        `${doc(prop.description, inner)}${inner}${key(name)}${
          required.has(name) ? '' : '?'
        }: ${toTs(prop, inner, `${where}.properties.${name}`)};\n`,
    );
    const extra = schema.additionalProperties;
    if (extra && typeof extra === 'object') {
      lines.push(
        `${inner}[key: string]: ${toTs(
          extra,
          inner,
          `${where}.additionalProperties`,
        )};\n`,
      );
    }
    // An object the spec leaves open is any object (not an index signature, which
    // interfaces would not satisfy).
    type = lines.length ? `{\n${lines.join('')}${indent}}` : 'object';
  } else type = 'unknown';
  return schema.nullable ? `${type} | null` : type;
}

function resolveParameter(spec, p) {
  if (!p.$ref) return p;
  const m = /^#\/components\/parameters\/(\w+)$/.exec(p.$ref);
  if (!m) throw new Error(`Unsupported $ref ${p.$ref}`);
  return spec.components.parameters[m[1]];
}
function resolveResponse(spec, r) {
  if (!r.$ref) return r;
  const m = /^#\/components\/responses\/(\w+)$/.exec(r.$ref);
  if (!m) throw new Error(`Unsupported $ref ${r.$ref}`);
  return spec.components.responses[m[1]];
}

/**
 * The parameters as an object type. On the server a parameter with a default is always
 * there: the router's validation converts the values to their types and fills in defaults
 * before the handler runs.
 */
function paramsType(params, side, where) {
  if (!params.length) return undefined;
  const present = p =>
    p.required || (side === 'server' && p.schema?.default !== undefined);
  return toTs(
    {
      type: 'object',
      additionalProperties: false,
      required: params.filter(present).map(p => p.name),
      properties: Object.fromEntries(
        params.map(p => [p.name, { ...p.schema, description: p.description }]),
      ),
    },
    '',
    where,
  );
}

export function typesFile(spec, side, HEADER) {
  const out = [HEADER];
  // Every exported type name once: two operations (or an operation and a schema) whose
  // names collide would otherwise overwrite each other's types.
  const typeNames = new Map();
  const claim = (typeName, owner) => {
    if (typeNames.has(typeName)) {
      throw new Error(
        `Type ${typeName} of ${owner} is also that of ${typeNames.get(
          typeName,
        )}: rename one of them`,
      );
    }
    typeNames.set(typeName, owner);
  };
  out.push(
    `// Types of the readiness HTTP API as its OpenAPI spec states them. Responses that the\n// spec leaves open are \`unknown\`; the client narrows them to the common package's types.\n\n`,
  );
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    claim(name, `components.schemas.${name}`);
    out.push(
      `${doc(schema.description ?? name, '')}export type ${name} = ${toTs(
        schema,
        '',
        `components.schemas.${name}`,
      )};\n\n`,
    );
  }
  const ops = [];
  const operationIds = new Map();
  for (const [route, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId;
      const where = `${method.toUpperCase()} ${route}`;
      if (!id) throw new Error(`${where} has no operationId`);
      if (!/^[A-Za-z_$][\w$]*$/.test(id)) {
        throw new Error(`${where}: operationId ${id} is not an identifier`);
      }
      if (operationIds.has(id)) {
        throw new Error(
          `${where}: operationId ${id} is also that of ${operationIds.get(id)}`,
        );
      }
      operationIds.set(id, where);
      const Name = pascal(id);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(
        p => resolveParameter(spec, p),
      );
      const parts = [];
      const emit = (suffix, type, what) => {
        if (!type) return;
        claim(`${Name}${suffix}`, `${where} (${id})`);
        out.push(
          `/** ${what} of \`${method.toUpperCase()} ${route}\`. */\nexport type ${Name}${suffix} = ${type};\n\n`,
        );
        parts.push(suffix);
      };
      emit(
        'PathParams',
        paramsType(
          params.filter(p => p.in === 'path'),
          side,
          `${where} path parameters`,
        ),
        'Path parameters',
      );
      emit(
        'Query',
        paramsType(
          params.filter(p => p.in === 'query'),
          side,
          `${where} query parameters`,
        ),
        'Query parameters',
      );
      const content = op.requestBody?.content ?? {};
      if (content['application/json']) {
        emit(
          'Body',
          toTs(content['application/json'].schema, '', `${where} body`),
          'JSON body',
        );
      }
      const okCode = Object.keys(op.responses ?? {}).find(c => /^2/.test(c));
      const ok = okCode
        ? resolveResponse(spec, op.responses[okCode])
        : undefined;
      const okContent = ok?.content ?? {};
      let response = 'unknown';
      if (okContent['application/json']) {
        response = toTs(
          okContent['application/json'].schema,
          '',
          `${where} response ${okCode}`,
        );
      } else if (Object.keys(okContent).some(t => t.startsWith('text/'))) {
        response = 'string';
      } else if (okCode === '204') {
        response = 'void';
      }
      emit('Response', response, `Response (${okCode ?? 'none'})`);
      ops.push({ id, method, route, Name, parts, response });
    }
  }
  if (side === 'server') {
    // The map `createValidatedOpenApiRouterFromGeneratedEndpointMap` types handlers from,
    // as the Java generator writes it (`_delete` for DELETE; PATCH is not typed there).
    out.push(
      '/** The endpoints of the spec, for the typed router. */\nexport type EndpointMap = {\n',
    );
    for (const { method, route, Name, parts, response } of ops) {
      const m = method === 'delete' ? '_delete' : method;
      const field = (k, s) => (parts.includes(s) ? `${k}: ${Name}${s}; ` : '');
      const res =
        response === 'unknown' ? 'object | string | void' : `${Name}Response`;
      out.push(
        `  '#${m}|${route}': { ${field('path', 'PathParams')}${field(
          'query',
          'Query',
        )}${field('body', 'Body')}response: ${res} };\n`,
      );
    }
    out.push('};\n');
    return out.join('');
  }
  out.push(
    '/** Every operation of the API by operationId: method, path template and types. */\nexport interface ReadinessOperations {\n',
  );
  for (const { id, method, route, Name, parts } of ops) {
    const t = s => (parts.includes(s) ? `${Name}${s}` : 'never');
    out.push(
      `  ${id}: { method: '${method.toUpperCase()}'; path: '${route}'; pathParams: ${t(
        'PathParams',
      )}; query: ${t('Query')}; body: ${t('Body')}; response: ${t(
        'Response',
      )} };\n`,
    );
  }
  out.push('}\n\n');
  out.push(
    '/** Method and path template of every operation, for the client to build requests. */\nexport const readinessOperations = {\n',
  );
  for (const { id, method, route } of ops) {
    out.push(
      `  ${id}: { method: '${method.toUpperCase()}', path: '${route}' },\n`,
    );
  }
  out.push('} as const;\n');
  return out.join('');
}
