/**
 * Shared numeric kernels of the numeric preprocess steps, over flat Float64Arrays.
 * NaN rule: every statistic here skips non-finite values (NaN = missing, ±Infinity = not a
 * measurement), so a statistic is NaN only where a doc comment says so (no finite value at all).
 * Formulas follow numpy / scikit-learn so the sklearn fixtures match.
 */

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
