/**
 * What the card renderers take: plain numbers and names, and cover art as encoded image bytes (JPEG or PNG
 * as Plex sends it). A missing or unreadable image is drawn as a placeholder; rendering never fetches.
 */

export interface CardAlbum {
  /** Plex rating key: seeds the placeholder's colour. */
  key: string;
  title: string;
  year: number | undefined;
  played: number;
  total: number;
  cover?: Buffer;
}

export interface CompletionCardInput {
  artist: string;
  art?: Buffer;
  /** Whose listening it is, as the card says it: "You", a Plex user's name, "Everyone". */
  listener: string;
  played: number;
  total: number;
  plays: number;
  /** In the order to show them (the library's: by year). */
  albums: readonly CardAlbum[];
}

export interface BattleSide {
  name: string;
  played: number;
  total: number;
  plays: number;
  albumsCompleted: number;
}

export interface BattleAlbum {
  key: string;
  title: string;
  total: number;
  playedA: number;
  playedB: number;
  cover?: Buffer;
}

export interface BattleCardInput {
  artist: string;
  art?: Buffer;
  a: BattleSide;
  b: BattleSide;
  /** Decided by the caller (completion, then plays), so card and embed always agree; null = a tie. */
  winner: 'a' | 'b' | null;
  /** Albums to show head to head, most contested first. */
  albums: readonly BattleAlbum[];
}
