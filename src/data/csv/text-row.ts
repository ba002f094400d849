import { decodeUtf8 } from '../bytes.ts';
import {
  CR,
  LF,
  QUOTE,
  QUOTED_INCOMPLETE,
  QUOTED_UNTERMINATED,
  quoted,
  readQuotedField,
} from './quoted-field.ts';

/** One row as strings: used for the header and the inference sample, never on the hot path. */
export interface TextRow {
  fields: string[];
  /** Position after the row's newline. */
  next: number;
  /** Position of the row's newline (end of its raw text). */
  contentEnd: number;
  /** Newlines inside quoted fields (the row spans 1 + this many lines). */
  newlines: number;
  unterminated: boolean;
}

/** Reads the row at `pos`, or returns null when it is not complete in `buf` and more data may come. */
export function readTextRow(
  buf: Uint8Array,
  pos: number,
  end: number,
  final: boolean,
  delimiter: number,
): TextRow | null {
  const fields: string[] = [];
  let newlines = 0;
  let unterminated = false;
  for (;;) {
    let fieldEnd: number;
    if (pos < end && buf[pos] === QUOTE) {
      const status = readQuotedField(buf, pos, end, final, delimiter);
      if (status === QUOTED_INCOMPLETE) return null;
      if (status === QUOTED_UNTERMINATED) unterminated = true;
      fields.push(quoted.text);
      newlines += quoted.newlines;
      fieldEnd = quoted.next;
    } else {
      fieldEnd = pos;
      while (fieldEnd < end) {
        const c = buf[fieldEnd];
        if (c === delimiter || c === LF || c === CR) break;
        fieldEnd++;
      }
      fields.push(decodeUtf8(buf, pos, fieldEnd));
    }
    if (fieldEnd >= end) {
      if (!final) return null;
      return { fields, next: end, contentEnd: end, newlines, unterminated };
    }
    const c = buf[fieldEnd];
    if (c === delimiter) {
      pos = fieldEnd + 1;
      continue;
    }
    let next = fieldEnd + 1;
    if (c === CR) {
      if (next >= end && !final) return null;
      if (next < end && buf[next] === LF) next++;
    }
    return { fields, next, contentEnd: fieldEnd, newlines, unterminated };
  }
}

const CANDIDATES = [44, 59, 9]; // ',', ';', '\t': ties go to the earlier one

/**
 * The delimiter of a header line: whichever of `,` `;` tab occurs most often outside quotes on the
 * first line (`,` when none does). Returns -1 when the first line is not complete yet.
 */
export function detectDelimiter(buf: Uint8Array, pos: number, end: number, final: boolean): number {
  const counts = [0, 0, 0];
  let inQuotes = false;
  let p = pos;
  for (; p < end; p++) {
    const c = buf[p];
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === LF || c === CR) break;
      if (c === 44) counts[0]++;
      else if (c === 59) counts[1]++;
      else if (c === 9) counts[2]++;
    }
  }
  if (p >= end && !final) return -1;
  let best = 0;
  for (let i = 1; i < 3; i++) if (counts[i] > counts[best]) best = i;
  return CANDIDATES[best];
}
