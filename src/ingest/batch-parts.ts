import type { BatchFormat } from './batch-formats.ts';

/** One part of a file, sent as its own batch. */
export interface BatchPart {
  readonly bytes: Uint8Array;
  /** 1-based line in the file of the part's first data row. */
  readonly firstLine: number;
  /** Lines of the part before its first data row (1 for a CSV part's repeated header, else 0). */
  readonly headerLines: number;
}

const LF = 0x0a;
const QUOTE = 0x22;

/**
 * Cuts a CSV or NDJSON file into parts of about `maxBytes` at record boundaries (a CSV newline
 * inside quotes is not a boundary); each CSV part repeats the header line, so each part reads on
 * its own with the same columns. A JSON array is one part.
 */
export function splitBatchBytes(bytes: Uint8Array, format: BatchFormat, maxBytes: number): BatchPart[] {
  if (format === 'json' || bytes.length <= maxBytes)
    return [{ bytes, firstLine: format === 'csv' ? 2 : 1, headerLines: format === 'csv' ? 1 : 0 }];
  const csv = format === 'csv';
  let header: Uint8Array = new Uint8Array(0);
  let start = 0;
  let line = 1;
  let quoted = false;
  if (csv) {
    const end = recordEnd(bytes, 0);
    header = bytes.subarray(0, end);
    start = end;
    line = 1 + countLines(header);
  }
  const parts: BatchPart[] = [];
  let partStart = start;
  let partLine = line;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (csv && c === QUOTE) quoted = !quoted;
    else if (c === LF) {
      line++;
      if (!quoted && i + 1 - partStart >= maxBytes) {
        parts.push(part(header, bytes.subarray(partStart, i + 1), partLine, csv));
        partStart = i + 1;
        partLine = line;
      }
    }
  }
  if (partStart < bytes.length) parts.push(part(header, bytes.subarray(partStart), partLine, csv));
  return parts;
}

function part(header: Uint8Array, body: Uint8Array, firstLine: number, csv: boolean): BatchPart {
  if (!csv) return { bytes: body, firstLine, headerLines: 0 };
  const bytes = new Uint8Array(header.length + body.length);
  bytes.set(header, 0);
  bytes.set(body, header.length);
  return { bytes, firstLine, headerLines: countLines(header) };
}

/** End (exclusive, after its newline) of the CSV record starting at `start`. */
function recordEnd(bytes: Uint8Array, start: number): number {
  let quoted = false;
  for (let i = start; i < bytes.length; i++) {
    if (bytes[i] === QUOTE) quoted = !quoted;
    else if (bytes[i] === LF && !quoted) return i + 1;
  }
  return bytes.length;
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === LF) n++;
  return n;
}
