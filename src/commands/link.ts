import { UserFacingError } from '../errors.ts';
import { escapeMarkdown } from '../markdown.ts';
import { userChoices } from '../lookup/choices.ts';
import { resolveListener } from '../lookup/resolve.ts';
import type { Command } from './types.ts';

/**
 * `/alex link [plex_user] [member] [remove]`: ties a Discord member to a Plex/Tautulli user, so "you"
 * means something in completion and compare. Members link themselves; admins may link anyone.
 */
export const link: Command = {
  name: 'link',
  description: 'Link your Discord account to your Plex user (or see the current link)',
  options: [
    {
      name: 'plex_user',
      description: 'Your Plex user name',
      type: 'string',
      autocomplete: true,
      maxLength: 100,
    },
    { name: 'member', description: 'Admins: link someone else', type: 'user' },
    { name: 'remove', description: 'Remove the link', type: 'boolean' },
  ],
  ephemeral: true,
  examples: ['/alex link plex_user:Sam', '/alex link', '!alex link Sam'],
  async run(args, ctx) {
    const member = args.member === undefined ? ctx.caller.id : String(args.member);
    const self = member === ctx.caller.id;
    const whose = self ? 'Your Discord account' : `<@${member}>`;
    if (!self && !ctx.caller.isAdmin)
      throw new UserFacingError('Only server admins can link or unlink other members.');
    if (args.remove === true) {
      const removed = ctx.services.store.removeLink(member);
      return {
        ephemeral: true,
        content: removed ? `${whose} is no longer linked to a Plex user.` : `${whose} was not linked.`,
      };
    }
    if (args.plex_user === undefined) {
      const current = ctx.services.store.getLink(member);
      const text = current
        ? `${whose} is linked to the Plex user **${escapeMarkdown(current.plexUserName)}**.`
        : `${whose} is not linked yet. Use \`/alex link plex_user:<Plex name>\`.`;
      return { ephemeral: true, content: text };
    }
    const listener = await resolveListener(String(args.plex_user), ctx);
    if (listener.kind === 'all') throw new UserFacingError('Link a single Plex user, not everyone.');
    ctx.services.store.setLink({
      discordUserId: member,
      plexUserId: listener.userId,
      plexUserName: listener.name,
      linkedBy: ctx.caller.id,
      linkedAt: Date.now(),
    });
    ctx.logger.info({ member, plexUserId: listener.userId, by: ctx.caller.id }, 'user linked');
    return {
      ephemeral: true,
      content: `${whose} is now linked to the Plex user **${escapeMarkdown(listener.name)}**.`,
    };
  },
  complete: (_option, text, _args, ctx) => userChoices(text, ctx, false),
};
