/** Generates requests that must be refused, from the operations of an OpenAPI document. */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
}

interface Operation {
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header'; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface BadRequest {
  label: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
  /**
   * Hostile but harmless once cleaned (a NUL byte, a lone surrogate): the server may accept it. Every
   * other generated request must be refused.
   */
  mayBeAccepted?: boolean;
}

const typeOf = (schema: JsonSchema): string | undefined => {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  return alternatives?.map(typeOf).find(Boolean);
};

/** A value that looks plausible for the schema, so mutating one field at a time reaches deeper checks. */
function plausible(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternative = (schema.anyOf ?? schema.oneOf)?.find((s) => typeOf(s) !== 'null');
  if (alternative) return plausible(alternative);
  switch (typeOf(schema)) {
    case 'string':
      if (schema.format === 'email') return 'plausible@example.test';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date-time') return '2026-11-25T10:00:00Z';
      if (schema.format === 'date') return '2026-11-25';
      if (schema.format === 'uri') return 'https://example.test/';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 12));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) out[key] = plausible(value);
      return out;
    }
    default:
      return 'x';
  }
}

/** Values of the wrong type or out of bounds for the schema. */
function wrongValues(schema: JsonSchema): unknown[] {
  const type = typeOf(schema);
  const values: unknown[] = [];
  if (schema.enum) values.push('__not_an_option__');
  switch (type) {
    case 'string':
      values.push(12345, { nested: true });
      if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1));
      if (schema.format) values.push('not-a-valid-format-%%');
      break;
    case 'integer':
    case 'number':
      values.push('abc', 1e300, -1e12);
      break;
    case 'boolean':
      values.push('yes');
      break;
    case 'array':
      values.push('not-an-array', [{ deeply: { wrong: [] } }]);
      break;
    case 'object':
      values.push('not-an-object', []);
      break;
    default:
      break;
  }
  return values;
}

/** Every refused request the document's operations suggest: broken bodies, fields, path and query values. */
export function badRequestsFor(paths: Record<string, Record<string, Operation>>): BadRequest[] {
  const requests: BadRequest[] = [];
  for (const [template, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const upper = method.toUpperCase();
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const concrete = template.replace(/\{[^}]+\}/g, (m) => {
        const param = pathParams.find((p) => `{${p.name}}` === m);
        return encodeURIComponent(String(param?.schema ? plausible(param.schema) : 'x'));
      });
      for (const param of pathParams) {
        for (const bad of ['not-valid', '-1', 'x'.repeat(300), '%E0%A4%A']) {
          requests.push({
            label: `${upper} ${template} path ${param.name}=${bad.slice(0, 20)}`,
            method: upper,
            url: template.replace(`{${param.name}}`, bad).replace(/\{[^}]+\}/g, 'x'),
          });
        }
      }
      for (const param of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
        for (const bad of param.schema ? wrongValues(param.schema) : []) {
          requests.push({
            label: `${upper} ${template} query ${param.name}=${String(bad).slice(0, 20)}`,
            method: upper,
            url: `${concrete}?${param.name}=${encodeURIComponent(typeof bad === 'string' ? bad : JSON.stringify(bad))}`,
          });
        }
      }
      const body = operation.requestBody?.content['application/json']?.schema;
      if (!body) continue;
      const json = { 'content-type': 'application/json' };
      requests.push(
        {
          label: `${upper} ${template} malformed JSON`,
          method: upper,
          url: concrete,
          headers: json,
          payload: '{"a":',
        },
        {
          label: `${upper} ${template} text body`,
          method: upper,
          url: concrete,
          headers: { 'content-type': 'text/plain' },
          payload: 'hola',
        },
        {
          label: `${upper} ${template} array body`,
          method: upper,
          url: concrete,
          headers: json,
          payload: '[]',
        },
        {
          label: `${upper} ${template} number body`,
          method: upper,
          url: concrete,
          headers: json,
          payload: '42',
        },
      );
      const base = plausible(body) as Record<string, unknown>;
      for (const [key, propSchema] of Object.entries(body.properties ?? {})) {
        for (const bad of wrongValues(propSchema)) {
          requests.push({
            label: `${upper} ${template} body.${key}=${JSON.stringify(bad).slice(0, 30)}`,
            method: upper,
            url: concrete,
            headers: json,
            payload: JSON.stringify({ ...base, [key]: bad }),
          });
        }
        if (body.required?.includes(key)) {
          const { [key]: _omitted, ...rest } = base;
          requests.push({
            label: `${upper} ${template} without body.${key}`,
            method: upper,
            url: concrete,
            headers: json,
            payload: JSON.stringify(rest),
          });
        }
      }
    }
  }
  return requests;
}

// Text that once failed whole transactions: PostgreSQL refuses NUL, and a lone surrogate cannot be encoded.
const HOSTILE_TEXT = ['\u0000', 'abc\u0000def\u0000', '\ud800', 'fin\udfff', '\u0007\u001b[31m'];
// Instants outside what the database or the API accept: year 0, and far-future years.
const OUT_OF_RANGE_INSTANTS = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1066-10-14T09:00:00Z'];
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
// Cursors this API never issued: valid JSON of the wrong shape, an instant PostgreSQL cannot store.
const MALFORMED_CURSORS = [
  cursorOf(['0000-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000']),
  cursorOf([1, 2]),
  cursorOf({ at: 'x' }),
  cursorOf(['2026-01-01T00:00:00Z', "' or 1=1 --"]),
  Buffer.from('\u0000\u0000').toString('base64url'),
];

/** URL-encodes text, a lone surrogate as the bytes a careless client would send for it (invalid UTF-8). */
export const encodeHostile = (text: string) =>
  [...text]
    .map((c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    })
    .join('');

const isString = (schema: JsonSchema) =>
  typeOf(schema) === 'string' && !schema.enum && schema.const === undefined;
const isInstant = (schema: JsonSchema) =>
  schema.format === 'date-time' || (schema.anyOf ?? schema.oneOf ?? []).some((s) => s.format === 'date-time');

/**
 * The outside probe's requests: NUL bytes and lone surrogates in every string field, instants out of
 * range, cursors never issued, and bodies one byte over the route's limit.
 */
export function hostileRequestsFor(
  paths: Record<string, Record<string, Operation>>,
  bodyLimitOf: (method: string, template: string) => number,
): BadRequest[] {
  const requests: BadRequest[] = [];
  for (const [template, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const upper = method.toUpperCase();
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const concrete = template.replace(/\{[^}]+\}/g, (m) => {
        const param = pathParams.find((p) => `{${p.name}}` === m);
        return encodeURIComponent(String(param?.schema ? plausible(param.schema) : 'x'));
      });
      for (const param of pathParams) {
        for (const bad of ['%00', 'a%00b', '%ED%A0%80', '%C0%80']) {
          requests.push({
            label: `${upper} ${template} path ${param.name}=${bad}`,
            method: upper,
            url: template.replace(`{${param.name}}`, bad).replace(/\{[^}]+\}/g, 'x'),
          });
        }
      }
      for (const param of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
        const schema = param.schema ?? {};
        const values: Array<[string, boolean]> = [];
        if (isString(schema)) for (const text of HOSTILE_TEXT) values.push([text, true]);
        if (isInstant(schema)) for (const instant of OUT_OF_RANGE_INSTANTS) values.push([instant, false]);
        if (param.name === 'cursor') for (const cursor of MALFORMED_CURSORS) values.push([cursor, false]);
        for (const [value, mayBeAccepted] of values) {
          requests.push({
            label: `${upper} ${template} query ${param.name}=${JSON.stringify(value).slice(0, 30)}`,
            method: upper,
            url: `${concrete}?${param.name}=${encodeHostile(value)}`,
            mayBeAccepted,
          });
        }
      }
      const body = operation.requestBody?.content['application/json']?.schema;
      if (!body) continue;
      const json = { 'content-type': 'application/json' };
      const base = plausible(body) as Record<string, unknown>;
      for (const [key, propSchema] of Object.entries(body.properties ?? {})) {
        const values: Array<[unknown, boolean]> = [];
        if (isString(propSchema)) {
          for (const text of HOSTILE_TEXT) values.push([text, true]);
          values.push([`${String(plausible(propSchema))}\u0000`, true]);
        }
        if (isInstant(propSchema)) for (const instant of OUT_OF_RANGE_INSTANTS) values.push([instant, false]);
        for (const [value, mayBeAccepted] of values) {
          requests.push({
            label: `${upper} ${template} body.${key}=${JSON.stringify(value).slice(0, 30)}`,
            method: upper,
            url: concrete,
            headers: json,
            payload: JSON.stringify({ ...base, [key]: value }),
            mayBeAccepted,
          });
        }
      }
      // A JSON document exactly one byte over the limit, so the limit itself is what refuses it.
      const limit = bodyLimitOf(upper, template);
      const frame = JSON.stringify({ ...base, padding: '' });
      requests.push({
        label: `${upper} ${template} body of ${limit + 1} bytes`,
        method: upper,
        url: concrete,
        headers: json,
        payload: `${frame.slice(0, -2)}${'x'.repeat(limit + 1 - frame.length)}"}`,
        mayBeAccepted: false,
      });
    }
  }
  return requests;
}
