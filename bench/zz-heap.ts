import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { createLibraryIndex } from '../src/services/library/library-index.ts';
import { createPlexService } from '../src/services/plex/client.ts';
import { createSilentLogger } from '../src/logger.ts';
const n = Number(process.env.N ?? 25000);
const lib = generateLibrary({ artists: Math.round(n / 33.25), albumsPerArtist: [3, 4], tracksPerAlbum: [9, 10], seed: 1, includeFixtures: false });
const fake = await startPlexFake(lib);
const logger = createSilentLogger();
const plex = createPlexService({ baseUrl: fake.url, token: fake.token, timeoutMs: 60_000, logger });
const heap = () => { globalThis.gc?.(); globalThis.gc?.(); return process.memoryUsage().heapUsed / 2 ** 20; };
// warm the fake's views
await plex.walkSection(lib.sectionId, 10, () => undefined);
const before = heap();
const index = createLibraryIndex({ plex, logger, sections: [] });
const t = performance.now();
await index.refresh();
console.log('build ms', performance.now() - t, 'index heap MiB', heap() - before, 'per track B', ((heap() - before) * 2 ** 20) / lib.tracks.length);
await fake.close();
