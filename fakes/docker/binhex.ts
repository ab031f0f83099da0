import { PLEX_VERSION } from '../plex/server-info.ts';
import type { LogWriter } from './clock.ts';

/*
 * What a binhex image prints, taken from binhex/arch-base build/common/root/init.sh and supervisord.conf
 * (loglevel=debug, nodaemon: supervisord logs to stdout and relays child output there), binhex/arch-plexpass
 * run/nobody/{start,claim}.sh and build/plexmediaserver.conf, and binhex/scripts scripts/docker/healthcheck.sh.
 */

export const UNRAID_KERNEL = '6.12.24-Unraid';
export const BINHEX_RELEASE_TAG = `${PLEX_VERSION.split('-')[0]}-1-01`;

const BANNER = [
  'Created by...',
  '___.   .__       .__',
  '\\_ |__ |__| ____ |  |__   ____ ___  ___',
  ' | __ \\|  |/    \\|  |  \\_/ __ \\\\  \\/  /',
  ' | \\_\\ \\  |   |  \\   Y  \\  ___/ >    <',
  ' |___  /__|___|  /___|  /\\___  >__/\\_ \\',
  '     \\/        \\/     \\/     \\/      \\/',
  '   https://hub.docker.com/u/binhex/',
  '',
];

/**
 * Python's warning when supervisor (4.2.x imports pkg_resources) runs with setuptools >= 80.9, as in 2025
 * builds: written straight to the container's stderr, unlike child output, which supervisord relays on stdout.
 */
const PKG_RESOURCES_WARNING = [
  '/usr/lib/python3.13/site-packages/supervisor/options.py:13: UserWarning: pkg_resources is deprecated as an API. See https://setuptools.pypa.io/en/latest/pkg_resources.html. The pkg_resources package is slated for removal as early as 2025-11-30. Refrain from using this package or pin to Setuptools<81.',
  '  import pkg_resources',
];

const CLAIM_SKIPPED = "Env var 'PLEX_CLAIM' value not set and/or 'CLAIM_SERVER' not set to 'yes'";

/** init.sh, supervisord and the start of Plex Media Server, from `docker start` on. */
export function binhexStartup(log: LogWriter, appName: string): void {
  log.wait(180);
  for (const line of BANNER) log.line(line);
  log.wait(26).ts('[info] Host is running unRAID');
  log
    .wait(31)
    .ts(
      `[info] System information: Linux Tower ${UNRAID_KERNEL} #1 SMP PREEMPT_DYNAMIC Tue Apr 29 11:04:20 PDT 2025 x86_64 GNU/Linux`,
    );
  log.wait(22).ts("[info] Image architecture: 'amd64'");
  log.wait(21).ts(`[info] Application name: '${appName}'`);
  log.wait(20).ts("[info] Base image release tag: '2025060101'");
  log.wait(20).ts(`[info] Application image release tag: '${BINHEX_RELEASE_TAG}'`);
  log.wait(27).ts("[info] PUID defined as '99'");
  log.wait(35).ts("[info] User 'nobody' already has UID '99', skipping usermod");
  log.wait(26).ts("[info] PGID defined as '100'");
  log.wait(38).ts("[info] Group 'users' already has GID '100', skipping groupmod");
  log.wait(24).ts("[info] UMASK defined as '000'");
  log
    .wait(29)
    .ts(
      "[info] Permissions file '/config/perms.txt' exists, skipping setting ownership and permissions on '/config' and '/data'",
    );
  log.wait(41).ts('[info] Deleting files in /tmp (non recursive)...');
  log.wait(62).ts('[info] Starting Supervisor...');
  log.wait(388);
  for (const line of PKG_RESOURCES_WARNING) log.line(line, 'stderr');
  log.wait(94).sup('INFO Included extra file "/etc/supervisor/conf.d/plexmediaserver.conf" during parsing');
  log.sup('INFO Set uid to user 0 succeeded');
  log.wait(5).sup('INFO supervisord started with pid 7');
  log.wait(1003).sup("INFO spawned: 'claim-script' with pid 61");
  log.wait(2).sup("INFO spawned: 'start-script' with pid 62");
  log.wait(13).relay('claim-script', 'stdout', [`[info] ${CLAIM_SKIPPED}, skipping claim process.`]);
  log.sup(
    'INFO success: claim-script entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)',
  );
  log.sup(dispatcherClosed(8, 'claim-script', 'RUNNING', 'stdout'));
  log.wait(1).sup(dispatcherClosed(10, 'claim-script', 'RUNNING', 'stderr'));
  log.sup('INFO exited: claim-script (exit status 0; expected)');
  log.sup('DEBG received SIGCHLD indicating a child has quit');
  log
    .wait(9)
    .relay('start-script', 'stdout', [
      `[info] ${CLAIM_SKIPPED}, skipping edit of Preferences.xml for claim process.`,
      '[info] Starting Plex Media Server...',
    ]);
  log.wait(1001);
  log.sup(
    'INFO success: start-script entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)',
  );
  log.wait(611).relay('start-script', 'stderr', ['Critical: libusb_init failed']);
}

/** `docker restart`/`stop`: dumb-init forwards SIGTERM, supervisord stops its programs and exits. */
export function binhexShutdown(log: LogWriter): void {
  log.sup('WARN received SIGTERM indicating exit request');
  log.sup('DEBG killing start-script (pid 62) with signal SIGTERM');
  log.sup('INFO waiting for start-script to die');
  log.wait(1297).relay('start-script', 'stdout', ['[info] Plex Media Server stopped']);
  log.wait(3).sup(dispatcherClosed(11, 'start-script', 'STOPPING', 'stdout'));
  log.sup(dispatcherClosed(15, 'start-script', 'STOPPING', 'stderr'));
  log.wait(1).sup('INFO stopped: start-script (terminated by SIGTERM)');
  log.sup('DEBG received SIGCHLD indicating a child has quit');
}

export function dispatcherClosed(fd: number, program: string, state: string, channel: string): string {
  const at = 139_871_623_412_112 + fd * 240;
  return `DEBG fd ${fd} closed, stopped monitoring <POutputDispatcher at ${at} for <Subprocess at ${at - 192} with name ${program} in state ${state}> (${channel})>`;
}

const failedAttempt = (n: number): string =>
  n < 12
    ? `[warn] Healthcheck failed on attempt ${n}/12, retrying...`
    : '[warn] All 12 healthcheck attempts failed';

/** The output Docker keeps for one run of binhex's healthcheck.sh for arch-plexpass (truncated to 4 KiB). */
export function binhexHealthOutput(ok: boolean): string {
  const attempt = (n: number): string[] => [
    ...(n > 0 ? [`[info] Retry attempt ${n}/12, retrying in 5 second(s)...`] : []),
    '[info] Health checking DNS...',
    '[info] DNS resolution is working.',
    '[info] Health checking HTTPS...',
    '[info] HTTPS request is working.',
    '[info] Health checking processes...',
    "[info] Application name is 'plexpass'.",
    ok
      ? "[info] Process 'Plex Media Server' is running."
      : "[warn] Process 'Plex Media Server' is not running.",
    '[info] Health checking application-specific state...',
    ok ? '[info] All healthchecks passed on attempt 1' : failedAttempt(n + 1),
  ];
  const lines = [
    "[info] No custom healthcheck command defined via env var 'HEALTHCHECK_COMMAND', running default healthchecks...",
  ];
  if (ok) {
    lines.push(...attempt(0), "[info] Healthcheck passed, exiting script with exit code '0'");
  } else {
    for (let n = 0; n < 12; n++) lines.push(...attempt(n));
    lines.push(
      '[fatal] Healthcheck failed, running healthcheck action...',
      "[info] No custom healthcheck action defined via env var 'HEALTHCHECK_ACTION', defaulting to exiting script with exit code '1'",
    );
  }
  // Docker keeps at most 4096 bytes of probe output (daemon/health.go maxOutputLen).
  return `${lines.join('\n')}\n`.slice(0, 4096);
}
