import { sortedFinite } from './quantiles.ts';

/**
 * Shared numeric kernels of the numeric preprocess steps, over flat Float64Arrays.
 * NaN rule: every statistic here skips non-finite values (NaN = missing, ±Infinity = not a
 * measurement), so a statistic is NaN only where a doc comment says so (no finite value at all).
 * Formulas follow numpy / scikit-learn so the sklearn fixtures match.
 */

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
