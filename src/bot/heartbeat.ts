import { Events, Status } from 'discord.js';
import type { Client } from 'discord.js';
import { HEARTBEAT_INTERVAL_MS, heartbeatPath, writeHeartbeat } from '../heartbeat.ts';
import type { ConnectionState } from '../heartbeat.ts';
import type { Logger } from '../logger.ts';

export interface HeartbeatWriter {
  /** Stops beating and records that the bot stopped, so a health check run after it is not fooled. */
  stop(): void;
}

const CHANGES = [
  Events.ShardReady,
  Events.ShardResume,
  Events.ShardReconnecting,
  Events.ShardDisconnect,
  Events.Invalidated,
] as const;

/** discord.js reconnects on its own; the bot counts as connected only while every shard is Ready. */
function connectionOf(client: Client): ConnectionState {
  const shards = client.ws.shards;
  return shards.size > 0 && shards.every((shard) => shard.status === Status.Ready) ? 'ready' : 'reconnecting';
}

/**
 * Writes DATA_DIR/heartbeat now, every `intervalMs`, and right after each connection change. A failed write
 * is logged once (until one succeeds again): the container will then be reported unhealthy, and the usual
 * cause is a DATA_DIR the bot's user cannot write.
 */
export function startHeartbeat(
  client: Client,
  dataDir: string,
  logger: Logger,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): HeartbeatWriter {
  let state: ConnectionState = connectionOf(client);
  let since = new Date().toISOString();
  let failing = false;
  let stopped = false;

  const write = () => {
    try {
      writeHeartbeat(dataDir, { state, at: new Date().toISOString(), since, pid: process.pid });
      if (failing) logger.info('heartbeat file written again');
      failing = false;
    } catch (error) {
      if (!failing) {
        logger.warn(
          { err: error, file: heartbeatPath(dataDir) },
          'cannot write the heartbeat file, so Docker will report the container unhealthy; is DATA_DIR writable by this user?',
        );
      }
      failing = true;
    }
  };
  const beat = () => {
    if (stopped) return;
    const now = connectionOf(client);
    if (now !== state) {
      state = now;
      since = new Date().toISOString();
    }
    write();
  };
  // discord.js updates a shard's status around the event, not always before it: look once the event is done.
  const onChange = () => void setImmediate(beat);
  for (const event of CHANGES) client.on(event, onChange);
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  write();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const event of CHANGES) client.off(event, onChange);
      state = 'stopped';
      since = new Date().toISOString();
      write();
    },
  };
}
