import type { Matrix } from '../../core/matrix.ts';

/** Bin index of NaN for every feature (real bins are 0..254); histograms use a stride of 256 bins. */
export const MISSING_BIN = 255;
export const BIN_STRIDE = 256;

/**
 * Per-feature bin edges (sklearn's `_BinMapper`): feature f's thresholds are
 * edges[offsets[f] .. offsets[f + 1]), strictly increasing; x falls in bin b = #{edges < x}, so
 * bin(x) <= b exactly when x <= edge[b]. That lets split thresholds be stored in raw units.
 */
export interface BinEdges {
  readonly edges: Float64Array;
  readonly offsets: Int32Array;
}

let valueScratch = new Float64Array(0);

/**
 * sklearn's `_find_binning_thresholds`: at most `maxBins` distinct values give midpoints between
 * them; more give the (maxBins - 1) percentiles (numpy 'midpoint' method) of the non-missing values,
 * duplicates removed. NaN is ignored here and gets MISSING_BIN.
 */
export function fitBinEdges(X: Matrix, maxBins: number): BinEdges {
  const { rows, cols, data } = X;
  if (valueScratch.length < rows) valueScratch = new Float64Array(rows);
  const values = valueScratch;
  const edges = new Float64Array(cols * (maxBins - 1));
  const offsets = new Int32Array(cols + 1);
  let at = 0;
  for (let f = 0; f < cols; f++) {
    offsets[f] = at;
    let n = 0;
    for (let i = 0; i < rows; i++) {
      const x = data[i * cols + f];
      if (!Number.isNaN(x)) values[n++] = x;
    }
    const sorted = values.subarray(0, n).sort();
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    if (distinct <= maxBins) {
      let previous = sorted[0];
      for (let i = 1; i < n; i++) {
        const x = sorted[i];
        if (x !== previous) {
          edges[at++] = midpoint(previous, x);
          previous = x;
        }
      }
    } else {
      const step = 100 / maxBins; // numpy.linspace(0, 100, maxBins + 1)
      for (let k = 1; k < maxBins; k++) {
        const virtual = ((k * step) / 100) * (n - 1);
        const low = Math.floor(virtual);
        const edge =
          virtual - low === 0 ? sorted[low] : 0.5 * (sorted[low] + sorted[Math.min(low + 1, n - 1)]);
        if (at === offsets[f] || edge > edges[at - 1]) edges[at++] = edge;
      }
    }
  }
  offsets[cols] = at;
  return { edges: edges.slice(0, at), offsets };
}

/** (a + b) / 2 without overflow for huge finite values. */
function midpoint(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  return Number.isFinite(mid) ? mid : a / 2 + b / 2;
}

/** Real bins of feature f (its missing values use MISSING_BIN). */
export function binCount(bins: BinEdges, f: number): number {
  return bins.offsets[f + 1] - bins.offsets[f] + 1;
}

/**
 * Column-major binned copy of X (feature f of row i at f * rows + i): histogram building reads one
 * feature for a list of rows, so each feature's bins are contiguous.
 */
export function binColumns(X: Matrix, bins: BinEdges, out: Uint8Array): Uint8Array {
  const { rows, cols, data } = X;
  const { edges, offsets } = bins;
  for (let f = 0; f < cols; f++) {
    const lo0 = offsets[f];
    const hi0 = offsets[f + 1];
    const base = f * rows;
    for (let i = 0; i < rows; i++) {
      const x = data[i * cols + f];
      if (Number.isNaN(x)) {
        out[base + i] = MISSING_BIN;
        continue;
      }
      let lo = lo0;
      let hi = hi0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      out[base + i] = lo - lo0;
    }
  }
  return out;
}
