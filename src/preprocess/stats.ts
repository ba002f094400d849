import type { BinaryReader } from '../core/binary.ts';
import { AimassError, paramError } from '../core/errors.ts';
import { type Column, type Frame, getColumn, withColumns } from '../data/frame.ts';
import type { FitContext } from './transformer.ts';

/**
 * Shared numeric kernels of the numeric preprocess steps, over flat Float64Arrays.
 * NaN rule: every statistic here skips non-finite values (NaN = missing, ±Infinity = not a
 * measurement), so a statistic is NaN only where a doc comment says so (no finite value at all).
 * Formulas follow numpy / scikit-learn so the sklearn fixtures match.
 */

const EPSILON = 2 ** -52;

// One scratch buffer per thread, reused by every fit: quantiles sort a copy of the finite values
// and millions of per-entity fits must not allocate a fresh array each time.
let scratch = new Float64Array(1024);

/**
 * The finite values of `values`, copied into the shared scratch buffer and sorted ascending.
 * The returned view is overwritten by the next call: use it before calling again.
 */
export function sortedFinite(values: Float64Array): Float64Array {
  if (scratch.length < values.length) scratch = new Float64Array(Math.max(values.length, scratch.length * 2));
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) scratch[n++] = v;
  }
  // TypedArray#sort without a comparator sorts numerically (no string conversion, no callbacks).
  return scratch.subarray(0, n).sort();
}

/**
 * numpy.percentile(method='linear') of an ascending array at q in [0, 1] (pass percent / 100, as
 * numpy does): linear interpolation at virtual index (n-1)q with numpy's two-sided lerp, so results
 * agree with numpy to the last bit. NaN for an empty array.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const virtual = (n - 1) * q;
  if (virtual <= 0) return sorted[0];
  if (virtual >= n - 1) return sorted[n - 1];
  const below = Math.floor(virtual);
  const t = virtual - below;
  const a = sorted[below];
  const b = sorted[below + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy.median of an ascending array: the middle value, or the mean of the two middle ones. */
export function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The most frequent value of an ascending array; ties go to the smallest (sklearn). */
export function modeSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  let best = sorted[0];
  let bestCount = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    run = i > 0 && sorted[i] === sorted[i - 1] ? run + 1 : 1;
    // Strictly greater: an equal count later in ascending order never replaces a smaller value.
    if (run > bestCount) {
      bestCount = run;
      best = sorted[i];
    }
  }
  return best;
}

/**
 * Count, mean and population variance (ddof 0) of the finite values, written to out[0..2].
 * The variance is sklearn's corrected two-pass form (sum of squared deviations minus the squared
 * sum of deviations / n), which cancels most of the rounding of the mean. Mean and variance are
 * NaN when there is no finite value.
 */
export function finiteMoments(values: Float64Array, out: Float64Array): void {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  const mean = sum / count;
  let squares = 0;
  let correction = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      const d = v - mean;
      correction += d;
      squares += d * d;
    }
  }
  out[0] = count;
  out[1] = count > 0 ? mean : Number.NaN;
  out[2] = count > 0 ? Math.max(0, (squares - (correction * correction) / count) / count) : Number.NaN;
}

/**
 * sklearn's `_is_constant_feature`: a variance this small is rounding noise of a constant column,
 * so dividing by its square root would blow noise up instead of scaling.
 */
export function isConstantVariance(variance: number, mean: number, count: number): boolean {
  const bound = count * EPSILON * variance + (count * mean * EPSILON) ** 2;
  return variance <= bound;
}

/** sklearn's `_handle_zeros_in_scale`: a spread below 10 ulp of 1 (or non-finite) becomes 1. */
export function safeScale(scale: number): number {
  return Number.isFinite(scale) && scale >= 10 * EPSILON ? scale : 1;
}

/**
 * Pearson correlation over the rows where both values are finite. 0 (not NaN) when fewer than two
 * such rows or either side is constant there; clamped to [-1, 1].
 */
export function pearson(x: Float64Array, y: Float64Array): number {
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      sumX += a;
      sumY += b;
      count++;
    }
  }
  if (count < 2) return 0;
  const meanX = sumX / count;
  const meanY = sumY / count;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const dx = a - meanX;
      const dy = b - meanY;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  if (!(sxx > 0 && syy > 0)) return 0;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.min(1, Math.max(-1, r));
}

/**
 * Correlation ratio η of a numeric x with a categorical y (codes 0..levels-1, negative = missing):
 * sqrt(between-group / total sum of squares), over rows with finite x and a known code. For two
 * levels it equals |point-biserial r|, so it ranks like |Pearson r| does for numeric targets.
 */
export function correlationRatio(x: Float64Array, codes: Int32Array, levels: number): number {
  const sums = new Float64Array(levels);
  const counts = new Float64Array(levels);
  let total = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const c = codes[i];
    if (c >= 0 && c < levels && Number.isFinite(v)) {
      sums[c] += v;
      counts[c]++;
      total += v;
      count++;
    }
  }
  if (count < 2) return 0;
  const mean = total / count;
  let within = 0;
  let all = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const c = codes[i];
    if (c >= 0 && c < levels && Number.isFinite(v)) {
      const d = v - mean;
      const e = v - sums[c] / counts[c];
      all += d * d;
      within += e * e;
    }
  }
  if (!(all > 0)) return 0;
  const ratio = 1 - within / all;
  return ratio <= 0 ? 0 : ratio >= 1 ? 1 : Math.sqrt(ratio);
}

/**
 * Equal-frequency binning by rank: code = floor(bins · midrank / n), where the midrank of x is the
 * mean of (count < x) and (count <= x) over the n finite values; -1 for non-finite x. Tied values
 * share a bin, and any value holding at least n / bins rows gets a bin no other such value shares
 * (a zero-inflated or binary column keeps its levels apart). Codes depend on ranks only, so the
 * mutual-information estimate is invariant to monotone rescaling, as true mutual information is.
 * Returns `bins` (some codes may be unused).
 */
export function quantileBinCodes(values: Float64Array, bins: number, out: Int32Array): number {
  const sorted = sortedFinite(values);
  const n = sorted.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = -1;
      continue;
    }
    let lo = 0; // first index with sorted[index] >= v
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const below = lo;
    hi = n; // first index with sorted[index] > v
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = Math.min(bins - 1, Math.floor((bins * (below + lo)) / (2 * n)));
  }
  return bins;
}

/**
 * Plug-in mutual information (nats) between two discrete codings, over rows where both codes are
 * >= 0: sum p(a,b) log(p(a,b) / (p(a) p(b))). 0 with fewer than two rows; never negative.
 */
export function discreteMutualInformation(
  a: Int32Array,
  levelsA: number,
  b: Int32Array,
  levelsB: number,
): number {
  const joint = new Float64Array(levelsA * levelsB);
  const countA = new Float64Array(levelsA);
  const countB = new Float64Array(levelsB);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x >= 0 && y >= 0 && x < levelsA && y < levelsB) {
      joint[x * levelsB + y]++;
      countA[x]++;
      countB[y]++;
      n++;
    }
  }
  if (n < 2) return 0;
  let mi = 0;
  for (let x = 0; x < levelsA; x++) {
    if (countA[x] === 0) continue;
    for (let y = 0; y < levelsB; y++) {
      const c = joint[x * levelsB + y];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (countA[x] * countB[y]));
    }
  }
  return Math.max(0, mi);
}

// ---- Column plumbing shared by the numeric steps ----

/**
 * The columns a numeric step works on: the `columns` param as given (each must be a number
 * column), or with `null` every number column except the context's target, key and time.
 */
export function resolveNumberColumns(
  owner: string,
  frame: Frame,
  columns: readonly string[] | null,
  context: FitContext,
): string[] {
  if (columns === null) {
    const names: string[] = [];
    for (const column of frame.columns) {
      if (column.type !== 'number') continue;
      if (column.name === context.target || column.name === context.key || column.name === context.time)
        continue;
      names.push(column.name);
    }
    return names;
  }
  if (new Set(columns).size !== columns.length)
    throw paramError(owner, 'columns', columns, 'a list of distinct column names');
  for (const name of columns) numberValues(owner, frame, name);
  return [...columns];
}

/** A number column's values; COLUMN_NOT_FOUND when absent, DATA_INVALID for another type. */
export function numberValues(owner: string, frame: Frame, name: string): Float64Array {
  const column = getColumn(frame, name);
  if (column.type !== 'number') {
    throw new AimassError('DATA_INVALID', `${owner}: column "${name}" is ${column.type}, expected number`, {
      column: name,
      expected: 'number',
    });
  }
  return column.values;
}

/**
 * Applies `kernel(j, input, output)` to every fitted column, each into a fresh array, and returns
 * a frame with those columns replaced in place (other columns shared, input never mutated).
 */
export function mapNumberColumns(
  owner: string,
  frame: Frame,
  names: readonly string[],
  kernel: (j: number, input: Float64Array, output: Float64Array) => void,
  extra: readonly Column[] = [],
): Frame {
  const replaced: Column[] = new Array(names.length);
  for (let j = 0; j < names.length; j++) {
    const input = numberValues(owner, frame, names[j]);
    const output = new Float64Array(input.length);
    kernel(j, input, output);
    replaced[j] = { type: 'number', name: names[j], values: output };
  }
  return withColumns(frame, extra.length === 0 ? replaced : [...replaced, ...extra]);
}

// ---- State codec helpers ----

/** Reads column names written with `writer.strings`; duplicates are corruption. */
export function readColumnNames(reader: BinaryReader): string[] {
  const names = reader.strings();
  if (new Set(names).size !== names.length) throw reader.corrupt('duplicate column names');
  return names;
}

/**
 * Reads a per-column statistic written with `writer.weights`: exactly `length` values, none NaN,
 * and finite unless `allowInfinite` (outlier bounds may be ±Infinity).
 */
export function readColumnStatistic(
  reader: BinaryReader,
  length: number,
  what: string,
  allowInfinite = false,
): Float64Array {
  const values = reader.weights();
  if (values.length !== length)
    throw reader.corrupt(`${what}: ${values.length} values for ${length} columns`);
  for (let j = 0; j < length; j++) {
    const v = values[j];
    if (Number.isNaN(v) || (!allowInfinite && !Number.isFinite(v)))
      throw reader.corrupt(`${what}[${j}] is ${v}`);
  }
  return values;
}
