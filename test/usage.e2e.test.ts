import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { activityOf, fixtureActivity, sampleActivity, trackSession } from '../fakes/tautulli-sessions.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { ADMIN_ROLE_ID, startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

let h: Harness;
const ADMIN = { id: '200000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '200000000000000002', username: 'guest' };
const ROLE_ADMIN = { id: '200000000000000003', username: 'mod', roles: [ADMIN_ROLE_ID] };
const SKRILLEX_SESSION = 'a1b2c3d4e5f6g7h8i9j0k1l2';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.tautulli.failure = { kind: 'none' };
  h.tautulli.activity = sampleActivity() as TautulliFake['activity'];
});

/** The request that delivered the final content of an interaction: the edit of @original after the defer. */
function finalEdit(token: string): Promise<RecordedRequest> {
  return h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
  );
}

function followUp(token: string): Promise<RecordedRequest> {
  return h.discord.waitForRequest(
    (r) => r.method === 'POST' && r.path.endsWith(`/webhooks/${h.discord.applicationId}/${token}`),
  );
}

async function usage(user: object = MEMBER) {
  const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage', user });
  const callback = await h.discord.waitForCallback(interaction.id);
  const edit = await finalEdit(interaction.token);
  const message = [...h.discord.messages.values()].find((m) => m.interaction_metadata?.id === interaction.id);
  return { interaction, callback, edit, message };
}

type Component = {
  type: number;
  custom_id?: string;
  label?: string;
  options?: Array<{ value: string; label: string }>;
};
function components(json: { components?: Array<{ components: Component[] }> }): Component[] {
  return (json.components ?? []).flatMap((row) => row.components);
}

describe('/alex usage', () => {
  it('acknowledges at once, then shows one embed per stream with music titles, quality, progress and art', async () => {
    const { callback, edit } = await usage();
    expect(callback.json).toMatchObject({ type: 5 });
    const embeds = edit.json.embeds as Array<{
      title: string;
      fields: Array<{ name: string; value: string }>;
      thumbnail?: { url: string };
      footer?: { text: string };
    }>;
    expect(embeds.map((e) => e.title)).toEqual([
      '▶️ Skrillex – Try It Out – Try It Out (Neon mix)',
      '⏸️ System of a Down – Toxicity – Chop Suey!',
      '▶️ Game of Thrones - The Red Woman',
    ]);
    const field = (i: number, name: string) => embeds[i]?.fields.find((f) => f.name === name)?.value;
    expect(field(0, 'User')).toBe('Alex');
    expect(field(0, 'Player')).toBe('Living Room · Plexamp (Android)');
    expect(field(0, 'Quality')).toBe('Original · 1.0 Mbps · LAN\nDirect Play');
    expect(field(0, 'Progress')).toMatch(/^▰{7}▱{5} 62% 2:31 \/ 4:05$/);
    expect(field(1, 'Quality')).toBe('320 kbps · WAN\nTranscode (audio flac → mp3, container flac → mp3)');
    expect(field(2, 'User')).toBe('Jon Snow');
    expect(embeds[2]?.footer?.text).toBe(
      '3 streams (1 transcode) · 26.7 Mbps total · 26.4 Mbps LAN · 330 kbps WAN',
    );
    // Each stream's bandwidth is labelled apart from its bitrate, and they add up to the footer's total.
    expect([0, 1, 2].map((i) => field(i, 'Bandwidth'))).toEqual([
      '1.1 Mbps of the total below',
      '330 kbps of the total below',
      '25.3 Mbps of the total below',
    ]);
    expect(edit.json.content).toBe('**Now playing on Plex** · 3 streams');
    expect(edit.json.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // Art is uploaded with the message (Tautulli's image proxy), not linked to a local-only Plex URL.
    expect(edit.files.map((f) => f.name).sort()).toEqual(['art-0.png', 'art-1.png', 'art-2.png']);
    expect(embeds[0]?.thumbnail?.url).toMatch(/^attachment:\/\/art-\d\.png$/);
    const proxied = h.tautulli.requests
      .filter((r) => r.query.cmd === 'pms_image_proxy')
      .map((r) => r.query.img);
    expect(proxied).toContain('/library/metadata/157/thumb/1579520116');
  });

  it('offers Refresh to everyone and the Stop menu only to admins', async () => {
    const member = await usage(MEMBER);
    expect(components(member.edit.json).map((c) => c.custom_id)).toEqual(['usage:refresh:u']);
    const admin = await usage(ADMIN);
    const [refresh, stop] = components(admin.edit.json);
    expect(refresh?.custom_id).toBe('usage:refresh:a');
    expect(stop).toMatchObject({ type: 3, custom_id: 'usage:stop' });
    expect(stop?.options?.map((o) => o.label)).toEqual([
      'Alex — Skrillex – Try It Out – Try It Out (Neon mix)',
      'Sam — System of a Down – Toxicity – Chop Suey!',
      'Jon Snow — Game of Thrones - The Red Woman',
    ]);
    const byRole = await usage(ROLE_ADMIN);
    expect(components(byRole.edit.json).map((c) => c.custom_id)).toContain('usage:stop');
  });

  it('says so when nothing is playing', async () => {
    h.tautulli.activity = activityOf([]) as TautulliFake['activity'];
    const { edit } = await usage();
    expect(edit.json.embeds[0].title).toBe('Nothing is playing on Plex right now');
    expect(edit.json.embeds[0].footer.text).toBe(
      '0 streams (0 transcodes) · 0 kbps total · 0 kbps LAN · 0 kbps WAN',
    );
  });

  it('keeps a crowded server within Discord limits: 10 embeds, long titles cut, the rest summarised', async () => {
    const long = 'Symphony No. 9 in D minor, Op. 125 “Choral”: IV. Presto – Allegro assai '.repeat(6);
    h.tautulli.activity = activityOf(
      Array.from({ length: 14 }, (_, i) =>
        trackSession({
          sessionId: `s${String(i).padStart(23, '0')}`,
          user: i === 0 ? '@everyone *bold* <@123>' : `Listener ${i}`,
          userId: 2000 + i,
          artist: 'Wiener Philharmoniker',
          album: long,
          track: long,
          keys: [String(9000 + i), '8999', '8998'],
        }),
      ),
    ) as TautulliFake['activity'];
    const { edit } = await usage(ADMIN);
    expect(edit.status).toBe(200);
    expect(edit.json.embeds).toHaveLength(10);
    expect(edit.json.embeds[0].title.length).toBeLessThanOrEqual(256);
    expect(edit.json.embeds[0].fields[0].value).toBe('@everyone \\*bold\\* <@123>');
    expect(edit.json.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(edit.json.content).toMatch(
      /^\*\*Now playing on Plex\*\* · 14 streams\n…and 4 more: Listener 10 \(/,
    );
    const stop = components(edit.json).find((c) => c.custom_id === 'usage:stop');
    expect(stop?.options).toHaveLength(14);
    expect(stop?.options?.every((o) => o.label.length <= 100)).toBe(true);
  });

  it('Refresh edits the same message in place with the current streams', async () => {
    const { message } = await usage();
    expect(message).toBeDefined();
    h.tautulli.activity = fixtureActivity() as TautulliFake['activity'];
    const press = await h.discord.button('usage:refresh:u', { messageId: message?.id, user: MEMBER });
    expect((await h.discord.waitForCallback(press.id)).json).toEqual({ type: 6 });
    const edit = await finalEdit(press.token);
    expect(edit.json.embeds.map((e: { title: string }) => e.title)).toEqual(['▶️ What If…? Ultron Won']);
    expect(h.discord.messages.get(message?.id ?? '')?.embeds.map((e) => e.title)).toEqual([
      '▶️ What If…? Ultron Won',
    ]);
  });

  it('lets an admin stop a stream after confirming, and tells Tautulli what the viewer sees', async () => {
    const { message } = await usage(ADMIN);
    const select = await h.discord.stringSelect('usage:stop', [SKRILLEX_SESSION], {
      messageId: message?.id,
      user: ADMIN,
    });
    const confirm = await followUp(select.token);
    expect(confirm.json.flags).toBe(64);
    expect(confirm.json.embeds[0].description).toContain(
      '**Alex** — Skrillex – Try It Out – Try It Out (Neon mix)',
    );
    const kill = components(confirm.json).find((c) => c.label === 'Stop stream');
    expect(kill?.custom_id).toBe(`usage:kill:${SKRILLEX_SESSION}`);
    const confirmMessage = [...h.discord.messages.values()].find(
      (m) => m.components?.length && m.flags === 64,
    );
    const press = await h.discord.button(kill?.custom_id ?? '', {
      messageId: confirmMessage?.id,
      user: ADMIN,
    });
    const done = await finalEdit(press.token);
    expect(done.json.content).toBe(
      "Stopped **Alex**'s stream of Skrillex – Try It Out – Try It Out (Neon mix).",
    );
    expect(done.json.components).toEqual([]);
    expect(h.tautulli.terminated).toContainEqual({
      sessionId: SKRILLEX_SESSION,
      message: 'Your stream was stopped by the server admin.',
    });
  });

  it('refuses the Stop menu and the Stop button to non-admins, on every press', async () => {
    const before = h.tautulli.terminated.length;
    const select = await h.discord.stringSelect('usage:stop', [SKRILLEX_SESSION], { user: MEMBER });
    expect((await followUp(select.token)).json).toMatchObject({
      content: 'Only server admins can stop streams (Manage Server permission or the admin role).',
      flags: 64,
    });
    const press = await h.discord.button(`usage:kill:${SKRILLEX_SESSION}`, { user: MEMBER });
    expect((await followUp(press.token)).json.content).toMatch(/^Only server admins/);
    expect(h.tautulli.terminated.length).toBe(before);
  });

  it('answers a stop for a stream that already ended without calling terminate', async () => {
    const before = h.tautulli.terminated.length;
    const press = await h.discord.button('usage:kill:gone0000000000000000000', { user: ADMIN });
    expect((await followUp(press.token)).json).toMatchObject({
      content: 'That stream has already ended.',
      flags: 64,
    });
    expect(h.tautulli.terminated.length).toBe(before);
  });

  it('answers unknown or stale buttons with "expired"', async () => {
    const press = await h.discord.button('oldfeature:do:1', { user: MEMBER });
    const callback = await h.discord.waitForCallback(press.id);
    expect(callback.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.json.data.content).toMatch(/expired/);
  });

  it.each([
    [
      'down',
      { kind: 'down' } as const,
      'Tautulli is unreachable right now. Is it running, and is its URL right?',
    ],
    [
      'rejecting the key',
      {
        kind: 'status',
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ response: { result: 'error', message: 'Invalid apikey', data: {} } }),
      } as const,
      "Tautulli rejected Autoalex's credentials. An admin needs to check the API key or token.",
    ],
    [
      'answering 401',
      { kind: 'status', status: 401 } as const,
      "Tautulli rejected Autoalex's credentials. An admin needs to check the API key or token.",
    ],
    [
      'slow',
      { kind: 'slow', delayMs: 4000 } as const,
      'Tautulli did not answer within 2 s. It may be busy; try again in a moment.',
    ],
    [
      'malformed',
      { kind: 'malformed' } as const,
      'Tautulli sent an answer Autoalex could not understand. Try again; if it persists, check the logs.',
    ],
  ])(
    'when Tautulli is %s, the caller gets a private message naming Tautulli',
    async (_name, failure, text) => {
      h.tautulli.failure = failure;
      const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage', user: MEMBER });
      const reply = await followUp(interaction.token);
      expect(reply.json).toMatchObject({ content: text, flags: 64 });
      // The public "thinking…" placeholder is removed rather than left hanging.
      await h.discord.waitForRequest(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/${interaction.token}/messages/@original`),
      );
    },
  );
});

describe('!alex usage and !plex usage', () => {
  it.each(['!alex usage', '!plex usage', '!PLEX   Usage'])(
    '"%s" replies in the channel with the same embeds',
    async (text) => {
      const sent = await h.discord.userMessage(text, { user: MEMBER });
      const reply = await h.discord.waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path === `/channels/${h.discord.channelId}/messages` &&
          r.json?.message_reference?.message_id === sent.id,
      );
      expect(reply.json.embeds[0].title).toBe('▶️ Skrillex – Try It Out – Try It Out (Neon mix)');
      expect(reply.json.allowed_mentions).toEqual({ parse: [], replied_user: false });
      expect(reply.files.map((f) => f.name)).toContain('art-0.png');
    },
  );

  it('explains an unknown subcommand', async () => {
    const sent = await h.discord.userMessage('!alex dance', { user: MEMBER });
    const reply = await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id);
    expect(reply.json.content).toBe("I don't know `dance`. Try `!alex help`.");
  });

  it('reports Tautulli failures in the channel without a stack trace', async () => {
    h.tautulli.failure = { kind: 'down' };
    const sent = await h.discord.userMessage('!alex usage', { user: MEMBER });
    const reply = await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id);
    expect(reply.json.content).toBe(
      'Tautulli is unreachable right now. Is it running, and is its URL right?',
    );
  });

  it('ignores messages that are not for the bot', async () => {
    const since = h.discord.requests.length;
    await h.discord.userMessage('!alexa play something', { user: MEMBER });
    const probe = await h.discord.userMessage('!alex help', { user: MEMBER });
    await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === probe.id);
    const replies = h.discord.requests.slice(since).filter((r) => r.path.startsWith('/channels/'));
    expect(replies).toHaveLength(1);
  });
});

describe('a bot without Plex configured', () => {
  it('says which settings are missing instead of failing', async () => {
    const interaction = await h.discord.slashCommand({
      name: 'alex',
      subcommand: 'completion',
      options: [
        { name: 'artist', type: 3, value: 'Skrillex' },
        { name: 'user', type: 3, value: 'all' },
      ],
      user: MEMBER,
    });
    expect((await followUp(interaction.token)).json).toMatchObject({
      content: 'Plex is not configured on this bot: an admin needs to set PLEX_URL and PLEX_TOKEN.',
      flags: 64,
    });
  });
});

describe('the bot as a Discord client', () => {
  it('calls no Discord route the fake does not implement', () => {
    expect(h.discord.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
