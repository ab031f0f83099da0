import { binhexHealthOutput } from './binhex.ts';
import { localIso } from './clock.ts';
import { containerProfile } from './profile.ts';
import type { FakeContainer } from './types.ts';

/** Go's zero time, which Docker shows for times that never happened. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
const HEALTH_INTERVAL_MS = 120_000;

/** Docker keeps `Running: true` for paused and restarting containers. */
export const isUp = (c: FakeContainer): boolean =>
  c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

/** A stable PID per start, so a restart visibly changes it. */
function pid(c: FakeContainer): number {
  let h = 7;
  for (const ch of c.id + c.startedAt) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 1_000 + (h % 60_000);
}

/**
 * `State.Health`: the last five probes, oldest first, with times in the daemon's local zone. Once the
 * container stops (exited, dead, restarting) Docker reports `unhealthy` "for compatibility reasons"
 * (moby container/health.go CloseMonitorChannel) and keeps the probes from before the stop.
 */
function healthBody(c: FakeContainer, now: number) {
  const status = c.health as NonNullable<FakeContainer['health']>;
  const live = c.state === 'running' || c.state === 'paused';
  if (status === 'starting') return { Status: live ? status : 'unhealthy', FailingStreak: 0, Log: [] };
  const failing = status === 'unhealthy' ? 3 : 0;
  const lastEnd = live ? now - 17_000 : Date.parse(c.finishedAt) - 23_000;
  const binhex = /(^|\/)binhex\//.test(c.image);
  const Log = [4, 3, 2, 1, 0].map((ago) => {
    const failed = ago < failing;
    const end = lastEnd - ago * HEALTH_INTERVAL_MS;
    const start = end - (failed ? 61_842 : 1_187);
    return {
      Start: localIso(start, 529_588 + ago),
      End: localIso(end, 364_524 + ago),
      ExitCode: failed ? 1 : 0,
      Output: binhex ? binhexHealthOutput(!failed) : '',
    };
  });
  return { Status: live ? status : 'unhealthy', FailingStreak: failing, Log };
}

export function stateBody(c: FakeContainer, now = Date.now()) {
  const created = c.state === 'created';
  return {
    Status: c.state,
    Running: isUp(c),
    Paused: c.state === 'paused',
    Restarting: c.state === 'restarting',
    OOMKilled: c.oomKilled ?? false,
    Dead: c.state === 'dead',
    Pid: c.state === 'running' || c.state === 'paused' ? pid(c) : 0,
    ExitCode: c.exitCode,
    Error: c.error ?? '',
    StartedAt: created ? ZERO_TIME : c.startedAt,
    FinishedAt: created ? ZERO_TIME : c.finishedAt,
    ...(c.health && !created && { Health: healthBody(c, now) }),
  };
}

/** `GET /containers/{id}/json` (Engine API 1.47 ContainerInspectResponse). */
export function inspectBody(c: FakeContainer, withSize: boolean) {
  const p = containerProfile(c);
  const dir = `/var/lib/docker/containers/${c.id}`;
  const layer = `/var/lib/docker/overlay2/${c.id.slice(8)}${c.id.slice(0, 8)}`;
  const mounts = p.binds.map((b) => ({
    Type: 'bind',
    Source: b.source,
    Destination: b.destination,
    Mode: 'rw',
    RW: true,
    Propagation: 'rprivate',
  }));
  return {
    Id: c.id,
    Created: p.created,
    Path: p.path,
    Args: p.args,
    State: stateBody(c),
    Image: p.imageId,
    ResolvConfPath: `${dir}/resolv.conf`,
    HostnamePath: `${dir}/hostname`,
    HostsPath: `${dir}/hosts`,
    LogPath: `${dir}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      Binds: p.binds.map((b) => `${b.source}:${b.destination}:rw`),
      ContainerIDFile: '',
      LogConfig: { Type: 'json-file', Config: { 'max-file': '1', 'max-size': '50m' } },
      NetworkMode: p.networkMode,
      PortBindings: {},
      RestartPolicy: { Name: p.restartPolicy, MaximumRetryCount: 0 },
      AutoRemove: false,
      VolumeDriver: '',
      VolumesFrom: null,
      ConsoleSize: [0, 0],
      CapAdd: null,
      CapDrop: null,
      CgroupnsMode: 'private',
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      ExtraHosts: null,
      GroupAdd: null,
      IpcMode: 'private',
      Cgroup: '',
      Links: null,
      OomScoreAdj: 0,
      PidMode: '',
      Privileged: false,
      PublishAllPorts: false,
      ReadonlyRootfs: false,
      SecurityOpt: null,
      UTSMode: '',
      UsernsMode: '',
      ShmSize: 67108864,
      Runtime: 'runc',
      Isolation: '',
      CpuShares: 0,
      Memory: 0,
      NanoCpus: 0,
      CgroupParent: '',
      Devices: p.devices.map((d) => ({ PathOnHost: d, PathInContainer: d, CgroupPermissions: 'rwm' })),
      MemoryReservation: 0,
      MemorySwap: 0,
      PidsLimit: null,
      Ulimits: null,
      Init: null,
    },
    GraphDriver: {
      Data: {
        LowerDir: `${layer}-init/diff`,
        MergedDir: `${layer}/merged`,
        UpperDir: `${layer}/diff`,
        WorkDir: `${layer}/work`,
      },
      Name: 'overlay2',
    },
    ...(withSize && { SizeRw: 48_238_592, SizeRootFs: 1_653_948_416 }),
    Mounts: mounts,
    Config: {
      Hostname: p.hostname,
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: c.tty,
      OpenStdin: false,
      StdinOnce: false,
      Env: p.env,
      Cmd: p.cmd,
      ...(p.healthcheck && { Healthcheck: p.healthcheck }),
      Image: c.image,
      Volumes: null,
      WorkingDir: '',
      Entrypoint: p.entrypoint,
      OnBuild: null,
      Labels: p.labels,
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: `${c.id.slice(32)}${c.id.slice(0, 32)}`,
      SandboxKey:
        p.networkMode === 'host'
          ? '/var/run/docker/netns/default'
          : `/var/run/docker/netns/${c.id.slice(0, 12)}`,
      Ports: {},
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: { [p.networkMode]: endpoint(c, isUp(c)) },
    },
  };
}

function endpoint(c: FakeContainer, up: boolean) {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: '',
    DriverOpts: null,
    NetworkID: '8c0f6e2d4a1b3c5e7f9d0b2a4c6e8f1a3b5d7c9e0f2a4b6c8d1e3f5a7b9c0d2e',
    EndpointID: up ? `${c.id.slice(16)}${c.id.slice(0, 16)}` : '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** One entry of `GET /containers/json` (ContainerSummary). */
export function summaryBody(c: FakeContainer) {
  const p = containerProfile(c);
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: p.imageId,
    Command: [p.path, ...p.args].join(' '),
    Created: Math.floor(Date.parse(p.created) / 1000),
    Ports: [],
    Labels: p.labels,
    State: c.state,
    Status: statusText(c),
    HostConfig: { NetworkMode: p.networkMode },
    NetworkSettings: { Networks: { [p.networkMode]: endpoint(c, isUp(c)) } },
    Mounts: p.binds.map((b) => ({
      Type: 'bind',
      Source: b.source,
      Destination: b.destination,
      Mode: 'rw',
      RW: true,
      Propagation: 'rprivate',
    })),
  };
}

/** The human `Status` of `docker ps`, as moby's container.State.String() words it. */
export function statusText(c: FakeContainer, now = Date.now()): string {
  const since = (iso: string) => humanDuration(now - Date.parse(iso));
  if (isUp(c)) {
    if (c.state === 'paused') return `Up ${since(c.startedAt)} (Paused)`;
    if (c.state === 'restarting') return `Restarting (${c.exitCode}) ${since(c.finishedAt)} ago`;
    const health = c.health === 'starting' ? 'health: starting' : c.health;
    return `Up ${since(c.startedAt)}${health ? ` (${health})` : ''}`;
  }
  if (c.state === 'dead') return 'Dead';
  if (c.state === 'created') return 'Created';
  return `Exited (${c.exitCode}) ${since(c.finishedAt)} ago`;
}

/** github.com/docker/go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}
