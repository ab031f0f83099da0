import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PermissionsBitField } from 'discord.js';
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

  it('the invite permission integer is the sum of the permissions the README names', () => {
    const step = readme.slice(readme.indexOf('**Invite the bot**'), readme.indexOf('5. **Configure.**'));
    const named = [...step.matchAll(/_([A-Z][a-z]+(?: [A-Z][a-z]+)*)_/g)].map((m) => m[1] as string);
    expect(named).toEqual([
      'View Channels',
      'Send Messages',
      'Embed Links',
      'Attach Files',
      'Read Message History',
    ]);
    const flags = named.map((name) => name.replace(/ /g, '') as keyof typeof PermissionsBitField.Flags);
    // discord.js calls View Channels "ViewChannel".
    const bits = new PermissionsBitField(
      flags.map((f) => (f === ('ViewChannels' as typeof f) ? 'ViewChannel' : f)),
    );
    const integer = String(bits.bitfield);
    expect(integer).toBe('117760');
    expect(step).toContain(`permission integer\n   \`${integer}\``);
    expect(step).toContain(`&permissions=${integer}\``);
    expect(step).not.toMatch(/permissions=(?!117760)\d+/);
  });

  it('says what `npx autoalex` needs, and that npm 11 allowScripts is advice, not enforcement', () => {
    expect(readme).toMatch(/`npx autoalex usage`[^.]*after `npm run build`/);
    expect(readme).not.toMatch(/npm 11 runs dependency install scripts only for packages listed/);
  });
});
