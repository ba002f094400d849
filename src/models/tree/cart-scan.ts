import { ALL_FINITE } from './flat-trees.ts';

/** The best split found so far for the current node (one reused object keeps its shape monomorphic). */
export const best = { proxy: 0, feature: -1, threshold: 0, missingLeft: 0 };

/** x ln x with 0 ln 0 = 0 (entropy proxy). */
export function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/**
 * Regression (squared error) scan of one feature: maximises sklearn's proxy
 * sum_l² / w_l + sum_r² / w_r. Pass 0 puts NaN rows right (its last candidate sends every finite
 * value left); pass 1 starts with the NaN rows on the left.
 */
export function scanRegression(
  columns: Float64Array,
  col: number,
  order: Int32Array,
  base: number,
  start: number,
  nonMissingEnd: number,
  end: number,
  w: Float64Array,
  y: Float64Array,
  totalWeight: number,
  totalSum: number,
  minSamplesLeaf: number,
  f: number,
): void {
  const count = end - start;
  const missing = end - nonMissingEnd;
  let missingWeight = 0;
  let missingSum = 0;
  for (let p = nonMissingEnd; p < end; p++) {
    const i = order[base + p];
    missingWeight += w[i];
    missingSum += w[i] * y[i];
  }
  for (let pass = 0; pass < (missing > 0 ? 2 : 1); pass++) {
    let wl = pass === 1 ? missingWeight : 0;
    let sl = pass === 1 ? missingSum : 0;
    let cl = pass === 1 ? missing : 0;
    const lastCandidate = pass === 0 && missing > 0 ? nonMissingEnd : nonMissingEnd - 1;
    let xv = columns[col + order[base + start]];
    for (let p = start; p < lastCandidate; p++) {
      const i = order[base + p];
      const wi = w[i];
      wl += wi;
      sl += wi * y[i];
      cl++;
      let xn = Number.POSITIVE_INFINITY;
      if (p + 1 < nonMissingEnd) xn = columns[col + order[base + p + 1]];
      const current = xv;
      xv = xn;
      if (cl < minSamplesLeaf) continue;
      if (count - cl < minSamplesLeaf) break;
      if (!(xn > current)) continue;
      const sr = totalSum - sl;
      const wr = totalWeight - wl;
      // sl²/wl + sr²/wr > best  ⇔  sl²·wr + sr²·wl > best·wl·wr (weights > 0): no division per row.
      if (sl * sl * wr + sr * sr * wl <= best.proxy * wl * wr) continue;
      const proxy = (sl * sl) / wl + (sr * sr) / wr;
      if (proxy > best.proxy) {
        best.proxy = proxy;
        best.feature = f;
        best.threshold = splitThreshold(current, xn, p + 1 < nonMissingEnd);
        best.missingLeft = pass === 1 ? 1 : missing > 0 ? 0 : 2;
      }
    }
  }
}

/** Classification scan (gini or entropy proxy, updated in O(1) per row); passes as scanRegression. */
export function scanClassification(
  columns: Float64Array,
  col: number,
  order: Int32Array,
  base: number,
  start: number,
  nonMissingEnd: number,
  end: number,
  w: Float64Array,
  codes: Int32Array,
  classTotal: Float64Array,
  classMissing: Float64Array,
  classLeft: Float64Array,
  totalWeight: number,
  minSamplesLeaf: number,
  entropy: boolean,
  f: number,
): void {
  const count = end - start;
  const missing = end - nonMissingEnd;
  const outputs = classTotal.length;
  classMissing.fill(0);
  let missingWeight = 0;
  for (let p = nonMissingEnd; p < end; p++) {
    const i = order[base + p];
    missingWeight += w[i];
    classMissing[codes[i]] += w[i];
  }
  for (let pass = 0; pass < (missing > 0 ? 2 : 1); pass++) {
    let wl = pass === 1 ? missingWeight : 0;
    let cl = pass === 1 ? missing : 0;
    let sqL = 0;
    let sqR = 0;
    let entL = 0;
    let entR = 0;
    for (let k = 0; k < outputs; k++) {
      const c = pass === 1 ? classMissing[k] : 0;
      classLeft[k] = c;
      const r = classTotal[k] - c;
      sqL += c * c;
      sqR += r * r;
      if (entropy) {
        entL += xlogx(c);
        entR += xlogx(r);
      }
    }
    const lastCandidate = pass === 0 && missing > 0 ? nonMissingEnd : nonMissingEnd - 1;
    let xv = columns[col + order[base + start]];
    for (let p = start; p < lastCandidate; p++) {
      const i = order[base + p];
      const wi = w[i];
      const k = codes[i];
      const before = classLeft[k];
      const beforeRight = classTotal[k] - before;
      classLeft[k] = before + wi;
      sqL += 2 * before * wi + wi * wi;
      sqR += -2 * beforeRight * wi + wi * wi;
      if (entropy) {
        entL += xlogx(before + wi) - xlogx(before);
        entR += xlogx(beforeRight - wi) - xlogx(beforeRight);
      }
      wl += wi;
      cl++;
      let xn = Number.POSITIVE_INFINITY;
      if (p + 1 < nonMissingEnd) xn = columns[col + order[base + p + 1]];
      const current = xv;
      xv = xn;
      if (cl < minSamplesLeaf) continue;
      if (count - cl < minSamplesLeaf) break;
      if (!(xn > current)) continue;
      const wr = totalWeight - wl;
      // gini: maximise Σc_l²/w_l + Σc_r²/w_r; entropy: maximise -(w_l H_l + w_r H_r) (in nats).
      if (!entropy && sqL * wr + sqR * wl <= best.proxy * wl * wr) continue;
      const proxy = entropy ? entL - xlogx(wl) + entR - xlogx(wr) : sqL / wl + sqR / wr;
      if (proxy > best.proxy) {
        best.proxy = proxy;
        best.feature = f;
        best.threshold = splitThreshold(current, xn, p + 1 < nonMissingEnd);
        best.missingLeft = pass === 1 ? 1 : missing > 0 ? 0 : 2;
      }
    }
  }
}

/** sklearn's midpoint rule (falls back to the lower value when the midpoint rounds up to the upper). */
function splitThreshold(lower: number, upper: number, finiteUpper: boolean): number {
  if (!finiteUpper) return ALL_FINITE;
  const mid = (lower + upper) / 2;
  return mid === upper || !Number.isFinite(mid) ? lower : mid;
}
