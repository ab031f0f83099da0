import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../src/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const envExample = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

describe('documentation stays true', () => {
  it('the README configuration table lists exactly the settings src/config.ts reads', () => {
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## How it is built'));
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('.env.example documents every setting', () => {
    const keys = [...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('the README test command is what CI runs', () => {
    expect(readme).toMatch(/^npm test\b/m);
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/npm test/);
  });
});
