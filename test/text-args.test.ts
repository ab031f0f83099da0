import { describe, expect, it } from 'vitest';
import { closest, parseTextArgs } from '../src/commands/args.ts';
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
    { name: 'stem', description: 'a stem', type: 'string', choices: [{ name: 'vocals', value: 'vocals' }] },
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

describe('text arguments as people type them', () => {
  const enrich: Command = {
    name: 'enrich',
    description: 'test',
    examples: [],
    options: [
      { name: 'album', description: 'an album', type: 'string', required: true },
      { name: 'mode', description: 'where', type: 'string', choices: [{ name: 'append', value: 'append' }] },
      { name: 'undo', description: 'restore', type: 'boolean' },
    ],
    run: async () => ({}),
  };
  const words = (line: string) => tokenize(line);

  it('lets a text value run until the next option, as the help examples are written', () => {
    expect(parseTextArgs(enrich, words('album:A Love Supreme'))).toEqual({ album: 'A Love Supreme' });
    expect(parseTextArgs(enrich, words('album:A Love Supreme undo:true'))).toEqual({
      album: 'A Love Supreme',
      undo: true,
    });
    expect(parseTextArgs(remix, words('track:Chop Suey! stem:vocals'))).toEqual({
      track: 'Chop Suey!',
      stem: 'vocals',
    });
    expect(parseTextArgs(remix, words('--track Chop Suey! --db -6'))).toEqual({
      track: 'Chop Suey!',
      db: -6,
    });
  });

  it('reads quoted values and keeps a colon inside a title that names no option', () => {
    expect(parseTextArgs(remix, words('track:"Chop Suey!" stem:vocals'))).toEqual({
      track: 'Chop Suey!',
      stem: 'vocals',
    });
    expect(parseTextArgs(enrich, words('album:Live: Take No Prisoners'))).toEqual({
      album: 'Live: Take No Prisoners',
    });
  });

  it('gives one-word options one word and the rest back to the free text', () => {
    expect(parseTextArgs(remix, words('stem:vocals Chop Suey!'))).toEqual({
      stem: 'vocals',
      track: 'Chop Suey!',
    });
    expect(parseTextArgs(remix, words('--dry_run Chop Suey!'))).toEqual({
      dry_run: true,
      track: 'Chop Suey!',
    });
    expect(parseTextArgs(remix, words('--db 6 Chop Suey!'))).toEqual({ db: 6, track: 'Chop Suey!' });
  });

  it('answers a misspelt option with "did you mean" and an unknown flag with the options', () => {
    expect(() => parseTextArgs(remix, words('track:Chop Suey! stme:vocals'))).toThrow(
      new UserFacingError('`boost` has no option `stme`. Did you mean `stem`?'),
    );
    expect(() => parseTextArgs(enrich, words('albm:Kind of Blue'))).toThrow(/Did you mean `album`\?/);
    expect(() => parseTextArgs(enrich, words('Kind of Blue --colour red'))).toThrow(
      new UserFacingError('`enrich` has no option `colour`. Its options: `album`, `mode`, `undo`.'),
    );
    expect(() => parseTextArgs(enrich, words('album:X album:Y'))).toThrow(/`album` is given twice/);
  });

  it('finds the closest subcommand or option for a typo, and nothing for an unrelated word', () => {
    const names = ['usage', 'completion', 'compare', 'leaderboard', 'boost', 'reduce', 'status', 'link'];
    expect(closest('complection', names)).toBe('completion');
    expect(closest('usge', names)).toBe('usage');
    expect(closest('stauts', names)).toBe('status');
    expect(closest('dance', names)).toBeUndefined();
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
