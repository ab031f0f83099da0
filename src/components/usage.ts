import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIEmbed } from 'discord.js';
import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import { LIMITS } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';
import { fetchArtwork } from './artwork.ts';
import type { Activity, StreamSession } from '../services/tautulli/client.ts';
import {
  footerText,
  idleEmbed,
  overflowLine,
  sessionEmbed,
  stopConfirmEmbed,
  stoppedText,
  streamTitle,
} from '../views/usage.ts';
import { button, row } from './buttons.ts';
import type { Row } from './buttons.ts';
import { namespaceCodec } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const ids = namespaceCodec('usage', { refresh: ['controls'], stop: [], kill: ['sessionId'], cancel: [] });
const THUMB_SIZE = { width: 160, height: 160 };
/** Session ids go into custom_ids; Plex's are short alphanumerics, anything else is not offered. */
const SESSION_ID = /^[\w.-]{1,64}$/;

function controls(sessions: readonly StreamSession[], adminControls: boolean): Row[] {
  const refresh = ids.encode('refresh', { controls: adminControls ? 'a' : 'u' });
  const rows = [row(button('Refresh', refresh, ButtonStyle.Secondary, { emoji: '🔄' }))];
  const stoppable = sessions.filter((s) => SESSION_ID.test(s.sessionId)).slice(0, LIMITS.selectOptions);
  if (adminControls && stoppable.length > 0) {
    rows.push(
      row({
        type: ComponentType.StringSelect,
        custom_id: ids.encode('stop', {}),
        placeholder: 'Stop a stream… (admins)',
        options: stoppable.map((s) => ({
          label: truncate(`${s.user} — ${streamTitle(s)}`, LIMITS.selectLabel),
          value: s.sessionId,
          description: truncate(s.player || s.product || 'Unknown player', LIMITS.selectLabel),
        })),
      }),
    );
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

async function findSession(ctx: CommandContext, sessionId: string): Promise<StreamSession> {
  const { sessions } = await ctx.services.tautulli.getActivity();
  const session = sessions.find((s) => s.sessionId === sessionId);
  if (!session) throw new UserFacingError('That stream has already ended.');
  return session;
}

function confirmReply(session: StreamSession, message: string): Reply {
  return {
    ephemeral: true,
    embeds: [stopConfirmEmbed(session, message)],
    components: [
      row(
        button('Stop stream', ids.encode('kill', { sessionId: session.sessionId }), ButtonStyle.Danger),
        button('Cancel', ids.encode('cancel', {})),
      ),
    ],
  };
}

export const usageComponents: ComponentHandler = {
  namespace: ids.namespace,
  adminOnly: {
    actions: ['stop', 'kill'],
    refusal: 'Only server admins can stop streams (Manage Server permission or the admin role).',
  },
  async handle(input, ctx) {
    switch (input.action) {
      case 'refresh':
        return { update: await usageReply(ctx, ids.decode(input, 'refresh')?.controls === 'a') };
      case 'stop': {
        const session = await findSession(ctx, input.values[0] ?? '');
        return { reply: confirmReply(session, ctx.config.tautulli.terminateMessage) };
      }
      case 'kill': {
        const session = await findSession(ctx, ids.decode(input, 'kill')?.sessionId ?? '');
        await ctx.services.tautulli.terminateSession(session.sessionId, ctx.config.tautulli.terminateMessage);
        ctx.logger.info(
          { userId: ctx.caller.id, sessionId: session.sessionId, viewer: session.user },
          'stream stopped by admin',
        );
        return { update: { content: stoppedText(session), embeds: [], components: [] } };
      }
      case 'cancel':
        return { update: { content: 'Cancelled: the stream keeps playing.', embeds: [], components: [] } };
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
