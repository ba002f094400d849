import { parseIsoTime } from './iso-time.ts';
import type { MissingMatcher } from './missing.ts';

/**
 * The slow, string-based cell parsers. The CSV byte fast path handles plain decimals itself and
 * falls back here for everything else (exponents, spaces, quoted cells, missing tokens), and
 * the JSON readers use these for string values, so every reader accepts the same texts.
 * Each returns the parsed value, `MISSING` for a missing token, or `BAD` for a non-missing token
 * the type cannot hold.
 */
export const MISSING = -1e308 * 10; // -Infinity: never produced by a valid parse below
export const BAD = Number.NaN;

// A plain decimal with optional exponent. Stricter than Number(): no hex, no '', no 'Infinity'
// (infinite values are useless to models and usually a upstream bug, so they are bad values).
const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** With `decimalComma`, `1,5` is 1.5 and a text holding a `.` is not a number. */
export function parseNumberText(text: string, missing: MissingMatcher, decimalComma = false): number {
  if (missing.isMissing(text)) return MISSING;
  let trimmed = text.trim();
  if (decimalComma) {
    if (trimmed.includes('.')) return BAD;
    trimmed = trimmed.replace(',', '.');
  }
  if (!NUMBER_PATTERN.test(trimmed)) return BAD;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : BAD;
}

/** 1 / 0 for the accepted spellings (true/false/yes/no/1/0, any case). */
export function parseBooleanText(text: string, missing: MissingMatcher): number {
  if (missing.isMissing(text)) return MISSING;
  switch (text.trim().toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return 1;
    case 'false':
    case 'no':
    case '0':
      return 0;
    default:
      return BAD;
  }
}

/** Epoch ms from an ISO-8601 text, or from an epoch number when `unit` is given. */
export function parseTimeText(
  text: string,
  unit: 'seconds' | 'milliseconds' | undefined,
  missing: MissingMatcher,
  decimalComma = false,
): number {
  if (missing.isMissing(text)) return MISSING;
  if (unit === undefined) {
    const ms = parseIsoTime(text.trim());
    return Number.isNaN(ms) ? BAD : ms;
  }
  const value = parseNumberText(text, missing, decimalComma);
  if (value === MISSING || Number.isNaN(value)) return value;
  const ms = unit === 'seconds' ? value * 1000 : value;
  return Number.isFinite(ms) ? ms : BAD;
}

/** True for the word spellings that make a column boolean on inference (0/1 alone stay numbers). */
export function isBooleanWord(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return lower === 'true' || lower === 'false' || lower === 'yes' || lower === 'no';
}
