export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The leaf-level differences between two JSON values, each named by its dotted path. */
export function diffJson(before: unknown, after: unknown, path = ''): Change[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffJson(before[i], after[i], `${path}[${i}]`)).flat();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(root)', before, after }];
}

/** A human-readable rendering of changes, one line each, for the CLI. */
export function formatChanges(changes: Change[]): string {
  if (changes.length === 0) return 'No changes.';
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  return changes.map((c) => `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`).join('\n');
}
