import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Spec {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components?: object;
}

/**
 * Checks answers against the response schemas of the OpenAPI document: answers a description of the
 * mismatch, or undefined when the answer is what the document promises (or promises nothing in JSON).
 */
export function responseValidator(spec: Spec) {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats.default(ajv);
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    pattern: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '[^/]+')}$`,
    ),
  }));
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (
    method: string,
    url: string,
    status: number,
    response: { headers: Record<string, unknown>; body: string },
  ) => {
    const path = url.split('?')[0] ?? url;
    const template = templates.find((t) => t.pattern.test(path))?.template;
    if (!template) return `no operation for ${path}`;
    const schema =
      spec.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']
        ?.schema;
    if (!schema) return undefined;
    if (!String(response.headers['content-type']).includes('json')) return 'not JSON';
    const key = `${method} ${template} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      // References point into the document's components: compiled alongside them.
      validate = ajv.compile({ ...schema, components: spec.components });
      compiled.set(key, validate);
    }
    if (validate(JSON.parse(response.body))) return undefined;
    return `does not match its schema: ${ajv.errorsText(validate.errors)}`;
  };
}
