import { categoryValue, type Frame } from '../data/frame.ts';

/** Quarantined raw text is cut to this many characters (every source, one limit). */
export const MAX_RAW_CHARS = 4096;
/** Rejected-row examples kept in a batch's report. */
export const MAX_EXAMPLES = 20;
/** Reader-rejected rows kept verbatim per batch (the rest are counted as dropped). */
export const MAX_QUARANTINE_ROWS_PER_BATCH = 100_000;

/** Raw text as stored: at most MAX_RAW_CHARS characters, with a mark when cut. */
export function truncateRaw(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}…` : raw;
}

/** One frame row as JSON text (times as ISO-8601), for the quarantine of rows rejected after reading. */
export function rowText(frame: Frame, row: number): string {
  const out: Record<string, unknown> = {};
  for (const column of frame.columns) {
    if (column.type === 'category') out[column.name] = categoryValue(column, row);
    else if (column.type === 'boolean')
      out[column.name] = column.values[row] < 0 ? null : column.values[row] === 1;
    else {
      const v = column.values[row];
      out[column.name] = Number.isNaN(v)
        ? null
        : column.type === 'time' && Math.abs(v) < 8.64e15
          ? new Date(v).toISOString()
          : v;
    }
  }
  return truncateRaw(JSON.stringify(out));
}
