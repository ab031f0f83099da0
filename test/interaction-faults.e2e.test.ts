import { afterEach, describe, expect, it } from 'vitest';
import { generateLibrary } from '../fakes/library.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

/**
 * Discord's side of an interaction going wrong (issue 15 items 5 and 10): a slow upstream inside the
 * 3-second window, and an acknowledgement Discord carried out whose answer never reached the bot.
 */

const MEMBER = { id: '730000000000000002', username: 'listener' };
const library = generateLibrary({ artists: 5, albumsPerArtist: 1, tracksPerAlbum: 3, seed: 5 });
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The final text of an interaction's "thinking…" message: its last edit through the webhook. */
async function editedAnswer(bot: Harness, token: string): Promise<string> {
  const edit = await bot.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
    8000,
  );
  return edit.json.content as string;
}

describe('an interaction under faults', () => {
  it('answers /alex link while Tautulli takes 3.5 s: acknowledged at once, the link told in the same message', async () => {
    h = await startHarness({ library, env: { UPSTREAM_TIMEOUT: '10' } });
    const tautulli = h.tautulli;
    tautulli.failureFor = (req) =>
      req.query.cmd === 'get_users' ? { kind: 'slow', delayMs: 3500 } : undefined;
    const linked = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'link',
      options: [{ name: 'plex_user', type: 3, value: 'Alex' }],
      user: MEMBER,
    });
    const callback = await h.discord.waitForCallback(linked.id);
    expect(callback.status).toBeLessThan(300);
    expect(callback.json.type).toBe(5);
    expect(await editedAnswer(h, linked.token)).toBe(
      'Your Discord account is now linked to the Plex user **Alex**.',
    );
    expect(h.services.store.getLink(MEMBER.id)?.plexUserName).toBe('Alex');
  });

  it('edits the "thinking…" message when the answer to its deferral was lost and the retry met 40060', async () => {
    // Production's discord.js retries a request that timed out; here after 700 ms instead of 15 s.
    h = await startHarness({ library, rest: { retries: 1, timeout: 700 } });
    const bot = h;
    bot.discord.loseAnswer = (r) => r.path.endsWith('/callback') && r.status < 300;
    const asked = await bot.discord.slashCommand({ name: 'alex', subcommand: 'link', user: MEMBER });
    const callbacks = () => bot.discord.requests.filter((r) => r.path.endsWith(`/${asked.token}/callback`));
    expect(await editedAnswer(bot, asked.token)).toBe(
      'Your Discord account is not linked yet. Use `/alex link plex_user:<Plex name>`.',
    );
    // The deferral was carried out once; the retry was refused as already acknowledged.
    expect(callbacks().map((r) => [r.json.type, r.status])).toEqual([
      [5, 200],
      [5, 400],
    ]);
    const shown = [...bot.discord.messages.values()].filter((m) => m.interaction_metadata?.id === asked.id);
    expect(shown.map((m) => m.content)).toEqual([
      'Your Discord account is not linked yet. Use `/alex link plex_user:<Plex name>`.',
    ]);
  });

  it('leaves an instant answer alone when its answer was lost: help is shown once, no error follows', async () => {
    h = await startHarness({ library, rest: { retries: 1, timeout: 700 } });
    const bot = h;
    bot.discord.loseAnswer = (r) => r.path.endsWith('/callback') && r.status < 300;
    const asked = await bot.discord.slashCommand({ name: 'alex', subcommand: 'help', user: MEMBER });
    await bot.discord.waitForRequest(
      (r) => r.path.endsWith(`/${asked.token}/callback`) && r.status === 400,
      5000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const shown = [...bot.discord.messages.values()].filter((m) => m.interaction_metadata?.id === asked.id);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.embeds[0]?.title).toMatch(/Autoalex/);
    expect(
      bot.discord.requests.filter((r) => r.path.includes(`/webhooks/`) && r.path.includes(asked.token)),
    ).toEqual([]);
  });
});
