// A fake Discord (REST + gateway) on 127.0.0.1 that the real discord.js client logs into, for end-to-end
// tests of the bot without network access. See /work/shared/notes/fake-discord.md for the research behind it.
export { startFakeDiscord } from './server.ts';
export { PERMISSIONS } from './guild.ts';
export type {
  FakeDiscord,
  FakeDiscordFailure,
  FakeDiscordOptions,
  InjectedInteraction,
  InjectOption,
  InjectUser,
  RecordedFile,
  RecordedPresence,
  RecordedRequest,
  StoredMessage,
} from './types.ts';
