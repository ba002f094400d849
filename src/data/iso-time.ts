/**
 * Strict ISO-8601 timestamps to epoch milliseconds (UTC), parsed from bytes so the CSV fast path
 * allocates nothing: `YYYY-MM-DD`, optionally followed by `T`/`t`/space, `HH:MM[:SS[.fraction]]`
 * and `Z` or an offset `±HH[:MM]` / `±HHMM`. A time without zone is taken as UTC. Anything else
 * (including out-of-range fields such as month 13 or Feb 30) gives NaN: we never guess formats
 * the way `Date.parse` does.
 */
export function parseIsoTimeBytes(b: ArrayLike<number>, start: number, end: number): number {
  let p = start;
  while (p < end && b[p] === 32) p++;
  while (end > p && b[end - 1] === 32) end--;
  if (end - p < 10) return Number.NaN;
  const year = digits(b, p, 4);
  if (year < 0 || b[p + 4] !== 45) return Number.NaN;
  const month = digits(b, p + 5, 2);
  if (month < 1 || month > 12 || b[p + 7] !== 45) return Number.NaN;
  const day = digits(b, p + 8, 2);
  if (day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  p += 10;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (p === end) return ms;
  const sep = b[p];
  if (sep !== 84 && sep !== 116 && sep !== 32) return Number.NaN;
  if (end - p < 6) return Number.NaN;
  const hour = digits(b, p + 1, 2);
  if (hour < 0 || hour > 23 || b[p + 3] !== 58) return Number.NaN;
  const minute = digits(b, p + 4, 2);
  if (minute < 0 || minute > 59) return Number.NaN;
  ms += hour * 3_600_000 + minute * 60_000;
  p += 6;
  if (p < end && b[p] === 58) {
    const second = digits(b, p + 1, 2);
    if (second < 0 || second > 59 || p + 3 > end) return Number.NaN;
    ms += second * 1000;
    p += 3;
    if (p < end && (b[p] === 46 || b[p] === 44)) {
      p++;
      let scale = 100;
      const fractionStart = p;
      while (p < end && b[p] >= 48 && b[p] <= 57) {
        // Digits beyond milliseconds are truncated: epoch ms is the frame's resolution.
        ms += (b[p] - 48) * scale;
        scale /= 10;
        if (scale < 1) scale = 0;
        p++;
      }
      if (p === fractionStart) return Number.NaN;
    }
  }
  if (p === end) return ms;
  const zone = b[p];
  if ((zone === 90 || zone === 122) && p + 1 === end) return ms;
  if (zone !== 43 && zone !== 45) return Number.NaN;
  const offsetHours = digits(b, p + 1, 2);
  if (offsetHours < 0 || offsetHours > 23 || p + 3 > end) return Number.NaN;
  p += 3;
  let offsetMinutes = 0;
  if (p < end) {
    if (b[p] === 58) p++;
    offsetMinutes = digits(b, p, 2);
    if (offsetMinutes < 0 || offsetMinutes > 59 || p + 2 !== end) return Number.NaN;
  }
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === 43 ? ms - offsetMs : ms + offsetMs;
}

const scratch = new Uint8Array(64);

/** The same rules on a string (quoted CSV cells, JSON values). */
export function parseIsoTime(text: string): number {
  const n = text.length;
  if (n > scratch.length) return Number.NaN;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return Number.NaN;
    scratch[i] = c;
  }
  return parseIsoTimeBytes(scratch, 0, n);
}

/** n decimal digits at p as an integer, or -1 if any is not a digit (or out of bounds). */
function digits(b: ArrayLike<number>, p: number, n: number): number {
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = (b[p + i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm, exact integers). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
