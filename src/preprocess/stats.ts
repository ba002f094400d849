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
 * The finite values of `values`, copied into the shared scratch buffer (order kept). The returned
 * view is overwritten by the next call: use it before calling again. Callers may reorder it.
 */
export function finiteScratch(values: Float64Array): Float64Array {
  if (scratch.length < values.length) scratch = new Float64Array(Math.max(values.length, scratch.length * 2));
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) scratch[n++] = v;
  }
  return scratch.subarray(0, n);
}

/** `finiteScratch(values)` sorted ascending (same lifetime rule). */
export function sortedFinite(values: Float64Array): Float64Array {
  // TypedArray#sort without a comparator sorts numerically in native code. (A hand-written
  // quicksort and an LSD radix sort were both slower on Node 20 for ~400 varied values.)
  return finiteScratch(values).sort();
}

/** Hoare partition around the median of a[lo], a[mid], a[hi]: afterwards a[lo..j] <= a[j+1..hi]. */
function partition(a: Float64Array, lo: number, hi: number): number {
  const mid = (lo + hi) >> 1;
  if (a[mid] < a[lo]) swap(a, mid, lo);
  if (a[hi] < a[lo]) swap(a, hi, lo);
  if (a[hi] < a[mid]) swap(a, hi, mid);
  const pivot = a[mid];
  let i = lo - 1;
  let j = hi + 1;
  for (;;) {
    do i++;
    while (a[i] < pivot);
    do j--;
    while (a[j] > pivot);
    if (i >= j) return j;
    swap(a, i, j);
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * The k-th smallest (0-based) of NaN-free `a`, reordering `a` so that a[..k] <= a[k] <= a[k+1..]
 * (quickselect, expected O(n); falls back to sorting past a depth limit, so adversarial orders
 * cannot make it quadratic). Measured ~1.8x faster than a full sort for median + quartiles.
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let depth = 2 * Math.ceil(Math.log2(a.length + 1));
  while (hi > lo) {
    if (depth-- === 0) {
      a.subarray(lo, hi + 1).sort();
      break;
    }
    const split = partition(a, lo, hi);
    if (k <= split) hi = split;
    else lo = split + 1;
  }
  return a[k];
}

/** After `selectKth(a, k)`: the (k+1)-th smallest is the minimum of the right part. */
function nextAfterSelect(a: Float64Array, k: number): number {
  let min = a[k + 1];
  for (let i = k + 2; i < a.length; i++) if (a[i] < min) min = a[i];
  return min;
}

/** `quantileSorted` without sorting: two order statistics by selection (reorders `a`). */
export function quantileSelect(a: Float64Array, q: number): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const virtual = (n - 1) * q;
  if (virtual <= 0) return selectKth(a, 0);
  if (virtual >= n - 1) return selectKth(a, n - 1);
  const below = Math.floor(virtual);
  const t = virtual - below;
  const lower = selectKth(a, below);
  return lerp(lower, nextAfterSelect(a, below), t);
}

/** `medianSorted` without sorting (reorders `a`). */
export function medianSelect(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  if (n % 2 === 1) return selectKth(a, mid);
  const lower = selectKth(a, mid - 1);
  return (lower + nextAfterSelect(a, mid - 1)) / 2;
}

/** numpy's `_lerp`: interpolates from the nearer end, which keeps results monotone in t. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
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
  return lerp(sorted[below], sorted[below + 1], virtual - below);
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
  // Codes are non-decreasing in x, so at most bins - 1 thresholds describe them: one pass over
  // the sorted runs finds them, then each row scans those few thresholds (no per-row search).
  const thresholds = new Float64Array(bins);
  const codeFrom = new Int32Array(bins);
  let count = 0;
  let firstCode = 0;
  let previous = -1;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    const code = Math.min(bins - 1, Math.floor((bins * (start + end)) / (2 * n)));
    if (start === 0) firstCode = code;
    else if (code !== previous) {
      thresholds[count] = sorted[start];
      codeFrom[count++] = code;
    }
    previous = code;
    start = end;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = -1;
      continue;
    }
    let code = firstCode;
    for (let k = 0; k < count && v >= thresholds[k]; k++) code = codeFrom[k];
    out[i] = code;
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
