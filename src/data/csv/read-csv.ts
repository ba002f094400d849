import { type ByteSource, type ReadResult, readBytes, readSource } from '../read-source.ts';
import { type CsvOptions, resolveCsvOptions } from './csv-options.ts';
import { CsvReader } from './csv-reader.ts';

/**
 * Reads a CSV file (path), buffer or byte stream into a frame plus a report of what was
 * rejected. Throws FILE_INVALID (unreadable or empty input, a row over `maxRowBytes`),
 * ROW_INVALID (only with `onBadValue: 'fail'`), PARAM_INVALID / SCHEMA_INVALID for bad options.
 */
export async function readCsv(source: ByteSource, options: CsvOptions = {}): Promise<ReadResult> {
  const resolved = resolveCsvOptions(options, typeof source === 'string' ? source : undefined);
  return readSource(source, resolved, (sizeHint) => new CsvReader(resolved, sizeHint));
}

/** Reads CSV bytes already in memory. */
export function readCsvSync(bytes: Uint8Array, options: CsvOptions = {}): ReadResult {
  const resolved = resolveCsvOptions(options);
  return readBytes(bytes, (sizeHint) => new CsvReader(resolved, sizeHint));
}

/** Reads CSV text (tests, small inline data). */
export function parseCsvText(text: string, options: CsvOptions = {}): ReadResult {
  return readCsvSync(Buffer.from(text, 'utf8'), options);
}
