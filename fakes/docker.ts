/** The Docker Engine fake (unix socket + TCP); the implementation lives in ./docker/. */
export { startDockerFake } from './docker/server.ts';
export type { DockerFakeOptions } from './docker/server.ts';
export type {
  ContainerStatus,
  DockerFake,
  DockerRequest,
  FakeContainer,
  FakeLogLine,
} from './docker/types.ts';
export {
  PLEX_CONTAINER_ID,
  PLEX_CONTAINER_NAME,
  plexContainer,
  plexCrashLogs,
  plexLogLines,
} from './docker/plex-container.ts';
export { frame } from './docker/logs.ts';
export { API_VERSION, ENGINE_VERSION } from './docker/engine.ts';
