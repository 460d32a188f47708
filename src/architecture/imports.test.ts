import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'web' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Every relative import of a file (type-only ones too: they tie the modules' designs together). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return found.map((spec) => path.resolve(path.dirname(file), spec));
}

/** Strongly connected components of the graph (Tarjan), as lists of files. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const components: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    on.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (on.has(next)) low.set(node, Math.min(low.get(node) as number, order.get(next) as number));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        on.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return components;
}

describe('the import graph', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const inHttp = (file: string) => file.startsWith(path.join(SRC, 'http') + path.sep);

  it('has no cycle through the HTTP framework layer: src/http knows no feature', () => {
    const offending = cycles(graph)
      .filter((component) => component.some(inHttp))
      .map((component) => component.map((f) => path.relative(SRC, f)).sort());
    expect(offending).toEqual([]);
  });

  it('src/http imports no feature: only the context and clock, and a few dependency-free helpers', () => {
    const allowed = [
      'context.ts',
      'clock.ts',
      'config/env.ts',
      'text/clean-text.ts',
      'db/errors.ts',
      'logging/request-log.ts',
      'auth/actor.ts',
      'auth/secrets.ts',
    ].map((f) => path.join(SRC, f));
    const outward = files.filter(inHttp).flatMap(
      (file) =>
        graph
          .get(file)
          ?.filter((target) => !inHttp(target) && !allowed.includes(target))
          .map((target) => `${path.relative(SRC, file)} → ${path.relative(SRC, target)}`) ?? [],
    );
    expect(outward).toEqual([]);
  });
});
