import { BIN_STRIDE, MISSING_BIN } from './hgb-binning.ts';
import type { GrowerData } from './hgb-grower.ts';

/** sklearn's min_hessian_to_split: each child needs at least this hessian. */
export const MIN_HESSIAN = 1e-3;

// Gradients gathered in node order, and the histogram buffers (a free list reused across fits).
let orderedGradients = new Float64Array(0);
let orderedHessians = new Float64Array(0);
const histograms: Float64Array[] = [];
const freeSlots: number[] = [];

/** A free histogram slot; buffers are sized for the 3-slot layout so any fit can reuse them. */
export function takeHistogram(cols: number): number {
  const size = cols * BIN_STRIDE * 3;
  if (histograms.length > 0 && histograms[0].length < size) {
    // More features than before: drop the old (smaller) buffers.
    histograms.length = 0;
    freeSlots.length = 0;
  }
  if (freeSlots.length > 0) return freeSlots.pop()!;
  histograms.push(new Float64Array(size));
  return histograms.length - 1;
}

export function histogramAt(slot: number): Float64Array {
  return histograms[slot];
}

export function releaseHistogram(slot: number): void {
  freeSlots.push(slot);
}

export function buildHistogram(
  hist: Float64Array,
  stride: number,
  data: GrowerData,
  samples: Int32Array,
  s: number,
  e: number,
): void {
  const { binned, rows, cols, binCounts, gradients, hessians } = data;
  const n = e - s;
  if (orderedGradients.length < n) {
    orderedGradients = new Float64Array(data.rows);
    orderedHessians = new Float64Array(data.rows);
  }
  const og = orderedGradients;
  const oh = orderedHessians;
  for (let k = 0; k < n; k++) og[k] = gradients[samples[s + k]];
  if (stride === 3) for (let k = 0; k < n; k++) oh[k] = hessians[samples[s + k]];
  for (let f = 0; f < cols; f++) {
    const hb = f * BIN_STRIDE * stride;
    hist.fill(0, hb, hb + binCounts[f] * stride);
    hist.fill(0, hb + MISSING_BIN * stride, hb + (MISSING_BIN + 1) * stride);
    const colBase = f * rows;
    if (stride === 2) {
      for (let k = 0; k < n; k++) {
        const j = hb + binned[colBase + samples[s + k]] * 2;
        hist[j] += og[k];
        hist[j + 1] += 1;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const j = hb + binned[colBase + samples[s + k]] * 3;
        hist[j] += og[k];
        hist[j + 1] += oh[k];
        hist[j + 2] += 1;
      }
    }
  }
}

/** parent -= child over the real bins and the missing bin of every feature. */
export function subtractHistogram(
  parent: Float64Array,
  child: Float64Array,
  stride: number,
  binCounts: Int32Array,
): void {
  for (let f = 0; f < binCounts.length; f++) {
    const hb = f * BIN_STRIDE * stride;
    for (let j = hb, stop = hb + binCounts[f] * stride; j < stop; j++) parent[j] -= child[j];
    for (let j = hb + MISSING_BIN * stride, stop = j + stride; j < stop; j++) parent[j] -= child[j];
  }
}

/**
 * Best split of a node from its histogram, written at out[at ..]: gain (<= 0: none), feature, bin
 * (left = bins <= bin), missingLeft, and the left child's G, H, count.
 */
export function findSplit(
  hist: Float64Array,
  stride: number,
  data: GrowerData,
  G: number,
  H: number,
  C: number,
  minSamplesLeaf: number,
  l2: number,
  out: Float64Array,
  at: number,
): void {
  const { cols, binCounts, constantHessian } = data;
  const parentScore = (G * G) / (H + l2);
  let bestGain = 0;
  out[at] = 0;
  const countSlot = stride - 1;
  for (let f = 0; f < cols; f++) {
    const hb = f * BIN_STRIDE * stride;
    const nb = binCounts[f];
    const mj = hb + MISSING_BIN * stride;
    const missingCount = hist[mj + countSlot];
    const missingG = hist[mj];
    const missingH = stride === 3 ? hist[mj + 1] : missingCount * constantHessian;
    // Pass 0: NaN right (and, with NaN present, the "all finite left" candidate at the last bin);
    // pass 1: NaN left.
    for (let pass = 0; pass < (missingCount > 0 ? 2 : 1); pass++) {
      let gL = pass === 1 ? missingG : 0;
      let hL = pass === 1 ? missingH : 0;
      let cL = pass === 1 ? missingCount : 0;
      const last = pass === 0 && missingCount > 0 ? nb : nb - 1;
      for (let b = 0; b < last; b++) {
        const j = hb + b * stride;
        const c = hist[j + countSlot];
        if (c === 0) continue;
        gL += hist[j];
        hL += stride === 3 ? hist[j + 1] : c * constantHessian;
        cL += c;
        if (cL < minSamplesLeaf) continue;
        const cR = C - cL;
        if (cR < minSamplesLeaf) break;
        const hR = H - hL;
        if (hL < MIN_HESSIAN) continue;
        if (hR < MIN_HESSIAN) break;
        const gR = G - gL;
        const gain = (gL * gL) / (hL + l2) + (gR * gR) / (hR + l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          out[at] = gain;
          out[at + 1] = f;
          out[at + 2] = b;
          // No NaN in this node: NaN follows the larger child at predict time.
          out[at + 3] = missingCount > 0 ? pass : cL >= cR ? 1 : 0;
          out[at + 4] = gL;
          out[at + 5] = hL;
          out[at + 6] = cL;
        }
      }
    }
  }
}
