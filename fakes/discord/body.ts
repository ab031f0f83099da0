// Request bodies as discord.js sends them: JSON, or multipart/form-data with a `payload_json` part plus one
// `files[n]` part per upload. The JSON never carries file names, so names and sizes come from the parts.
import type { IncomingMessage } from 'node:http';
import { DiscordError } from './limits.ts';
import type { RecordedFile } from './types.ts';

export interface ParsedBody {
  json: unknown;
  files: RecordedFile[];
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DiscordError(400, 'The request body contains invalid JSON.', 50109);
  }
}

export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: null, files: [] };
  if (!contentType?.startsWith('multipart/form-data'))
    return { json: parseJson(raw.toString('utf8')), files: [] };
  // Node's fetch Request parses multipart for us, so the fake needs no multipart library.
  const form = await new Request('http://fake-discord.local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  let json: unknown = null;
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') json = parseJson(value);
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    const contentType = value.type === '' ? 'application/octet-stream' : value.type;
    files.push({ field, name: value.name, size: data.length, contentType, data });
  }
  return { json, files };
}
