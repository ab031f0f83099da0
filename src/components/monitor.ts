import { ButtonStyle } from 'discord.js';
import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import type { Incident } from '../services/store/index.ts';
import { alertContent, incidentLabel } from '../views/monitor.ts';
import type { Diagnostics } from '../views/monitor.ts';
import { button, row } from './buttons.ts';
import { namespaceCodec } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

/** Every action carries the incident it is about. */
const ids = namespaceCodec('monitor', {
  logs: ['incident'],
  ack: ['incident'],
  restart: ['incident'],
  restartyes: ['incident'],
  cancel: ['incident'],
});
type Action = Parameters<typeof ids.encode>[0];
/** "More logs" attaches this many lines. */
export const MORE_LOG_LINES = 500;

const incidentButton = (
  label: string,
  style: Parameters<typeof button>[2],
  action: Action,
  incident: number,
) => button(label, ids.encode(action, { incident }), style);

/**
 * The alert message: embed, log file when long, and the admin buttons (Restart only when enabled);
 * `storeProblem` says why the database cannot be used, when it cannot.
 */
export function alertReply(
  incident: Incident,
  diagnostics: Diagnostics,
  ctx: Pick<CommandContext, 'config'>,
  storeProblem?: string,
): Reply {
  const { embed, files } = alertContent(incident, diagnostics, ctx.config.plex.containerName, storeProblem);
  const buttons = [
    incidentButton('More logs', ButtonStyle.Secondary, 'logs', incident.id),
    incidentButton('Acknowledge', ButtonStyle.Primary, 'ack', incident.id),
  ];
  if (ctx.config.monitor.allowRestart)
    buttons.push(incidentButton('Restart container', ButtonStyle.Danger, 'restart', incident.id));
  return { embeds: [embed], files, components: [row(...buttons)] };
}

export const monitorComponents: ComponentHandler = {
  namespace: ids.namespace,
  adminOnly: { actions: 'every', refusal: 'Only server admins can use the Plex alert buttons.' },
  async handle(input, ctx) {
    const action = ids.actionOf(input);
    if (!action) throw new UserFacingError(EXPIRED_TEXT);
    // From memory too: the buttons of an alert sent while the database failed still work.
    const incident = ctx.services.monitor.incident(Number(ids.decode(input, action)?.incident));
    if (!incident) throw new UserFacingError('This incident is no longer known.');
    const name = ctx.config.plex.containerName;
    switch (action) {
      case 'logs': {
        const lines = await ctx.services.docker.logs(name, MORE_LOG_LINES);
        return {
          reply: {
            ephemeral: true,
            content: `Last ${lines.length} log lines of \`${name}\`:`,
            files: [
              { name: `${name}-last-${MORE_LOG_LINES}.log`, data: Buffer.from(`${lines.join('\n')}\n`) },
            ],
          },
        };
      }
      case 'ack':
        ctx.services.monitor.acknowledge(incident.id, ctx.caller.id, Date.now());
        return {
          reply: { content: `👀 <@${ctx.caller.id}> acknowledged incident ${incidentLabel(incident)}.` },
        };
      case 'restart':
      case 'restartyes': {
        // Checked again on the confirming press: the setting may have been turned off since the alert.
        if (!ctx.config.monitor.allowRestart)
          throw new UserFacingError('Restarting from Discord is turned off (MONITOR_ALLOW_RESTART).');
        if (action === 'restart') {
          return {
            reply: {
              ephemeral: true,
              content: `Restart the container \`${name}\` now? Streams on the server will stop.`,
              components: [
                row(
                  incidentButton('Yes, restart', ButtonStyle.Danger, 'restartyes', incident.id),
                  incidentButton('Cancel', ButtonStyle.Secondary, 'cancel', incident.id),
                ),
              ],
            },
          };
        }
        await ctx.services.docker.restart(name);
        ctx.logger.info(
          { userId: ctx.caller.id, container: name, incident: incident.id },
          'container restarted by admin',
        );
        return {
          update: { content: `🔄 Restart of \`${name}\` requested by <@${ctx.caller.id}>.`, components: [] },
        };
      }
      case 'cancel':
        return { update: { content: 'Cancelled: nothing was restarted.', components: [] } };
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
