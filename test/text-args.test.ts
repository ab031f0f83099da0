import { describe, expect, it } from 'vitest';
import { parseTextArgs } from '../src/commands/args.ts';
import { tokenize } from '../src/words.ts';
import type { Command } from '../src/commands/types.ts';
import { decodeCustomId, encodeCustomId } from '../src/components/custom-id.ts';
import { matchPrefix } from '../src/bot/prefix.ts';
import { UserFacingError } from '../src/errors.ts';

const remix: Command = {
  name: 'boost',
  description: 'test',
  examples: [],
  options: [
    { name: 'track', description: 'a track', type: 'string', required: true },
    { name: 'stem', description: 'a stem', type: 'string' },
    { name: 'db', description: 'gain', type: 'number', minValue: -60, maxValue: 12 },
    { name: 'dry_run', description: 'preview', type: 'boolean' },
  ],
  run: async () => ({}),
};

describe('prefix and CLI arguments', () => {
  it('recognises every configured prefix, case-insensitively, and nothing that merely starts with one', () => {
    expect(matchPrefix('!ALEX usage', ['!alex', '!plex'])).toEqual({ prefix: '!alex', words: ['usage'] });
    expect(matchPrefix('  !plex   usage  ', ['!alex', '!plex'])?.words).toEqual(['usage']);
    expect(matchPrefix('!alexa play', ['!alex'])).toBeNull();
    expect(matchPrefix('hello !alex', ['!alex'])).toBeNull();
    expect(matchPrefix('!alex', ['!alex'])).toEqual({ prefix: '!alex', words: [] });
  });

  it('keeps quoted phrases together', () => {
    expect(tokenize(`boost "Chop Suey!" stem:'lead vocals'`)).toEqual([
      'boost',
      'Chop Suey!',
      'stem:lead vocals',
    ]);
    expect(tokenize(`completion Don't Stop`)).toEqual(['completion', "Don't", 'Stop']);
  });

  it('fills the first text option with the free words and reads name:value and --name value', () => {
    expect(parseTextArgs(remix, ['Miles', 'Davis', 'stem:bass', '--db', '6', '--dry_run'])).toEqual({
      track: 'Miles Davis',
      stem: 'bass',
      db: 6,
      dry_run: true,
    });
  });

  it('answers bad input with a clear message', () => {
    expect(() => parseTextArgs(remix, [])).toThrow(new UserFacingError('`boost` needs `track` (a track).'));
    expect(() => parseTextArgs(remix, ['x', '--db', 'loud'])).toThrow(/`db` must be a number/);
    expect(() => parseTextArgs(remix, ['x', '--db', '99'])).toThrow(/at most 12/);
    expect(() => parseTextArgs(remix, ['x', '--color', 'red'])).toThrow(/has no option `color`/);
  });
});

describe('custom_id codec', () => {
  it('round-trips namespace, action and arguments', () => {
    const id = encodeCustomId('usage', 'kill', 'a1b2c3');
    expect(id).toBe('usage:kill:a1b2c3');
    expect(decodeCustomId(id)).toEqual({ namespace: 'usage', action: 'kill', args: ['a1b2c3'] });
  });

  it('refuses ids Discord would reject and never throws when decoding', () => {
    expect(() => encodeCustomId('usage', 'kill', 'x'.repeat(100))).toThrow(/Discord allows 100/);
    expect(() => encodeCustomId('usage', 'kill', 'a:b')).toThrow(/outside/);
    expect(decodeCustomId('')).toBeNull();
    expect(decodeCustomId('garbage')).toBeNull();
    expect(decodeCustomId('x'.repeat(101))).toBeNull();
    expect(decodeCustomId('a:b:c d')).toBeNull();
  });
});
