import { AimassError } from '../core/errors.ts';
import { type Column, type Frame, getColumn, numericValues, sliceFrame } from './frame.ts';

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
  // destination[i] = where source row i goes (-1: missing key). Rows are then scattered, reading
  // the source in order: each entity's writes are sequential, so this stays in cache where a
  // gather (takeFrameRows) would miss on nearly every read of a shuffled input.
  const next = offsets.slice(0, keys.length);
  const destination = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    destination[i] = code >= 0 ? next[keyOfCode[code]]++ : -1;
  }
  const grouped = scatterRows(frame, destination, n - missingKeyRows);
  if (options.timeColumn !== undefined) {
    sortEntitiesByTime(grouped, offsets, numericValues(grouped, options.timeColumn));
  }
  return { keys, offsets, frame: grouped, missingKeyRows, reused: false };
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

/**
 * Sorts each entity's rows of a freshly scattered (so not shared) frame by time, in place:
 * stable, missing times last. Works on contiguous segments so it stays in cache; entities
 * already in order, the usual case for sensor data, cost one comparison per row.
 */
function sortEntitiesByTime(frame: Frame, offsets: Int32Array, times: Float64Array): void {
  let longest = 0;
  for (let k = 0; k + 1 < offsets.length; k++) longest = Math.max(longest, offsets[k + 1] - offsets[k]);
  const scratch = new Float64Array(longest);
  const order = new Int32Array(longest);
  const merged = new Int32Array(longest);
  for (let k = 0; k + 1 < offsets.length; k++) {
    const start = offsets[k];
    const end = offsets[k + 1];
    let sorted = true;
    for (let j = start + 1; j < end && sorted; j++)
      if (compareTimes(times[j - 1], times[j]) > 0) sorted = false;
    if (sorted) continue;
    const length = end - start;
    const ranked = sortPositionsByTime(times.subarray(start, end), order.subarray(0, length), merged);
    for (const column of frame.columns) {
      const values = column.type === 'category' ? column.codes : column.values;
      for (let j = 0; j < length; j++) scratch[j] = values[start + ranked[j]];
      for (let j = 0; j < length; j++) values[start + j] = scratch[j];
    }
  }
}

/**
 * Positions 0..n-1 ordered by `times` (missing last), stable: a bottom-up merge sort on typed
 * arrays (no comparator closures). Returns whichever of `order` / `spare` holds the result.
 */
function sortPositionsByTime(times: Float64Array, order: Int32Array, spare: Int32Array): Int32Array {
  const n = times.length;
  for (let j = 0; j < n; j++) order[j] = j;
  let from = order;
  let to = spare;
  for (let width = 1; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let a = left;
      let b = middle;
      let out = left;
      // `<=` takes from the left run on ties: that is what keeps the sort stable.
      while (a < middle && b < right)
        to[out++] = compareTimes(times[from[a]], times[from[b]]) <= 0 ? from[a++] : from[b++];
      while (a < middle) to[out++] = from[a++];
      while (b < right) to[out++] = from[b++];
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}

/** A new frame with source row i at `destination[i]` (rows with -1 dropped). */
function scatterRows(frame: Frame, destination: Int32Array, rows: number): Frame {
  const n = destination.length;
  const columns = frame.columns.map((column): Column => {
    if (column.type === 'category') {
      const source = column.codes;
      const codes = new Int32Array(rows);
      for (let i = 0; i < n; i++) if (destination[i] >= 0) codes[destination[i]] = source[i];
      return { ...column, codes };
    }
    if (column.type === 'boolean') {
      const source = column.values;
      const values = new Int8Array(rows);
      for (let i = 0; i < n; i++) if (destination[i] >= 0) values[destination[i]] = source[i];
      return { ...column, values };
    }
    const source = column.values;
    const values = new Float64Array(rows);
    for (let i = 0; i < n; i++) if (destination[i] >= 0) values[destination[i]] = source[i];
    return { ...column, values };
  });
  return { rowCount: rows, columns };
}

/** Orders times with missing (NaN) last. */
function compareTimes(ta: number, tb: number): number {
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? 0 : 1;
  if (Number.isNaN(tb)) return -1;
  return ta - tb;
}
