// Proves the fake Discord against the REAL discord.js client: every flow below goes over HTTP and WebSocket
// to fakes/discord and is checked against what the fake recorded, never against mocks.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  DiscordjsErrorCodes,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { ChatInputCommandInteraction, GatewayIntentsString, Interaction, Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PERMISSIONS, startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord, FakeDiscordOptions, RecordedRequest } from '../fakes/discord/index.ts';

const ALL_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

function makeClient(fake: FakeDiscord, intents: GatewayIntentBits[] = ALL_INTENTS): Client {
  return new Client({
    intents,
    rest: { api: fake.restApi, globalRequestsPerSecond: Infinity, retries: 0, timeout: 2000 },
  });
}

async function login(fake: FakeDiscord, intents?: GatewayIntentBits[]): Promise<Client> {
  const client = makeClient(fake, intents);
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return client;
}

/** The next interaction the client emits (register before injecting, so none is missed). */
async function nextInteraction(client: Client): Promise<Interaction> {
  const [interaction] = (await once(client, Events.InteractionCreate)) as [Interaction];
  return interaction;
}

async function nextMessage(client: Client): Promise<Message> {
  const [message] = (await once(client, Events.MessageCreate)) as [Message];
  return message;
}

/** Runs `fn`, expecting a DiscordAPIError from the fake; returns it for further checks. */
async function apiError(fn: () => Promise<unknown>): Promise<DiscordAPIError> {
  const error = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

/** Injects a slash command and returns discord.js's interaction for it. */
async function slashCommand(
  fake: FakeDiscord,
  client: Client,
  input: Parameters<FakeDiscord['slashCommand']>[0],
): Promise<ChatInputCommandInteraction> {
  const got = nextInteraction(client);
  await fake.slashCommand(input);
  const interaction = await got;
  if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
  return interaction;
}

interface GatewayFrame {
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

const isPath = (method: string, pattern: RegExp) => (r: RecordedRequest) =>
  r.method === method && pattern.test(r.path);

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  /** Set by the registration test: injected slash commands must carry the registered id. */
  let statsCommandId: string | undefined;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    client = await login(fake);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  it('logs in: one /gateway/bot call with Bot auth, READY + GUILD_CREATE fill the caches', async () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fake.applicationId);
    expect(fake.identifies).toEqual([{ intents: 33281 }]);
    const gatewayCall = await fake.waitForRequest(isPath('GET', /^\/gateway\/bot$/));
    expect(gatewayCall.auth).toBe(`Bot ${fake.token}`);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['alerts', 'general']);
    expect(guild?.roles.everyone.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(false);
    expect(guild?.roles.cache.find((r) => r.name === 'Server Manager')?.permissions.has('ManageGuild')).toBe(
      true,
    );
    expect(guild?.roles.cache.find((r) => r.name === 'Plex Admin')?.permissions.has('ManageGuild')).toBe(
      false,
    );
  });

  it('registers guild commands and lists them back with stable ids', async () => {
    const stats = new SlashCommandBuilder()
      .setName('stats')
      .setDescription('Listening stats')
      .addSubcommand((s) =>
        s
          .setName('top')
          .setDescription('Top tracks')
          .addStringOption((o) => o.setName('model').setDescription('Model').setAutocomplete(true)),
      );
    const created = await client.application!.commands.set([stats.toJSON()], fake.guildId);
    const put = await fake.waitForRequest(isPath('PUT', /\/guilds\/\d+\/commands$/));
    expect(put.json[0]).toMatchObject({ name: 'stats', description: 'Listening stats' });
    expect(put.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    statsCommandId = created.first()?.id;
    const again = await client.application!.commands.set([stats.toJSON()], fake.guildId);
    expect(again.first()?.id).toBe(created.first()?.id);
    const listed = await client.application!.commands.fetch({ guildId: fake.guildId });
    expect(listed.map((c) => c.name)).toEqual(['stats']);

    const bad = await apiError(() =>
      client.application!.commands.set([{ name: 'Bad Name', description: 'x' }], fake.guildId),
    );
    expect(bad.code).toBe(50035);
  });

  it('slash command → reply with an embed, recorded as callback type 4 and stored as a message', async () => {
    const got = nextInteraction(client);
    const { id } = await fake.slashCommand({
      name: 'stats',
      subcommand: 'top',
      options: [{ name: 'model', type: 3, value: 'opus' }],
    });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.options.getSubcommand()).toBe('top');
    expect(interaction.options.getString('model')).toBe('opus');
    expect(interaction.commandId).toBe(statsCommandId);
    expect(interaction.commandGuildId).toBe(fake.guildId);
    expect(interaction.user.username).toBe('alex');
    expect(interaction.channelId).toBe(fake.channelId);

    const embed = new EmbedBuilder().setTitle('Top tracks').addFields({ name: '#1', value: 'Song' });
    await interaction.reply({ embeds: [embed] });
    const cb = await fake.waitForCallback(id);
    expect(cb.status).toBe(204);
    expect(cb.auth).toBeNull();
    expect(cb.query).toEqual({ with_response: 'false' });
    expect(cb.json).toMatchObject({
      type: 4,
      data: { embeds: [{ title: 'Top tracks', fields: [{ name: '#1' }] }] },
    });

    const reply = await interaction.fetchReply();
    expect(reply.embeds[0]?.title).toBe('Top tracks');
    expect(reply.interactionMetadata?.user.id).toBe(interaction.user.id);
    expect(fake.messages.get(reply.id)?.embeds[0]?.title).toBe('Top tracks');
  });

  it('a second initial response is refused: 40060 from the fake, or InteractionAlreadyReplied in discord.js', async () => {
    const got = nextInteraction(client);
    await fake.slashCommand({ name: 'stats' });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    // Two handlers racing: both pass discord.js's local `replied` check, Discord refuses the second.
    const results = await Promise.allSettled([interaction.reply('one'), interaction.reply('two')]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const error = (rejected[0] as PromiseRejectedResult).reason as unknown;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40060);
    expect((error as DiscordAPIError).status).toBe(400);
    // Sequentially, discord.js refuses locally before any request is made.
    await expect(interaction.reply('three')).rejects.toMatchObject({
      code: DiscordjsErrorCodes.InteractionAlreadyReplied,
    });
  });

  it('deferReply → editReply with files (multipart) → followUp', async () => {
    const got = nextInteraction(client);
    const { id, token } = await fake.slashCommand({ name: 'report' });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    await interaction.deferReply();
    expect((await fake.waitForCallback(id)).json).toEqual({ type: 5, data: { flags: 0 } });

    const csv = Buffer.from('track,plays\nSong,3\n');
    const png = Buffer.alloc(2048, 7);
    const edited = await interaction.editReply({
      content: 'report ready',
      files: [
        new AttachmentBuilder(csv, { name: 'report.csv' }),
        new AttachmentBuilder(png, { name: 'chart.png' }),
      ],
    });
    const patch = await fake.waitForRequest(isPath('PATCH', /\/messages\/@original$/));
    expect(patch.path).toBe(`/webhooks/${fake.applicationId}/${token}/messages/@original`);
    expect(patch.auth).toBeNull();
    expect(patch.json.content).toBe('report ready');
    expect(patch.files.map((f) => [f.field, f.name, f.size])).toEqual([
      ['files[0]', 'report.csv', csv.length],
      ['files[1]', 'chart.png', 2048],
    ]);
    expect(patch.files[0]?.data.equals(csv)).toBe(true);
    expect(edited.attachments.map((a) => [a.name, a.size])).toEqual([
      ['report.csv', csv.length],
      ['chart.png', 2048],
    ]);
    const stored = fake.messages.get(edited.id);
    expect(stored?.content).toBe('report ready');
    expect((stored?.flags ?? 0) & MessageFlags.Loading).toBe(0);

    const follow = await interaction.followUp({ content: 'details', flags: MessageFlags.Ephemeral });
    const post = await fake.waitForRequest(
      isPath('POST', new RegExp(`^/webhooks/\\d+/${token.replaceAll('.', '\\.')}$`)),
    );
    expect(post.query.wait).toBe('true');
    expect(follow.flags.has(MessageFlags.Ephemeral)).toBe(true);
    expect(fake.messages.get(follow.id)?.interaction_metadata?.original_response_message_id).toBe(edited.id);

    await interaction.deleteReply();
    expect(fake.messages.has(edited.id)).toBe(false);
    const unknown = await apiError(() =>
      client.rest.post(Routes.interactionCallback('1', 'not-a-token'), { body: { type: 4 }, auth: false }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 10062]);
  });

  it('autocomplete → respond; more than 25 choices are refused with 50035', async () => {
    const got = nextInteraction(client);
    const first = await fake.autocomplete({
      name: 'stats',
      subcommand: 'top',
      focused: 'model',
      options: [{ name: 'model', type: 3, value: 'op' }],
    });
    const interaction = await got;
    if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
    expect(interaction.options.getFocused()).toBe('op');
    await interaction.respond([{ name: 'opus', value: 'opus' }]);
    expect((await fake.waitForCallback(first.id)).json).toEqual({
      type: 8,
      data: { choices: [{ name: 'opus', value: 'opus' }] },
    });

    const gotSecond = nextInteraction(client);
    await fake.autocomplete({
      name: 'stats',
      focused: 'model',
      options: [{ name: 'model', type: 3, value: '' }],
    });
    const second = await gotSecond;
    if (!second.isAutocomplete()) throw new Error('expected autocomplete');
    const many = Array.from({ length: 26 }, (_, i) => ({ name: `choice ${i}`, value: `c${i}` }));
    const error = await apiError(() => second.respond(many));
    expect(error.code).toBe(50035);
    expect(error.message).toContain('data.choices');
  });

  it('button → update edits the stored message; string select carries its values', async () => {
    let got = nextInteraction(client);
    await fake.slashCommand({ name: 'stats' });
    const slash = await got;
    if (!slash.isChatInputCommand()) throw new Error('expected a chat input command');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('refresh').setLabel('Refresh').setStyle(ButtonStyle.Primary),
    );
    const response = await slash.reply({ content: 'v1', components: [row], withResponse: true });
    const messageId = response.resource?.message?.id;
    expect(messageId).toBeDefined();

    got = nextInteraction(client);
    const { id } = await fake.button('refresh', { messageId: messageId! });
    const button = await got;
    if (!button.isButton()) throw new Error('expected a button');
    expect(button.message.id).toBe(messageId);
    expect(button.customId).toBe('refresh');
    await button.update({ content: 'v2', components: [] });
    expect((await fake.waitForCallback(id)).json.type).toBe(7);
    expect(fake.messages.get(messageId!)).toMatchObject({ content: 'v2', components: [] });

    got = nextInteraction(client);
    await fake.stringSelect('period', ['week']);
    const select = await got;
    if (!select.isStringSelectMenu()) throw new Error('expected a string select');
    expect(select.values).toEqual(['week']);
    const menu = new StringSelectMenuBuilder()
      .setCustomId('period')
      .addOptions({ label: 'Week', value: 'week' }, { label: 'Month', value: 'month' });
    await select.update({
      content: 'week',
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
    });
    expect(fake.messages.get(select.message.id)?.content).toBe('week');
  });

  it('button → showModal (type 9); modal submit → ephemeral reply', async () => {
    let got = nextInteraction(client);
    const { id } = await fake.button('feedback');
    const button = await got;
    if (!button.isButton()) throw new Error('expected a button');
    const input = new TextInputBuilder()
      .setCustomId('text')
      .setLabel('Feedback')
      .setStyle(TextInputStyle.Short);
    const modal = new ModalBuilder()
      .setCustomId('feedback-modal')
      .setTitle('Feedback')
      .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
    await button.showModal(modal);
    expect((await fake.waitForCallback(id)).json).toMatchObject({
      type: 9,
      data: { custom_id: 'feedback-modal' },
    });

    got = nextInteraction(client);
    const submitted = await fake.modalSubmit('feedback-modal', { text: 'great bot' });
    const submit = await got;
    if (!submit.isModalSubmit()) throw new Error('expected a modal submit');
    expect(submit.fields.getTextInputValue('text')).toBe('great bot');
    await submit.reply({ content: 'thanks', flags: MessageFlags.Ephemeral });
    expect((await fake.waitForCallback(submitted.id)).json).toMatchObject({
      type: 4,
      data: { content: 'thanks', flags: 64 },
    });
  });

  it('prefix message → message.reply with message_reference', async () => {
    const got = nextMessage(client);
    const { id } = await fake.userMessage('!alex usage');
    const message = await got;
    expect(message.content).toBe('!alex usage');
    expect(message.author.username).toBe('alex');
    const reply = await message.reply('usage: 3 plays');
    const post = await fake.waitForRequest(
      isPath('POST', new RegExp(`^/channels/${fake.channelId}/messages$`)),
    );
    expect(post.auth).toBe(`Bot ${fake.token}`);
    expect(post.json.message_reference).toMatchObject({ message_id: id, fail_if_not_exists: true });
    expect(reply.reference?.messageId).toBe(id);
    expect(fake.messages.get(reply.id)?.message_reference?.message_id).toBe(id);
  });

  it('admin checks: member.permissions for messages and memberPermissions for interactions agree with roles', async () => {
    const cases = [
      { user: { id: '1100000000000000101', admin: true }, manage: true },
      { user: { id: '1100000000000000102' }, manage: false },
      { user: { id: '1100000000000000103', roles: ['1100000000000000005'] }, manage: false },
    ];
    for (const { user, manage } of cases) {
      const gotMessage = nextMessage(client);
      await fake.userMessage('!alex admin', { user });
      const message = await gotMessage;
      expect(message.member?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(manage);
      expect(message.member?.roles.cache.has('1100000000000000005')).toBe(user.roles !== undefined);

      const gotInteraction = nextInteraction(client);
      await fake.slashCommand({ name: 'stats', user });
      const interaction = await gotInteraction;
      expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(manage);
      expect(interaction.memberPermissions?.has(PERMISSIONS.Everyone)).toBe(true);
    }
  });

  it('refuses oversized embeds and content with Invalid Form Body (50035)', async () => {
    const got = nextInteraction(client);
    await fake.slashCommand({ name: 'stats' });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    // Raw embed objects: discord.js's EmbedBuilder would refuse these before sending.
    const long = await apiError(() => interaction.reply({ embeds: [{ description: 'x'.repeat(4097) }] }));
    expect(long.code).toBe(50035);
    expect(long.message).toContain('data.embeds[0].description[BASE_TYPE_MAX_LENGTH]');
    const fields = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1000) }));
    const total = await apiError(() =>
      interaction.reply({ embeds: [{ description: 'd'.repeat(1001), fields }] }),
    );
    expect(total.message).toContain('MAX_EMBED_SIZE_EXCEEDED');
    const content = await apiError(() => interaction.reply({ content: 'c'.repeat(2001) }));
    expect(content.message).toContain('data.content');
    // Refused callbacks do not acknowledge: a valid reply still goes through.
    await interaction.reply('fits');
    const channel = client.channels.cache.get(fake.alertChannelId);
    if (!channel?.isSendable()) throw new Error('alert channel missing');
    const embeds = Array.from({ length: 11 }, () => ({ title: 't' }));
    expect((await apiError(() => channel.send({ embeds }))).message).toContain(
      'embeds[BASE_TYPE_MAX_LENGTH]',
    );
  });

  it('uploads over attachment_size_limit are refused with 413 (40005)', async () => {
    const got = nextInteraction(client);
    const { id } = await fake.slashCommand({ name: 'report', attachmentSizeLimit: 1024 });
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    const big = new AttachmentBuilder(Buffer.alloc(2048), { name: 'big.bin' });
    const error = await apiError(() => interaction.reply({ files: [big] }));
    expect([error.status, error.code]).toEqual([413, 40005]);
    const cb = await fake.waitForCallback(id);
    expect(cb.files[0]).toMatchObject({ name: 'big.bin', size: 2048 });
  });

  it('alert to the second channel with a file; no route the fake lacks was called', async () => {
    const channel = await client.channels.fetch(fake.alertChannelId);
    if (!channel?.isSendable()) throw new Error('alert channel missing');
    await channel.sendTyping();
    const sent = await channel.send({
      content: 'server down',
      files: [new AttachmentBuilder(Buffer.from('{"ok":false}\n'), { name: 'details.json' })],
    });
    expect(sent.attachments.first()?.name).toBe('details.json');
    expect(fake.messages.get(sent.id)?.attachments[0]).toMatchObject({ filename: 'details.json', size: 13 });
    expect(fake.unhandled).toEqual([]);
  });
});

describe('deadlines', () => {
  const started: Array<{ fake: FakeDiscord; client: Client }> = [];

  async function setup(opts: FakeDiscordOptions): Promise<{ fake: FakeDiscord; client: Client }> {
    const fake = await startFakeDiscord(opts);
    const pair = { fake, client: await login(fake) };
    started.push(pair);
    return pair;
  }

  afterAll(async () => {
    for (const { fake, client } of started) {
      await client.destroy();
      await fake.stop();
    }
  });

  // Waiting past a deadline IS the behaviour under test, so these two tests sleep on purpose.
  it('a first callback after ackDeadlineMs is Unknown interaction (404, 10062)', async () => {
    const { fake, client } = await setup({ ackDeadlineMs: 40 });
    const late = await slashCommand(fake, client, { name: 'slow' });
    await delay(80);
    const error = await apiError(() => late.reply('too late'));
    expect([error.status, error.code]).toEqual([404, 10062]);
  });

  it('a webhook call after tokenLifetimeMs is Invalid Webhook Token (401, 50027)', async () => {
    const { fake, client } = await setup({ tokenLifetimeMs: 100 });
    const slow = await slashCommand(fake, client, { name: 'slow' });
    await slow.deferReply();
    await delay(150);
    const error = await apiError(() => slow.editReply('done'));
    expect([error.status, error.code]).toEqual([401, 50027]);
    // A 401 on a no-auth route must not make discord.js drop the bot token.
    expect(client.token).toBe(fake.token);
  });
});

describe('login failures and intents', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord({ allowMessageContent: false });
  });

  afterAll(async () => {
    for (const c of clients) await c.destroy();
    await fake?.stop();
  });

  it('a wrong token makes login() reject with TokenInvalid', async () => {
    const client = makeClient(fake);
    clients.push(client);
    await expect(client.login('wrong-token')).rejects.toMatchObject({
      code: DiscordjsErrorCodes.TokenInvalid,
    });
    const call = await fake.waitForRequest((r) => r.path === '/gateway/bot' && r.status === 401);
    expect(call.auth).toBe('Bot wrong-token');
  });

  it('MessageContent without the privileged intent: close 4014 rejects login(); fewer intents log in', async () => {
    const client = makeClient(fake);
    clients.push(client);
    const disconnect = once(client, Events.ShardDisconnect);
    const error = await client.login(fake.token).then(
      () => null,
      (e: unknown) => e,
    );
    // discord.js rejects with a plain Error (no code), after emitting shardDisconnect {code: 4014}.
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Used disallowed intents');
    expect((error as { code?: unknown }).code).toBeUndefined();
    const [event] = (await disconnect) as [{ code: number }];
    expect(event.code).toBe(4014);
    expect(client.isReady()).toBe(false);
    expect(fake.identifies.at(-1)?.intents).toBe(33281);

    const intents: GatewayIntentsString[] = ['Guilds', 'GuildMessages'];
    const fresh = await login(
      fake,
      intents.map((name) => GatewayIntentBits[name]),
    );
    clients.push(fresh);
    expect(fake.identifies.at(-1)?.intents).toBe(513);
    // Without MessageContent, Discord (and the fake) blank the content of other users' messages.
    const got = nextMessage(fresh);
    await fake.userMessage('!alex usage');
    expect((await got).content).toBe('');
  });
});

describe('gateway protocol', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 25 });
  });

  afterAll(async () => {
    await fake?.stop();
  });

  /** A raw gateway connection that queues frames, so a test can await them in order. */
  async function connect(): Promise<{
    ws: WebSocket;
    next: () => Promise<GatewayFrame>;
    closed: Promise<number>;
  }> {
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/gateway?v=10&encoding=json`);
    const frames: GatewayFrame[] = [];
    const waiting: Array<(f: GatewayFrame) => void> = [];
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as GatewayFrame;
      const resolve = waiting.shift();
      if (resolve) resolve(frame);
      else frames.push(frame);
    });
    const closed = once(ws, 'close').then(([code]) => code as number);
    await once(ws, 'open');
    const next = () => {
      const frame = frames.shift();
      return frame ? Promise.resolve(frame) : new Promise<GatewayFrame>((resolve) => waiting.push(resolve));
    };
    return { ws, next, closed };
  }

  it('HELLO, heartbeat ACK, IDENTIFY → READY + GUILD_CREATE, RESUME → RESUMED with the sequence continuing', async () => {
    const first = await connect();
    expect(await first.next()).toMatchObject({ op: 10, d: { heartbeat_interval: 25 } });
    first.ws.send(JSON.stringify({ op: 1, d: null }));
    expect((await first.next()).op).toBe(11);
    first.ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 513, properties: {} } }));
    const ready = await first.next();
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1, d: { user: { id: fake.applicationId } } });
    expect(await first.next()).toMatchObject({ t: 'GUILD_CREATE', s: 2, d: { id: fake.guildId } });
    const sessionId = (ready.d as { session_id: string }).session_id;
    first.ws.close();
    await first.closed;

    const second = await connect();
    await second.next();
    second.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: sessionId, seq: 2 } }));
    expect(await second.next()).toMatchObject({ op: 0, t: 'RESUMED', s: 3 });
    const message = fake.userMessage('hello');
    expect(await second.next()).toMatchObject({ t: 'MESSAGE_CREATE', s: 4, d: { content: '' } });
    await message;
    second.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 1 } }));
    // Already resumed on this connection: a second RESUME is refused like a second IDENTIFY.
    expect(await second.closed).toBe(4005);

    const third = await connect();
    await third.next();
    third.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 1 } }));
    expect(await third.next()).toMatchObject({ op: 9, d: false });
    third.ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
    expect(await third.closed).toBe(4004);
  });

  it('discord.js heartbeats are acknowledged', async () => {
    const client = makeClient(fake);
    const acked = new Promise<void>((resolve) => {
      client.on(Events.Debug, (line) => {
        if (line.includes('Heartbeat acknowledged')) resolve();
      });
    });
    try {
      await client.login(fake.token);
      await acked;
      expect(client.ws.ping).toBeGreaterThanOrEqual(0);
    } finally {
      await client.destroy();
    }
  });
});
