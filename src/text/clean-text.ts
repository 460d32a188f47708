/**
 * Text from outside is cleaned here, once, before anything validates or stores it: PostgreSQL refuses a
 * NUL byte (SQLSTATE 22021) and a lone UTF-16 surrogate cannot be encoded, so either would fail a whole
 * transaction; other control characters only hide text from agents. Tab, line feed and carriage return
 * are kept, every other C0/C1 control and DEL is dropped, and a lone surrogate becomes U+FFFD.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a quick test before the full replacement
const NEEDS_CLEANING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/;

export function cleanText(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  return text.toWellFormed().replace(CONTROL, '');
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  // Query strings are parsed into objects whose prototype is itself an empty null-prototype object.
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
};

/**
 * Cleans every string inside a parsed JSON value (keys too). Anything that is not JSON-shaped (a Buffer
 * of raw bytes, say) is left as it is.
 */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (isPlainObject(value)) {
    const cleaned: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // Defined, not assigned: a "__proto__" key stays a plain property instead of replacing the prototype.
      Object.defineProperty(cleaned, cleanText(key), {
        value: cleanDeep(inner),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return cleaned as T;
  }
  return value;
}
