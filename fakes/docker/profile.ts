import { BINHEX_RELEASE_TAG } from './binhex.ts';
import type { FakeContainer } from './types.ts';

/** The parts of an inspect body that come from the image and the `docker run` command, not the state. */
export interface ContainerProfile {
  created: string;
  path: string;
  args: string[];
  cmd: string[];
  entrypoint: string[] | null;
  imageId: string;
  hostname: string;
  env: string[];
  labels: Record<string, string>;
  binds: Array<{ source: string; destination: string }>;
  devices: string[];
  networkMode: string;
  restartPolicy: string;
  healthcheck?: { Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number };
}

const SECOND_NS = 1_000_000_000;

/**
 * binhex images on Unraid: Unraid's template adds TZ/HOST_* variables and `net.unraid.docker.*` labels;
 * binhex/arch-plexpass runs on the host network with /config in appdata and the GPU passed through.
 * PLEX_CLAIM holds a fake token so tests can check the bot never shows container environments.
 */
function binhexProfile(c: FakeContainer): ContainerProfile {
  const app = c.image.replace(/^.*\/arch-/, '').replace(/:.*$/, '');
  return {
    created: '2025-06-02T19:14:07.552301789Z',
    path: '/usr/bin/dumb-init',
    args: ['--', '/bin/bash', 'init.sh'],
    cmd: ['/bin/bash', 'init.sh'],
    entrypoint: ['/usr/bin/dumb-init', '--'],
    imageId: 'sha256:5d8e4b1c9a7f3e2d0b6c8a4f1e9d7b3c5a2f0e8d6b4c1a9f7e3d5b2c0a8f6e4d',
    hostname: 'Tower',
    env: [
      'TZ=Europe/London',
      'HOST_OS=Unraid',
      'HOST_HOSTNAME=Tower',
      `HOST_CONTAINERNAME=${c.name}`,
      'PLEX_CLAIM=claim-fAk3T0k3nN0tR3aL9x2Q',
      'CLAIM_SERVER=no',
      'TRANS_DIR=/config/tmp',
      'UMASK=000',
      'PUID=99',
      'PGID=100',
      'PATH=/usr/local/bin/system/scripts/docker:/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/bin/site_perl:/usr/bin/vendor_perl:/usr/bin/core_perl',
      'HOME=/home/nobody',
      'TERM=xterm',
      'LANG=en_GB.UTF-8',
    ],
    labels: {
      'net.unraid.docker.icon':
        'https://raw.githubusercontent.com/binhex/docker-templates/master/binhex/images/plex-icon.png',
      'net.unraid.docker.managed': 'dockerman',
      'net.unraid.docker.webui': 'http://[IP]:[PORT:32400]/web',
      'org.opencontainers.image.authors': 'binhex',
      'org.opencontainers.image.created': '2025-06-01T03:41:27Z',
      'org.opencontainers.image.source': `https://github.com/binhex/arch-${app}`,
      'org.opencontainers.image.version': BINHEX_RELEASE_TAG,
    },
    binds: [
      { source: `/mnt/user/appdata/${c.name}`, destination: '/config' },
      { source: '/mnt/user/media', destination: '/media' },
    ],
    devices: ['/dev/dri'],
    networkMode: 'host',
    restartPolicy: 'unless-stopped',
    healthcheck: {
      Test: ['CMD-SHELL', '/usr/local/bin/system/scripts/docker/healthcheck.sh || exit 1'],
      Interval: 120 * SECOND_NS,
      Timeout: 120 * SECOND_NS,
      StartPeriod: 120 * SECOND_NS,
      Retries: 3,
    },
  };
}

function genericProfile(c: FakeContainer): ContainerProfile {
  return {
    created: '2025-05-20T08:30:12.118236512Z',
    path: '/docker-entrypoint.sh',
    args: [],
    cmd: [],
    entrypoint: ['/docker-entrypoint.sh'],
    imageId: `sha256:${[...c.id].reverse().join('')}`,
    hostname: c.id.slice(0, 12),
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    labels: {},
    binds: [],
    devices: [],
    networkMode: 'bridge',
    restartPolicy: 'unless-stopped',
    ...(c.health && {
      healthcheck: {
        Test: ['CMD-SHELL', 'wget -qO- http://localhost/ || exit 1'],
        Interval: 30 * SECOND_NS,
        Timeout: 10 * SECOND_NS,
        StartPeriod: 0,
        Retries: 3,
      },
    }),
  };
}

export function containerProfile(c: FakeContainer): ContainerProfile {
  return /(^|\/)binhex\//.test(c.image) ? binhexProfile(c) : genericProfile(c);
}
