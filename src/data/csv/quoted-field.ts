import { decodeUtf8 } from '../bytes.ts';

export const QUOTE = 34;
export const LF = 10;
export const CR = 13;

export const QUOTED_OK = 0;
/** The buffer ended inside the field and more data may come: re-read the row later (`next` is the end). */
export const QUOTED_INCOMPLETE = 1;
/** The input ended inside the quotes: the field runs to the end of input. */
export const QUOTED_UNTERMINATED = 2;

/** Result of `readQuotedField`, reused between calls (no allocation per field). */
export const quoted = { text: '', next: 0, newlines: 0, status: QUOTED_OK };

/**
 * Reads an RFC 4180 quoted field starting at the opening quote `buf[pos]`: doubled quotes are
 * one quote, delimiters and newlines inside are data. Text after the closing quote up to the next
 * delimiter or newline is kept literally (lenient, as spreadsheets do). Sets `quoted.next` to the
 * position of the delimiter / newline / end that ends the field.
 */
export function readQuotedField(
  buf: Uint8Array,
  pos: number,
  end: number,
  final: boolean,
  delimiter: number,
): number {
  let text = '';
  let newlines = 0;
  let p = pos + 1;
  let segment = p;
  for (;;) {
    while (p < end && buf[p] !== QUOTE) {
      if (buf[p] === LF) newlines++;
      p++;
    }
    if (p >= end) {
      if (!final) return setStatus(QUOTED_INCOMPLETE, '', end, newlines);
      return setStatus(QUOTED_UNTERMINATED, text + decodeUtf8(buf, segment, end), end, newlines);
    }
    if (p + 1 >= end && !final) return setStatus(QUOTED_INCOMPLETE, '', end, newlines);
    if (p + 1 < end && buf[p + 1] === QUOTE) {
      text += decodeUtf8(buf, segment, p + 1);
      p += 2;
      segment = p;
      continue;
    }
    text += decodeUtf8(buf, segment, p);
    p++;
    break;
  }
  const tail = p;
  while (p < end) {
    const c = buf[p];
    if (c === delimiter || c === LF || c === CR) break;
    p++;
  }
  if (p >= end && !final) return setStatus(QUOTED_INCOMPLETE, '', end, newlines);
  if (p > tail) text += decodeUtf8(buf, tail, p);
  return setStatus(QUOTED_OK, text, p, newlines);
}

function setStatus(status: number, text: string, next: number, newlines: number): number {
  quoted.status = status;
  quoted.text = text;
  quoted.next = next;
  quoted.newlines = newlines;
  return status;
}
