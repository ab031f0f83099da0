/**
 * Plex's XML form of a JSON body: scalars become attributes (booleans "1"/"0", everything a string),
 * arrays become child elements. `Metadata` children take the element name XML really uses for the item
 * type (`Directory` for artists and albums, `Track`, `Playlist`, `Video`), as in the captured XML fixtures.
 */

const METADATA_ELEMENT: Record<string, string> = {
  artist: 'Directory',
  album: 'Directory',
  track: 'Track',
  playlist: 'Playlist',
  episode: 'Video',
  movie: 'Video',
};

const escape = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');

function element(name: string, node: Record<string, unknown>, depth: number): string {
  let attrs = '';
  const children: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      for (const child of value as Array<Record<string, unknown>>) {
        const childName = key === 'Metadata' ? (METADATA_ELEMENT[String(child.type)] ?? 'Directory') : key;
        children.push(element(childName, child, depth + 1));
      }
    } else if (value !== null && value !== undefined && typeof value !== 'object') {
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
      attrs += ` ${key}="${escape(text)}"`;
    }
  }
  const indent = '\t'.repeat(depth);
  if (children.length === 0) return `${indent}<${name}${attrs} />`;
  return `${indent}<${name}${attrs}>\n${children.join('\n')}\n${indent}</${name}>`;
}

export function toXml(body: { MediaContainer: Record<string, unknown> }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element('MediaContainer', body.MediaContainer, 0)}\n`;
}
