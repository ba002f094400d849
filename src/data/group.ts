import { AimassError } from '../core/errors.ts';
import { type Frame, getColumn, numericValues, sliceFrame, takeFrameRows } from './frame.ts';

/**
 * A frame whose rows are contiguous per key: entity i is rows `[offsets[i], offsets[i + 1])`
 * of `frame`, with key `keys[i]`. Rows with a missing key are not part of any entity and are
 * left out (`missingKeyRows` counts them).
 */
export interface GroupedFrame {
  readonly keys: readonly string[];
  readonly offsets: Int32Array;
  readonly frame: Frame;
  readonly missingKeyRows: number;
  /** True when the input was already grouped (and ordered) and `frame` is the input itself. */
  readonly reused: boolean;
}

export interface GroupOptions {
  /** Also order each entity's rows by this number/time column (stable; missing times last). Default: none. */
  timeColumn?: string;
}

/**
 * Groups rows by a category key column. If every key's rows are already contiguous (and, with
 * `timeColumn`, in time order) the input frame is returned as is, without copying; entities then
 * follow their order in the data. Otherwise rows are reordered by key code with one stable
 * counting sort (entities in dictionary order), then sorted by time within each entity if asked.
 */
export function groupByKey(frame: Frame, keyColumn: string, options: GroupOptions = {}): GroupedFrame {
  const column = getColumn(frame, keyColumn);
  if (column.type !== 'category') {
    throw new AimassError('DATA_INVALID', `key column "${keyColumn}" is ${column.type}, expected category`, {
      column: keyColumn,
      expected: 'category',
    });
  }
  const times = options.timeColumn === undefined ? null : numericValues(frame, options.timeColumn);
  const reused = groupRuns(column.codes, column.dictionary, times);
  if (reused) return { ...reused, frame, reused: true };

  const codes = column.codes;
  const n = frame.rowCount;
  const keyCount = column.dictionary.length;
  const counts = new Int32Array(keyCount + 1);
  let missingKeyRows = 0;
  for (let i = 0; i < n; i++) {
    if (codes[i] < 0) missingKeyRows++;
    else counts[codes[i] + 1]++;
  }
  // Keys that never occur (e.g. dictionary entries of dropped rows) get no entity.
  const keys: string[] = [];
  const keyOfCode = new Int32Array(keyCount).fill(-1);
  for (let code = 0; code < keyCount; code++) {
    if (counts[code + 1] > 0) {
      keyOfCode[code] = keys.length;
      keys.push(column.dictionary[code]);
    }
  }
  const offsets = new Int32Array(keys.length + 1);
  for (let code = 0; code < keyCount; code++) {
    const k = keyOfCode[code];
    if (k >= 0) offsets[k + 1] = counts[code + 1];
  }
  for (let k = 0; k < keys.length; k++) offsets[k + 1] += offsets[k];
  const next = offsets.slice(0, keys.length);
  const order = new Int32Array(n - missingKeyRows);
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code >= 0) order[next[keyOfCode[code]]++] = i;
  }
  if (times) for (let k = 0; k < keys.length; k++) sortByTime(order, offsets[k], offsets[k + 1], times);
  return { keys, offsets, frame: takeFrameRows(frame, order), missingKeyRows, reused: false };
}

/** Entity i's rows as a zero-copy view. */
export function entityFrame(grouped: GroupedFrame, index: number): Frame {
  if (!(index >= 0 && index < grouped.keys.length)) {
    throw new AimassError('NOT_FOUND', `no entity ${index} (there are ${grouped.keys.length})`, {
      row: index,
    });
  }
  return sliceFrame(grouped.frame, grouped.offsets[index], grouped.offsets[index + 1]);
}

/** Key → entity index, for lookups by key. */
export function entityIndex(grouped: GroupedFrame): Map<string, number> {
  return new Map(grouped.keys.map((key, i) => [key, i]));
}

/**
 * The runs of an already grouped column, or null when some key appears in two runs, a key is
 * missing, or (with `times`) a run is not in time order.
 */
function groupRuns(
  codes: Int32Array,
  dictionary: readonly string[],
  times: Float64Array | null,
): { keys: string[]; offsets: Int32Array; missingKeyRows: number } | null {
  const n = codes.length;
  const seen = new Uint8Array(dictionary.length);
  const starts: number[] = [];
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (i > 0 && code === codes[i - 1]) {
      if (times && compareTimes(times[i - 1], times[i]) > 0) return null;
      continue;
    }
    if (code < 0 || seen[code]) return null;
    seen[code] = 1;
    starts.push(i);
    keys.push(dictionary[code]);
  }
  const offsets = new Int32Array(keys.length + 1);
  for (let k = 0; k < starts.length; k++) offsets[k] = starts[k];
  offsets[keys.length] = n;
  return { keys, offsets, missingKeyRows: 0 };
}

/** Stable sort of order[start, end) by time (missing last); skipped when already ordered. */
function sortByTime(order: Int32Array, start: number, end: number, times: Float64Array): void {
  let sorted = true;
  for (let i = start + 1; i < end && sorted; i++) {
    if (compareTimes(times[order[i - 1]], times[order[i]]) > 0) sorted = false;
  }
  if (sorted) return;
  const part = Array.from(order.subarray(start, end));
  // Ties broken by row index: stable whatever the engine's sort.
  part.sort((a, b) => compareTimes(times[a], times[b]) || a - b);
  order.set(part, start);
}

/** Orders times with missing (NaN) last. */
function compareTimes(ta: number, tb: number): number {
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? 0 : 1;
  if (Number.isNaN(tb)) return -1;
  return ta - tb;
}
