import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { asBuffer, concatBytes } from '../bytes.ts';
import type { Frame } from '../frame.ts';
import type { ReadReport } from '../read-report.ts';
import { type CsvOptions, type ResolvedCsvOptions, resolveCsvOptions } from './csv-options.ts';
import { CsvReader } from './csv-reader.ts';

export interface ReadResult {
  frame: Frame;
  report: ReadReport;
}

/** Where data comes from: a file path, bytes already in memory, or a stream of byte chunks (HTTP body). */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Reads a CSV file, buffer or byte stream into a frame plus a report of what was rejected.
 * Files are read in `chunkBytes` chunks; memory is the frame plus one chunk.
 * Throws FILE_INVALID (unreadable or empty input, oversized row) and ROW_INVALID (only with
 * `onBadValue: 'fail'`); PARAM_INVALID / SCHEMA_INVALID for bad options.
 */
export async function readCsv(source: ByteSource, options: CsvOptions = {}): Promise<ReadResult> {
  if (source instanceof Uint8Array) return readCsvSync(source, options);
  if (typeof source === 'string') {
    const resolved = resolveCsvOptions(options, source);
    let size: number;
    try {
      size = (await stat(source)).size;
    } catch (error) {
      throw fileError(resolved.fileName, error);
    }
    const stream = createReadStream(source, { highWaterMark: resolved.chunkBytes });
    return readChunks(stream, resolved, size);
  }
  return readChunks(source, resolveCsvOptions(options));
}

/** Reads CSV bytes already in memory. */
export function readCsvSync(bytes: Uint8Array, options: CsvOptions = {}): ReadResult {
  const reader = new CsvReader(resolveCsvOptions(options), bytes.length);
  reader.push(asBuffer(bytes), true);
  return reader.finish(bytes.length);
}

/** Reads CSV text (tests, small inline data). */
export function parseCsvText(text: string, options: CsvOptions = {}): ReadResult {
  return readCsvSync(Buffer.from(text, 'utf8'), options);
}

async function readChunks(
  chunks: AsyncIterable<Uint8Array>,
  options: Readonly<ResolvedCsvOptions>,
  sizeHint?: number,
): Promise<ReadResult> {
  const reader = new CsvReader(options, sizeHint);
  let carry: Buffer | null = null;
  let total = 0;
  try {
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array)) {
        throw new AimassError(
          'FILE_INVALID',
          `${options.fileName}: the byte stream yielded a ${typeof chunk}, not bytes`,
          {
            file: options.fileName,
          },
        );
      }
      if (chunk.length === 0) continue;
      total += chunk.length;
      const buf: Buffer = carry ? concatBytes(carry, chunk) : asBuffer(chunk);
      const used = reader.push(buf, false);
      // Copy the unfinished tail: the producer may reuse its chunk buffer.
      carry = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
      if (carry && carry.length > options.maxRowBytes) {
        throw new AimassError(
          'FILE_INVALID',
          `${options.fileName}:${reader.nextLine}: a row is longer than maxRowBytes (${options.maxRowBytes} bytes); is a quote left open?`,
          {
            file: options.fileName,
            line: reader.nextLine,
            expected: `rows under ${options.maxRowBytes} bytes`,
          },
        );
      }
    }
  } catch (error) {
    if (isAimassError(error)) throw error;
    throw fileError(options.fileName, error);
  }
  reader.push(carry ?? Buffer.alloc(0), true);
  return reader.finish(total);
}

function fileError(file: string, error: unknown): AimassError {
  const detail = error instanceof Error ? error.message : String(error);
  return new AimassError('FILE_INVALID', `${file}: cannot read: ${detail}`, { file }, { cause: error });
}
