// The one-way house (STYLE.md): every import in src/ points down the stack, no cycles, and the lint fence
// that enforces the layers really refuses a wrong-way import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import (types included) of every file in src/, as repository paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/\bfrom '(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
    graph.set(
      relative(ROOT, file),
      specs.map((spec) => relative(ROOT, normalize(join(dirname(file), spec)))),
    );
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

describe('the one-way house', () => {
  const graph = importGraph();

  it('has no import cycle in src/', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycle(graph)).toBeNull();
  });

  it('never imports the test fakes or tests from src/', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => t.startsWith('fakes/') || t.startsWith('test/')).map((t) => `${file} → ${t}`),
    );
    expect(wrong).toEqual([]);
  });

  // The probes are text, not files of the TypeScript project: lint them without type information.
  const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
  const wrongWay: Array<[string, string, string]> = [
    ['components', 'src/components/fence-probe.ts', '../commands/index.ts'],
    ['views', 'src/views/fence-probe.ts', '../components/picker.ts'],
    ['views', 'src/views/fence-probe.ts', '../lookup/resolve.ts'],
    ['lookup', 'src/lookup/fence-probe.ts', '../components/picker.ts'],
    ['services', 'src/services/fence-probe.ts', '../reply.ts'],
    ['services', 'src/services/plex/fence-probe.ts', '../../views/usage.ts'],
    ['root modules', 'src/fence-probe.ts', './commands/index.ts'],
    ['src', 'src/bot/fence-probe.ts', '../../fakes/plex.ts'],
  ];
  it.each(wrongWay)('refuses a wrong-way import in %s (%s → %s)', async (_layer, file, spec) => {
    const code = `import { x } from '${spec}';\nexport const y = x;\n`;
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
    expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  it('lets imports point down', async () => {
    const code = `import { truncate } from '../markdown.ts';\nexport const y = truncate('a', 1);\n`;
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'src/views/fence-probe.ts') });
    expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
    expect(result?.messages.map((m) => m.ruleId)).not.toContain('no-restricted-imports');
  });
});
