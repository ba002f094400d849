import { MISSING_BIN } from './hgb-binning.ts';
import {
  buildHistogram,
  findSplit,
  histogramAt,
  MIN_HESSIAN,
  releaseHistogram,
  subtractHistogram,
  takeHistogram,
} from './hgb-histogram.ts';
import {
  fillRootOrder,
  findSplitSorted,
  KEEP_BOTH,
  KEEP_LEFT,
  KEEP_RIGHT,
  partitionBlocks,
} from './hgb-sorted.ts';

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

export interface GrowerOptions {
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2Regularization: number;
  learningRate: number;
  /** 'lossguide' = best gain first (sklearn, LightGBM); 'depthwise' = level by level (XGBoost). */
  depthwise: boolean;
}

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
let orderPool = new Int32Array(0);
let orderPoolB = new Int32Array(0);
let bufferPool = new Uint8Array(0);

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
    tempPool = new Int32Array(rows);
  }
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
    else findSplit(histogramAt(histSlot[node]), stride, data, g, h, c, minSamplesLeaf, l2, split, node * 7);
    if (split[node * 7] > 0) candidates[candidateCount++] = node;
  };

  addNode(0, count, 0, G, H);
  let leaves = 1;
  if (maxLeaves > 1 && splittable(0)) {
    if (!sortedMode) {
      histSlot[0] = takeHistogram(cols);
      buildHistogram(histogramAt(histSlot[0]), stride, data, samples, 0, count);
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
      releaseHistogram(parentSlot);
      continue;
    }
    // Build the smaller child from its rows; the parent's histogram minus it is the larger child's.
    const leftSmaller = l - s <= e - l;
    const small = leftSmaller ? leftNode : rightNode;
    const large = leftSmaller ? rightNode : leftNode;
    const smallSlot = takeHistogram(cols);
    buildHistogram(histogramAt(smallSlot), stride, data, samples, start[small], end[small]);
    subtractHistogram(histogramAt(parentSlot), histogramAt(smallSlot), stride, data.binCounts);
    histSlot[small] = smallSlot;
    histSlot[large] = parentSlot;
    if (needLeft) consider(leftNode);
    if (needRight) consider(rightNode);
  }
  // Release the histograms of nodes left unsplit.
  for (let node = 0; node < nodeCount; node++) {
    if (histSlot[node] >= 0) {
      releaseHistogram(histSlot[node]);
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
