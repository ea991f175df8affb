/** Minimal image files for tests: valid headers (what image-size reads), padded to a byte size. */
import jpegJs from 'jpeg-js';

const encodeJpeg = jpegJs.encode;

/** A baseline JPEG: SOI, a JFIF APP0, an SOF0 with the dimensions, padding, EOI. */
export function jpeg(width: number, height: number, bytes = 60_000): Uint8Array {
  const head = [
    0xff, 0xd8,
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  ];
  const out = new Uint8Array(Math.max(bytes, head.length + 2));
  out.set(head);
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}

/** A PNG header with its IHDR (dimensions), padded. */
export function png(width: number, height: number, bytes = 60_000): Uint8Array {
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...u32(13), 0x49, 0x48, 0x44, 0x52, ...u32(width), ...u32(height), 8, 2, 0, 0, 0, 0, 0, 0, 0];
  const out = new Uint8Array(Math.max(bytes, head.length));
  out.set(head);
  return out;
}

/**
 * A real, decodable JPEG (jpeg-js): a portrait on a background of `background` (RGB), with a
 * darker "person" in the middle and the bottom, padded with a comment segment to about `bytes`.
 */
export function portrait(width: number, height: number, background: [number, number, number], bytes = 0): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const person = Math.hypot((x - width / 2) / (width * 0.25), (y - height * 0.45) / (height * 0.22)) < 1 || (y > height * 0.7 && Math.abs(x - width / 2) < width * 0.4);
      const [r, g, b] = person ? [90, 60, 50] : background;
      data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255;
    }
  }
  const encoded = encodeJpeg({ data, width, height }, 90).data as Buffer;
  if (encoded.length >= bytes) return new Uint8Array(encoded);
  // A COM segment right after SOI pads the file to the size wanted.
  const pad = Math.min(bytes - encoded.length, 65_000);
  const com = Buffer.alloc(pad);
  com[0] = 0xff; com[1] = 0xfe; com.writeUInt16BE(pad - 2, 2);
  return new Uint8Array(Buffer.concat([encoded.subarray(0, 2), com, encoded.subarray(2)]));
}
