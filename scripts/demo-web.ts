import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cliContext } from '../src/cli/run-command.ts';
import { COMMANDS, findCommand } from '../src/commands/index.ts';
import { parseTextCommand, findTextCommand } from '../src/commands/text-line.ts';
import { decodeCustomId } from '../src/components/custom-id.ts';
import { COMPONENT_HANDLERS } from '../src/components/index.ts';
import { EXPIRED_REPLY } from '../src/components/types.ts';
import type { ComponentResult } from '../src/components/types.ts';
import type { CommandArgs, CommandContext, Transport } from '../src/context.ts';
import type { Config } from '../src/config.ts';
import { describeFailure, UserFacingError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { truncate } from '../src/markdown.ts';
import { fitEmbeds, LIMITS } from '../src/reply.ts';
import type { Reply } from '../src/reply.ts';
import type { Services } from '../src/services/index.ts';
import { tokenize } from '../src/words.ts';

type Deps = { config: Config; services: Services; logger: Logger };

/** The page and its two assets; nothing else is served from disk. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
  '/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
};
const FILE_TYPES: Record<string, string> = { png: 'image/png', mp3: 'audio/mpeg', csv: 'text/csv' };
/** Messages whose attachments stay downloadable; older ones answer 404, like an expired CDN link. */
const KEPT_MESSAGES = 100;
const BODY_MAX_BYTES = 64 * 1024;
/** The Plex user the page's visitor is linked to, so "you" means someone, as for a linked Discord member. */
export const WEB_DEMO_USER = 'Alex';
/** The visitor as a Discord member: replies mention them as `<@id>`, which the page shows as "@you". */
const VISITOR = { id: '100000000000000042', name: 'You', isAdmin: true };

/**
 * `npm run demo -- --web`: one local page that plays Discord's part. It sends what a slash command, an
 * autocomplete request or a component press would carry, and this server answers through the same
 * commands, `complete()` and component handlers the bot's router uses; replies come back as JSON with
 * their attachments served under /files/. The visitor is an admin linked to the sample user Alex.
 */
export async function startWebDemo(
  deps: Deps,
  options: { port?: number; label?: (reply: Reply, what: string) => Reply } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const messages = new Map<string, Reply>();
  let nextId = 1;
  const label = options.label ?? ((reply: Reply) => reply);
  const context = (transport: Transport): CommandContext => ({
    ...cliContext(deps),
    caller: VISITOR,
    transport,
    invokedAs: '/alex',
  });

  /** A Reply as the page renders it, within Discord's limits, its files replaced by their addresses. */
  function message(reply: Reply, id = String(nextId++)) {
    messages.set(id, reply);
    for (const old of messages.keys()) if (messages.size > KEPT_MESSAGES) messages.delete(old);
    const files = (reply.files ?? []).map((f) => ({
      name: f.name,
      description: f.description,
      url: `/files/${id}/${encodeURIComponent(f.name)}`,
    }));
    const content = reply.content ? truncate(reply.content, LIMITS.content) : '';
    const { embeds } = fitEmbeds(reply.embeds ?? []);
    return { id, content, embeds, components: reply.components ?? [], files, ephemeral: !!reply.ephemeral };
  }
  const failure = (error: unknown): Reply => ({
    content: describeFailure(error, deps.logger),
    ephemeral: true,
  });

  /** A slash command: the typed line, with the values picked from autocomplete in place of their names. */
  async function run(line: string, picks: Record<string, { name: string; value: string }>): Promise<Reply> {
    const words = tokenize(line.trim());
    if (words[0]?.toLowerCase() === '/alex') words.shift();
    const ctx = context('slash');
    try {
      const command = findTextCommand(words[0] ?? 'help', '/alex');
      const args: CommandArgs = await parseTextCommand(command, words.slice(1), ctx);
      for (const [name, pick] of Object.entries(picks)) if (args[name] === pick.name) args[name] = pick.value;
      return label(await command.run(args, ctx), command.name);
    } catch (error) {
      return failure(error);
    }
  }

  /** A button press or menu choice, routed as src/bot/router.ts routes it. */
  async function press(customId: string, values: string[]): Promise<ComponentResult> {
    const id = decodeCustomId(customId);
    const handler = id ? COMPONENT_HANDLERS.get(id.namespace) : undefined;
    if (!id || !handler) return { reply: EXPIRED_REPLY };
    const ctx = context('component');
    try {
      const guard = handler.adminOnly;
      if (guard && !ctx.caller.isAdmin && (guard.actions === 'every' || guard.actions.includes(id.action)))
        throw new UserFacingError(guard.refusal);
      const result = await handler.handle({ action: id.action, args: id.args, values }, ctx);
      if ('update' in result) return { update: label(result.update, id.namespace) };
      if ('reply' in result) return { reply: label(result.reply, id.namespace) };
      return result;
    } catch (error) {
      return { reply: failure(error) };
    }
  }

  /** What Discord asks the bot while someone types an autocomplete option. */
  async function complete(name: string, option: string, text: string, args: CommandArgs) {
    const command = findCommand(name);
    if (!command?.complete) return [];
    const choices = await command.complete(option, text, args, context('slash')).catch(() => []);
    return choices.filter((c) => c.value.length > 0).slice(0, LIMITS.choices);
  }

  async function api(path: string, body: Record<string, unknown>): Promise<unknown> {
    if (path === '/api/run') {
      const picks = (body.picks ?? {}) as Record<string, { name: string; value: string }>;
      return { message: message(await run(String(body.line ?? ''), picks)) };
    }
    if (path === '/api/complete') {
      const args = (body.args ?? {}) as CommandArgs;
      return {
        choices: await complete(String(body.command), String(body.option), String(body.text ?? ''), args),
      };
    }
    if (path === '/api/component') {
      const result = await press(String(body.customId), (body.values ?? []) as string[]);
      const target = String(body.messageId);
      if ('update' in result) return { update: message(result.update, target) };
      if ('reply' in result) return { reply: message(result.reply) };
      return {};
    }
    return undefined;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const asset = ASSETS[path];
    if (req.method === 'GET' && asset) {
      const text = readFileSync(new URL(`web-demo/${asset.file}`, import.meta.url));
      return send(res, 200, asset.type, text);
    }
    if (req.method === 'GET' && path === '/api/commands')
      return sendJson(res, { commands: commandList(), you: VISITOR.id });
    const file = /^\/files\/(\d+)\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && file) {
      const name = decodeURIComponent(file[2] as string);
      const found = messages.get(file[1] as string)?.files?.find((f) => f.name === name);
      if (!found) return send(res, 404, 'text/plain', 'expired');
      const type = FILE_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
      return send(res, 200, type, found.data);
    }
    if (req.method === 'POST' && path.startsWith('/api/')) {
      const answer = await api(path, JSON.parse(await readBody(req)) as Record<string, unknown>);
      if (answer !== undefined) return sendJson(res, answer);
    }
    send(res, 404, 'text/plain', 'not found');
  }

  await findCommand('link')?.run({ plex_user: WEB_DEMO_USER }, context('slash'));
  await deps.services.library.ready();
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'web demo request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'the demo failed; see its log');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the page's keep-alive connections would hold close() open
      }),
  };
}

/** The subcommands and their options, for the page's suggestions (what Discord learns from registration). */
function commandList() {
  return COMMANDS.map((c) => ({
    name: c.name,
    description: c.description,
    options: c.options.map((o) => ({
      name: o.name,
      description: o.description,
      type: o.type,
      required: !!o.required,
      autocomplete: !!o.autocomplete,
      choices: o.choices ?? [],
    })),
  }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > BODY_MAX_BYTES) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(body || '{}'));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json', JSON.stringify(value));
}
