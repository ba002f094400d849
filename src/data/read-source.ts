import { open } from 'node:fs/promises';
import { AimassError, isAimassError } from '../core/errors.ts';
import { asBuffer, concatBytes } from './bytes.ts';
import type { Frame } from './frame.ts';
import type { ReadReport } from './read-report.ts';

export interface ReadResult {
  frame: Frame;
  report: ReadReport;
}

/** Where data comes from: a file path, bytes already in memory, or a stream of byte chunks (HTTP body). */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array>;

/** A reader fed buffers: `push` returns how many bytes it used; the unused tail comes back with more data. */
export interface PushReader {
  push(buf: Buffer, final: boolean): number;
  finish(bytesRead: number): ReadResult;
  /** Line of the next unread row, for the oversized-row message. */
  readonly nextLine: number;
}

export interface SourceLimits {
  fileName: string;
  chunkBytes: number;
  maxRowBytes: number;
}

/**
 * Drives a push reader over any source. Files are streamed in `chunkBytes` reads (memory: the
 * frame plus about one chunk); the reader gets the file size to size its columns once.
 */
export async function readSource(
  source: ByteSource,
  limits: SourceLimits,
  createReader: (sizeHint: number | undefined) => PushReader,
): Promise<ReadResult> {
  if (source instanceof Uint8Array) return readBytes(source, createReader);
  if (typeof source === 'string') return readFile(source, limits, createReader);
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source)) {
    throw new AimassError(
      'FILE_INVALID',
      `${limits.fileName}: the source is not a path, bytes or an async iterable of bytes`,
      {
        file: limits.fileName,
      },
    );
  }
  return pump(source, limits, createReader(undefined));
}

/** Bytes already in memory: one push. */
export function readBytes(bytes: Uint8Array, createReader: (sizeHint: number) => PushReader): ReadResult {
  const reader = createReader(bytes.length);
  reader.push(asBuffer(bytes), true);
  return reader.finish(bytes.length);
}

/**
 * Reads a file through one reused buffer: the unfinished row is moved to the front and the next
 * chunk read behind it, so no chunk is copied or allocated per read (readers copy what they keep).
 */
async function readFile(
  path: string,
  limits: SourceLimits,
  createReader: (sizeHint: number | undefined) => PushReader,
): Promise<ReadResult> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const reader = createReader((await handle.stat()).size);
    let buf = Buffer.allocUnsafe(limits.chunkBytes * 2);
    let carry = 0;
    let total = 0;
    for (;;) {
      if (buf.length - carry < limits.chunkBytes) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, carry + limits.chunkBytes));
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, carry, limits.chunkBytes, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      const filled = carry + bytesRead;
      const used = reader.push(buf.subarray(0, filled), false);
      carry = filled - used;
      if (carry > limits.maxRowBytes) throw oversizedRow(limits, reader);
      if (carry > 0 && used > 0) buf.copyWithin(0, used, filled);
    }
    reader.push(buf.subarray(0, carry), true);
    return reader.finish(total);
  } catch (error) {
    if (isAimassError(error)) throw error;
    throw fileError(limits.fileName, error);
  } finally {
    await handle?.close();
  }
}

async function pump(
  chunks: AsyncIterable<Uint8Array>,
  limits: SourceLimits,
  reader: PushReader,
): Promise<ReadResult> {
  let carry: Buffer | null = null;
  let total = 0;
  try {
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array)) {
        throw new AimassError(
          'FILE_INVALID',
          `${limits.fileName}: the byte stream yielded a ${typeof chunk}, not bytes`,
          {
            file: limits.fileName,
          },
        );
      }
      if (chunk.length === 0) continue;
      total += chunk.length;
      const buf: Buffer = carry ? concatBytes(carry, chunk) : asBuffer(chunk);
      const used = reader.push(buf, false);
      // Copy the unfinished tail: the producer may reuse its chunk buffer.
      carry = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
      if (carry && carry.length > limits.maxRowBytes) {
        throw new AimassError(
          'FILE_INVALID',
          `${limits.fileName}:${reader.nextLine}: a row is longer than maxRowBytes (${limits.maxRowBytes} bytes); is a quote left open?`,
          {
            file: limits.fileName,
            line: reader.nextLine,
            expected: `rows under ${limits.maxRowBytes} bytes`,
          },
        );
      }
    }
  } catch (error) {
    if (isAimassError(error)) throw error;
    throw fileError(limits.fileName, error);
  }
  reader.push(carry ?? Buffer.alloc(0), true);
  return reader.finish(total);
}

function oversizedRow(limits: SourceLimits, reader: PushReader): AimassError {
  return new AimassError(
    'FILE_INVALID',
    `${limits.fileName}:${reader.nextLine}: a row is longer than maxRowBytes (${limits.maxRowBytes} bytes); is a quote left open?`,
    { file: limits.fileName, line: reader.nextLine, expected: `rows under ${limits.maxRowBytes} bytes` },
  );
}

export function fileError(file: string, error: unknown): AimassError {
  const detail = error instanceof Error ? error.message : String(error);
  return new AimassError('FILE_INVALID', `${file}: cannot read: ${detail}`, { file }, { cause: error });
}
