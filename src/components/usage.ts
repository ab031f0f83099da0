import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';
import type { CommandContext } from '../commands/types.ts';
import { UserFacingError } from '../errors.ts';
import { escapeMarkdown, LIMITS, truncate } from '../reply.ts';
import type { Reply } from '../reply.ts';
import { fetchArtwork } from './artwork.ts';
import type { Activity, StreamSession } from '../services/tautulli/client.ts';
import { footerText, idleEmbed, overflowLine, sessionEmbed, streamTitle } from '../views/usage.ts';
import { encodeCustomId } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const NAMESPACE = 'usage';
const THUMB_SIZE = { width: 160, height: 160 };
/** Session ids go into custom_ids; Plex's are short alphanumerics, anything else is not offered. */
const SESSION_ID = /^[\w.-]{1,64}$/;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

function controls(sessions: readonly StreamSession[], adminControls: boolean): Row[] {
  const rows: Row[] = [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: encodeCustomId(NAMESPACE, 'refresh', adminControls ? 'a' : 'u'),
          label: 'Refresh',
          emoji: { name: '🔄' },
        },
      ],
    },
  ];
  const stoppable = sessions.filter((s) => SESSION_ID.test(s.sessionId)).slice(0, LIMITS.selectOptions);
  if (adminControls && stoppable.length > 0) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: encodeCustomId(NAMESPACE, 'stop'),
          placeholder: 'Stop a stream… (admins)',
          options: stoppable.map((s) => ({
            label: truncate(`${s.user} — ${streamTitle(s)}`, LIMITS.selectLabel),
            value: s.sessionId,
            description: truncate(s.player || s.product || 'Unknown player', LIMITS.selectLabel),
          })),
        },
      ],
    });
  }
  return rows;
}

/** The `/alex usage` message: one embed per stream with art, totals in the footer, Refresh and admin controls. */
export async function usageReply(
  ctx: Pick<CommandContext, 'services'>,
  adminControls: boolean,
): Promise<Reply> {
  return activityReply(await ctx.services.tautulli.getActivity(), ctx, adminControls);
}

/** The usage message for activity already fetched (the live now-playing board shows the same). */
export async function activityReply(
  activity: Activity,
  ctx: Pick<CommandContext, 'services'>,
  adminControls: boolean,
): Promise<Reply> {
  if (activity.sessions.length === 0) {
    return { embeds: [idleEmbed(activity)], components: controls([], adminControls), files: [] };
  }
  const shown = activity.sessions.slice(0, LIMITS.embedsPerMessage);
  const art = await fetchArtwork(
    shown.map((s) => s.thumb),
    (img) => ctx.services.tautulli.getImage(img, THUMB_SIZE),
  );
  const embeds: APIEmbed[] = shown.map((session, i) => sessionEmbed(session, art.get(i)?.name));
  const last = embeds[embeds.length - 1] as APIEmbed;
  last.footer = { text: footerText(activity) };
  last.timestamp = new Date().toISOString();
  const hidden = activity.sessions.slice(shown.length);
  const count = activity.sessions.length;
  return {
    content: `**Now playing on Plex** · ${count} ${count === 1 ? 'stream' : 'streams'}${hidden.length ? `\n${overflowLine(hidden)}` : ''}`,
    embeds,
    components: controls(activity.sessions, adminControls),
    files: [...art.values()],
  };
}

function requireAdmin(ctx: CommandContext): void {
  if (!ctx.caller.isAdmin) {
    throw new UserFacingError(
      'Only server admins can stop streams (Manage Server permission or the admin role).',
    );
  }
}

async function findSession(ctx: CommandContext, sessionId: string): Promise<StreamSession> {
  const { sessions } = await ctx.services.tautulli.getActivity();
  const session = sessions.find((s) => s.sessionId === sessionId);
  if (!session) throw new UserFacingError('That stream has already ended.');
  return session;
}

function confirmReply(session: StreamSession, message: string): Reply {
  return {
    ephemeral: true,
    embeds: [
      {
        title: 'Stop this stream?',
        description: truncate(
          `**${escapeMarkdown(session.user)}** — ${escapeMarkdown(streamTitle(session))}\n` +
            `on ${escapeMarkdown(session.player || session.product || 'an unknown player')}\n\nThey will see: “${escapeMarkdown(message)}”`,
          LIMITS.embedDescription,
        ),
        color: 0xe74c3c,
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            custom_id: encodeCustomId(NAMESPACE, 'kill', session.sessionId),
            label: 'Stop stream',
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: encodeCustomId(NAMESPACE, 'cancel'),
            label: 'Cancel',
          },
        ],
      },
    ],
  };
}

export const usageComponents: ComponentHandler = {
  namespace: NAMESPACE,
  async handle({ action, args, values }, ctx) {
    switch (action) {
      case 'refresh':
        return { update: await usageReply(ctx, args[0] === 'a') };
      case 'stop': {
        requireAdmin(ctx);
        const session = await findSession(ctx, values[0] ?? '');
        return { reply: confirmReply(session, ctx.config.tautulli.terminateMessage) };
      }
      case 'kill': {
        requireAdmin(ctx);
        const session = await findSession(ctx, args[0] ?? '');
        await ctx.services.tautulli.terminateSession(session.sessionId, ctx.config.tautulli.terminateMessage);
        ctx.logger.info(
          { userId: ctx.caller.id, sessionId: session.sessionId, viewer: session.user },
          'stream stopped by admin',
        );
        const text = `Stopped **${escapeMarkdown(session.user)}**'s stream of ${escapeMarkdown(streamTitle(session))}.`;
        return { update: { content: truncate(text, LIMITS.content), embeds: [], components: [] } };
      }
      case 'cancel':
        return { update: { content: 'Cancelled: the stream keeps playing.', embeds: [], components: [] } };
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
