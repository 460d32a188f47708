import { createHash } from 'node:crypto';

/**
 * The one serialization an evidence item is hashed over, so anyone can recompute the hash from the JSON
 * file: object keys sorted by UTF-16 code units, no whitespace, numbers and strings as JSON.stringify
 * writes them (RFC 8785 for the values Atiende stores: finite numbers, strings, booleans, null). A value
 * JSON cannot carry is refused rather than silently dropped, so a hash never covers less than was shown.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null)
        throw new TypeError('canonicalJson: only plain objects, arrays and primitives');
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What an item's hash covers: everything in it but the hash itself. */
export interface HashedFields {
  kind: string;
  id: string;
  at: string;
  data: unknown;
}

export const itemSha256 = ({ kind, id, at, data }: HashedFields) =>
  sha256Hex(canonicalJson({ kind, id, at, data }));

/**
 * The manifest's hash: over the items' hashes in order, each followed by a newline, so
 * `jq -r '.items[].sha256' expediente.json | sha256sum` gives it back.
 */
export const manifestSha256 = (itemHashes: readonly string[]) =>
  sha256Hex(itemHashes.map((h) => `${h}\n`).join(''));
