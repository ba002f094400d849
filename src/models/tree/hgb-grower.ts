import { BIN_STRIDE, MISSING_BIN } from './hgb-binning.ts';

/** What the grower needs about the data; gradients change every iteration, the rest once per fit. */
export interface GrowerData {
  /** Column-major bins (feature f of row i at f * rows + i). */
  binned: Uint8Array;
  rows: number;
  cols: number;
  /** Real (non-missing) bins per feature. */
  binCounts: Int32Array;
  gradients: Float64Array;
  /** Ignored when constantHessian > 0 (squared, absolute and Huber losses). */
  hessians: Float64Array;
  constantHessian: number;
  /**
   * Rows sorted by bin per feature (feature f's block at f * rows), or null for histogram mode. For
   * small row counts (per-entity models: a few hundred rows against 255 bins) scanning each node's
   * rows in bin order costs O(rows) per feature where histograms cost O(bins); see `sortRowsByBin`.
   */
  sortedByBin: Int32Array | null;
}

/** Row count up to which the sorted mode beats histograms (measured on 400-2,000 rows × 8 features). */
export const SORTED_MODE_MAX_ROWS = 4096;

/** Counting sort of the rows by bin, per feature (NaN's bin 255 sorts last). */
export function sortRowsByBin(binned: Uint8Array, rows: number, cols: number, out: Int32Array): Int32Array {
  const counts = new Int32Array(BIN_STRIDE + 1);
  for (let f = 0; f < cols; f++) {
    const base = f * rows;
    counts.fill(0);
    for (let i = 0; i < rows; i++) counts[binned[base + i] + 1]++;
    for (let b = 1; b <= BIN_STRIDE; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < rows; i++) out[base + counts[binned[base + i]]++] = i;
  }
  return out;
}

export interface GrowerOptions {
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2Regularization: number;
  learningRate: number;
  /** 'lossguide' = best gain first (sklearn, LightGBM); 'depthwise' = level by level (XGBoost). */
  depthwise: boolean;
}

const MIN_HESSIAN = 1e-3;
const KEEP_BOTH = 0;
const KEEP_LEFT = 1;
const KEEP_RIGHT = 2;

/**
 * The grown tree in bin space, in pooled arrays valid until the next `growTree` call. Node 0 is the
 * root; children always come after their parent. Leaves have feature -2; `start`/`end` delimit the
 * leaf's rows in `samples`.
 */
export const grown = {
  nodeCount: 0,
  feature: new Int32Array(0),
  bin: new Int32Array(0),
  missingLeft: new Uint8Array(0),
  left: new Int32Array(0),
  right: new Int32Array(0),
  value: new Float64Array(0),
  start: new Int32Array(0),
  end: new Int32Array(0),
};

// Per-node working state (pooled).
let depthPool = new Int32Array(0);
let sumsPool = new Float64Array(0); // per node: G, H, count
let splitPool = new Float64Array(0); // per node: gain, feature, bin, missingLeft, gL, hL, cL
let histSlotPool = new Int32Array(0);
let candidatePool = new Int32Array(0);
let tempPool = new Int32Array(0);
let orderedGradients = new Float64Array(0);
let orderedHessians = new Float64Array(0);
let orderPool = new Int32Array(0);
let orderPoolB = new Int32Array(0);
let bufferPool = new Uint8Array(0);
let inSamplePool = new Uint8Array(0);
const histograms: Float64Array[] = [];
const freeSlots: number[] = [];

function ensure(rows: number, nodes: number, cols: number): void {
  if (grown.feature.length < nodes) {
    grown.feature = new Int32Array(nodes);
    grown.bin = new Int32Array(nodes);
    grown.missingLeft = new Uint8Array(nodes);
    grown.left = new Int32Array(nodes);
    grown.right = new Int32Array(nodes);
    grown.value = new Float64Array(nodes);
    grown.start = new Int32Array(nodes);
    grown.end = new Int32Array(nodes);
    depthPool = new Int32Array(nodes);
    sumsPool = new Float64Array(nodes * 3);
    splitPool = new Float64Array(nodes * 7);
    histSlotPool = new Int32Array(nodes);
    candidatePool = new Int32Array(nodes);
    bufferPool = new Uint8Array(nodes);
  }
  if (orderPool.length < rows * cols) {
    orderPool = new Int32Array(rows * cols);
    orderPoolB = new Int32Array(rows * cols);
  }
  if (tempPool.length < rows) {
    inSamplePool = new Uint8Array(rows);
    tempPool = new Int32Array(rows);
    orderedGradients = new Float64Array(rows);
    orderedHessians = new Float64Array(rows);
  }
  const size = cols * BIN_STRIDE * 3;
  if (histograms.length > 0 && histograms[0].length < size) {
    histograms.length = 0;
    freeSlots.length = 0;
  }
}

/** Histogram buffers are sized for the 3-slot layout so any fit can reuse them. */
function takeSlot(cols: number): number {
  if (freeSlots.length > 0) return freeSlots.pop()!;
  histograms.push(new Float64Array(cols * BIN_STRIDE * 3));
  return histograms.length - 1;
}

/**
 * Grows one regression tree on gradients/hessians (sklearn's TreeGrower): histograms of
 * (gradient, hessian, count) per feature and bin, the larger child by subtraction from its parent,
 * gain G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ), leaf value -G/(H+λ) · learningRate. NaN rows (the
 * missing bin) are tried on both sides; without NaN in the node they follow the larger child.
 * `samples[0, count)` are the rows to fit (all rows, or a subsample); they are reordered by leaf.
 */
export function growTree(data: GrowerData, samples: Int32Array, count: number, options: GrowerOptions): void {
  const { cols } = data;
  const maxLeaves = Math.max(1, Math.min(options.maxLeafNodes, count));
  const maxNodes = 2 * maxLeaves - 1;
  ensure(data.rows, maxNodes, cols);
  const stride = data.constantHessian > 0 ? 2 : 3;
  const { feature, bin, missingLeft, left, right, value, start, end } = grown;
  const depthOf = depthPool;
  const sums = sumsPool;
  const split = splitPool;
  const histSlot = histSlotPool;
  const candidates = candidatePool;
  const { minSamplesLeaf, l2Regularization: l2, learningRate, maxDepth, depthwise } = options;

  let G = 0;
  let H = 0;
  const { gradients, hessians, constantHessian } = data;
  for (let k = 0; k < count; k++) {
    const i = samples[k];
    G += gradients[i];
    H += constantHessian > 0 ? constantHessian : hessians[i];
  }
  let nodeCount = 0;
  const addNode = (s: number, e: number, depth: number, g: number, h: number): number => {
    const node = nodeCount++;
    feature[node] = -2;
    bin[node] = 0;
    missingLeft[node] = 0;
    left[node] = -1;
    right[node] = -1;
    start[node] = s;
    end[node] = e;
    depthOf[node] = depth;
    sums[node * 3] = g;
    sums[node * 3 + 1] = h;
    sums[node * 3 + 2] = e - s;
    value[node] = (-g / (h + l2 + 1e-15)) * learningRate;
    histSlot[node] = -1;
    return node;
  };
  const childSplittable = (depth: number, rowCount: number, hessian: number): boolean =>
    depth < maxDepth && rowCount >= 2 * minSamplesLeaf && hessian >= 2 * MIN_HESSIAN;
  const splittable = (node: number): boolean =>
    childSplittable(depthOf[node], sums[node * 3 + 2], sums[node * 3 + 1]);
  let candidateCount = 0;
  const sortedMode = data.sortedByBin !== null;
  // Sorted mode double-buffers the blocks: a split moves its rows from its buffer into the other one,
  // so no copy-back is needed; bufferOf[node] says where a node's rows are.
  const buffers = [orderPool, orderPoolB];
  const bufferOf = bufferPool;
  bufferOf[0] = 0;
  if (sortedMode) fillRootOrder(data, samples, count, orderPool);
  const consider = (node: number): void => {
    const g = sums[node * 3];
    const h = sums[node * 3 + 1];
    const c = sums[node * 3 + 2];
    if (sortedMode)
      findSplitSorted(
        buffers[bufferOf[node]],
        count,
        start[node],
        end[node],
        data,
        g,
        h,
        c,
        minSamplesLeaf,
        l2,
        split,
        node * 7,
      );
    else findSplit(histograms[histSlot[node]], stride, data, g, h, c, minSamplesLeaf, l2, split, node * 7);
    if (split[node * 7] > 0) candidates[candidateCount++] = node;
  };

  addNode(0, count, 0, G, H);
  let leaves = 1;
  if (maxLeaves > 1 && splittable(0)) {
    if (!sortedMode) {
      histSlot[0] = takeSlot(cols);
      buildHistogram(histograms[histSlot[0]], stride, data, samples, 0, count);
    }
    consider(0);
  }
  while (candidateCount > 0 && leaves < maxLeaves) {
    // Pick the best-gain candidate (lossguide) or the oldest one (depthwise: creation = level order).
    let pick = 0;
    for (let c = 1; c < candidateCount; c++) {
      const node = candidates[c];
      const current = candidates[pick];
      if (depthwise ? node < current : split[node * 7] > split[current * 7]) pick = c;
    }
    const node = candidates[pick];
    candidates[pick] = candidates[--candidateCount];
    const at = node * 7;
    const f = split[at + 1];
    const b = split[at + 2];
    const toLeftMissing = split[at + 3];
    const s = start[node];
    const e = end[node];
    const depth = depthOf[node] + 1;
    const leftCount = split[at + 6];
    const more = leaves + 1 < maxLeaves;
    const needLeft = more && childSplittable(depth, leftCount, split[at + 5]);
    const needRight = more && childSplittable(depth, e - s - leftCount, sums[node * 3 + 1] - split[at + 5]);
    // Stable partition of the node's rows, left rows first: `samples` in histogram mode; block 0
    // (every block when a child will be scanned) in sorted mode.
    const l = sortedMode
      ? partitionBlocks(
          buffers[bufferOf[node]],
          buffers[1 - bufferOf[node]],
          count,
          needLeft || needRight ? cols : 1,
          needLeft && needRight ? KEEP_BOTH : needLeft ? KEEP_LEFT : KEEP_RIGHT,
          s,
          e,
          split[at + 6],
          data,
          f,
          b,
          toLeftMissing,
        )
      : partitionRows(samples, s, e, data, f, b, toLeftMissing);
    const gL = split[at + 4];
    const hL = split[at + 5];
    const g = sums[node * 3];
    const h = sums[node * 3 + 1];
    const leftNode = addNode(s, l, depth, gL, hL);
    const rightNode = addNode(l, e, depth, g - gL, h - hL);
    bufferOf[leftNode] = bufferOf[rightNode] = 1 - bufferOf[node];
    feature[node] = f;
    bin[node] = b;
    missingLeft[node] = toLeftMissing;
    left[node] = leftNode;
    right[node] = rightNode;
    leaves++;
    if (sortedMode) {
      if (needLeft) consider(leftNode);
      if (needRight) consider(rightNode);
      continue;
    }
    const parentSlot = histSlot[node];
    histSlot[node] = -1;
    if (!needLeft && !needRight) {
      freeSlots.push(parentSlot);
      continue;
    }
    // Build the smaller child from its rows; the parent's histogram minus it is the larger child's.
    const leftSmaller = l - s <= e - l;
    const small = leftSmaller ? leftNode : rightNode;
    const large = leftSmaller ? rightNode : leftNode;
    const smallSlot = takeSlot(cols);
    buildHistogram(histograms[smallSlot], stride, data, samples, start[small], end[small]);
    subtractHistogram(histograms[parentSlot], histograms[smallSlot], stride, data.binCounts);
    histSlot[small] = smallSlot;
    histSlot[large] = parentSlot;
    if (needLeft) consider(leftNode);
    if (needRight) consider(rightNode);
  }
  // Release the histograms of nodes left unsplit.
  for (let node = 0; node < nodeCount; node++) {
    if (histSlot[node] >= 0) {
      freeSlots.push(histSlot[node]);
      histSlot[node] = -1;
    }
  }
  grown.nodeCount = nodeCount;
  // Leaf segments index `samples` in both modes.
  if (sortedMode) {
    for (let node = 0; node < nodeCount; node++) {
      if (left[node] >= 0) continue;
      const source = buffers[bufferOf[node]];
      for (let k = start[node]; k < end[node]; k++) samples[k] = source[k];
    }
  }
}

/** Root blocks for sorted mode: the fit's bin order, filtered to the sampled rows. */
function fillRootOrder(data: GrowerData, samples: Int32Array, count: number, order: Int32Array): void {
  const { rows, cols } = data;
  const sorted = data.sortedByBin!;
  if (count === rows) {
    order.set(sorted.subarray(0, rows * cols));
    return;
  }
  const inSample = inSamplePool;
  inSample.fill(0, 0, rows);
  for (let k = 0; k < count; k++) inSample[samples[k]] = 1;
  for (let f = 0; f < cols; f++) {
    let at = f * count;
    for (let k = f * rows, stop = k + rows; k < stop; k++)
      if (inSample[sorted[k]] === 1) order[at++] = sorted[k];
  }
}

/** Branchless stable partition of samples[s, e) by the split; returns the end of the left part. */
function partitionRows(
  samples: Int32Array,
  s: number,
  e: number,
  data: GrowerData,
  f: number,
  b: number,
  missingLeft: number,
): number {
  const column = data.binned;
  const colBase = f * data.rows;
  const temp = tempPool;
  let l = s;
  let r = 0;
  for (let k = s; k < e; k++) {
    const i = samples[k];
    const v = column[colBase + i];
    const goLeft = v === MISSING_BIN ? missingLeft : v <= b ? 1 : 0;
    samples[l] = i;
    temp[r] = i;
    l += goLeft;
    r += 1 - goLeft;
  }
  for (let k = 0; k < r; k++) samples[l + k] = temp[k];
  return l;
}

/**
 * Moves the node's rows of the first `blocks` feature blocks (each `size` long) from `source` to
 * `target`, left rows first, both sides keeping their order; `leftCount` is known from the split.
 * Branchless: the destination index is picked arithmetically. Returns the split point.
 */
function partitionBlocks(
  source: Int32Array,
  target: Int32Array,
  size: number,
  blocks: number,
  keep: number,
  s: number,
  e: number,
  leftCount: number,
  data: GrowerData,
  f: number,
  b: number,
  missingLeft: number,
): number {
  const column = data.binned;
  const colBase = f * data.rows;
  const goLeft = inSamplePool;
  if (missingLeft === 0) {
    // The split feature's block is sorted by bin (NaN last): its first leftCount rows go left.
    const splitBase = f * size;
    for (let k = splitBase + s, stop = splitBase + s + leftCount; k < stop; k++) goLeft[source[k]] = 1;
    for (let k = splitBase + s + leftCount, stop = splitBase + e; k < stop; k++) goLeft[source[k]] = 0;
  } else {
    for (let k = s; k < e; k++) {
      const i = source[k];
      const v = column[colBase + i];
      goLeft[i] = v === MISSING_BIN ? missingLeft : v <= b ? 1 : 0;
    }
  }
  for (let block = 0; block < blocks; block++) {
    const base = block * size;
    if (block === f && missingLeft === 0) {
      // The split feature's own block is sorted by bin: its left rows already form the prefix.
      target.set(source.subarray(base + s, base + e), base + s);
      continue;
    }
    if (block > 0 && keep === KEEP_LEFT) {
      // Only the left child will be scanned: a stable filter of its rows (the last write may land
      // in the unused right part of the segment).
      let l = base + s;
      for (let k = base + s, stop = base + e; k < stop; k++) {
        const i = source[k];
        target[l] = i;
        l += goLeft[i];
      }
      continue;
    }
    if (block > 0 && keep === KEEP_RIGHT) {
      // Mirror image, filled from the back so stray writes stay inside the unused left part.
      let r = base + e - 1;
      for (let k = base + e - 1, stop = base + s; k >= stop; k--) {
        const i = source[k];
        target[r] = i;
        r -= 1 - goLeft[i];
      }
      continue;
    }
    let l = base + s;
    let r = l + leftCount;
    for (let k = base + s, stop = base + e; k < stop; k++) {
      const i = source[k];
      const g = goLeft[i];
      target[r + (l - r) * g] = i;
      l += g;
      r += 1 - g;
    }
  }
  return s + leftCount;
}

/**
 * findSplit's twin for sorted mode: walks the node's rows of each feature in bin order and tests a
 * split at every bin boundary. Same candidates, order and tie-breaking as the histogram scan.
 */
function findSplitSorted(
  order: Int32Array,
  size: number,
  s: number,
  e: number,
  data: GrowerData,
  G: number,
  H: number,
  C: number,
  minSamplesLeaf: number,
  l2: number,
  out: Float64Array,
  at: number,
): void {
  const { cols, binned, rows, gradients, hessians, constantHessian } = data;
  const parentScore = (G * G) / (H + l2);
  const constant = constantHessian > 0;
  // The best split lives in locals (written to `out` once at the end: improvements are frequent).
  let bestGain = 0;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  let bestCL = 0;
  for (let f = 0; f < cols; f++) {
    const base = f * size;
    const colBase = f * rows;
    let nonMissingEnd = e;
    let missingG = 0;
    let missingH = 0;
    while (nonMissingEnd > s && binned[colBase + order[base + nonMissingEnd - 1]] === MISSING_BIN) {
      const i = order[base + --nonMissingEnd];
      missingG += gradients[i];
      missingH += constant ? constantHessian : hessians[i];
    }
    const missingCount = e - nonMissingEnd;
    if (nonMissingEnd === s) continue;
    if (missingCount === 0 && constant) {
      // Fast path (no NaN, constant hessian): only positions leaving >= minSamplesLeaf rows on each
      // side are evaluated; the hessian of k rows is k · constantHessian.
      const firstEval = s + minSamplesLeaf - 1;
      const lastEval = e - minSamplesLeaf - 1;
      if (firstEval > lastEval) continue;
      let gL = 0;
      for (let p = s; p < firstEval; p++) gL += gradients[order[base + p]];
      let row = order[base + firstEval];
      let current = binned[colBase + row];
      for (let p = firstEval; p <= lastEval; p++) {
        gL += gradients[row];
        row = order[base + p + 1];
        const b = current;
        current = binned[colBase + row];
        if (current === b) continue;
        const cL = p - s + 1;
        const hL = cL * constantHessian;
        const hR = H - hL;
        const gR = G - gL;
        // gL²/a + gR²/c > best + parent  ⇔  gL²·c + gR²·a > (best + parent)·a·c: no division per row.
        const a = hL + l2;
        const c = hR + l2;
        const numerator = gL * gL * c + gR * gR * a;
        if (numerator <= (bestGain + parentScore) * a * c) continue;
        const gain = (gL * gL) / a + (gR * gR) / c - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          bestMissingLeft = cL >= C - cL ? 1 : 0;
          bestGL = gL;
          bestHL = hL;
          bestCL = cL;
        }
      }
      continue;
    }
    for (let pass = 0; pass < (missingCount > 0 ? 2 : 1); pass++) {
      let gL = pass === 1 ? missingG : 0;
      let hL = pass === 1 ? missingH : 0;
      let cL = pass === 1 ? missingCount : 0;
      const last = pass === 0 && missingCount > 0 ? nonMissingEnd : nonMissingEnd - 1;
      let current = binned[colBase + order[base + s]];
      for (let p = s; p < last; p++) {
        const i = order[base + p];
        gL += gradients[i];
        hL += constant ? constantHessian : hessians[i];
        cL++;
        const b = current;
        current = p + 1 < nonMissingEnd ? binned[colBase + order[base + p + 1]] : 256;
        if (current === b) continue;
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
          bestFeature = f;
          bestBin = b;
          bestMissingLeft = missingCount > 0 ? pass : cL >= cR ? 1 : 0;
          bestGL = gL;
          bestHL = hL;
          bestCL = cL;
        }
      }
    }
  }
  out[at] = bestFeature < 0 ? 0 : bestGain;
  out[at + 1] = bestFeature;
  out[at + 2] = bestBin;
  out[at + 3] = bestMissingLeft;
  out[at + 4] = bestGL;
  out[at + 5] = bestHL;
  out[at + 6] = bestCL;
}

function buildHistogram(
  hist: Float64Array,
  stride: number,
  data: GrowerData,
  samples: Int32Array,
  s: number,
  e: number,
): void {
  const { binned, rows, cols, binCounts, gradients, hessians } = data;
  const og = orderedGradients;
  const oh = orderedHessians;
  const n = e - s;
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
function subtractHistogram(
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
function findSplit(
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
