/** Byte helpers shared by the readers. Inputs are wrapped as Buffers (no copy) for fast UTF-8 decoding. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-8 text of bytes [start, end); invalid sequences become U+FFFD (never throws). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  return asBuffer(buf).toString('utf8', start, end);
}

/** Length of a UTF-8 byte-order mark at the start of `buf` (3 or 0). */
export function bomLength(buf: Uint8Array, start: number, end: number): number {
  return end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf
    ? 3
    : 0;
}

/** Joins a leftover tail with the next chunk. */
export function concatBytes(head: Uint8Array, tail: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}
