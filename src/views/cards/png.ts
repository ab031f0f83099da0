import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';
import type { Canvas } from '@napi-rs/canvas';

const deflateAsync = promisify(deflate);

/** zlib's level 3: about Skia's size for a card, at a fraction of its time (level 6 takes twice as long). */
const ZLIB_LEVEL = 3;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an opaque canvas as a PNG. Skia's encoder (`canvas.encode('png')`) spends ~200 ms of CPU on a
 * 1000×850 card, most of the 300 ms budget, trying every row filter at zlib's default level. Here rows go
 * unfiltered (one memcpy each: a per-pixel filter loop in JavaScript costs more than it saves) and zlib
 * compresses on the libuv pool, so the event loop is busy for about a millisecond. The canvas must be fully
 * opaque (every card paints its background first): its pixels are premultiplied, which equals straight
 * alpha only then.
 */
export async function encodeOpaquePng(canvas: Canvas): Promise<Buffer> {
  const { width, height } = canvas;
  const pixels = canvas.data();
  const stride = width * 4;
  const rows = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    rows[at] = 0; // filter type None
    pixels.copy(rows, at + 1, y * stride, (y + 1) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', await deflateAsync(rows, { level: ZLIB_LEVEL })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
