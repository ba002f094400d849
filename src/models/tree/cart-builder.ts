import type { Rng } from '../../core/rng.ts';
import { ALL_FINITE, LEAF, NO_FEATURE } from './flat-trees.ts';
import type { Presorted } from './presort.ts';

export type CartCriterion = 'squared_error' | 'gini' | 'entropy';

export interface CartOptions {
  criterion: CartCriterion;
  /** Infinity for unlimited. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features examined per split (non-constant ones count; sklearn's rule). */
  maxFeatures: number;
  /** Needed when maxFeatures < cols (random feature order per node). */
  rng: Rng | null;
}

/** One fitted CART tree, sklearn's layout: nodes in depth-first preorder, left subtree first. */
export interface CartTree {
  nodeCount: number;
  /** 1 for regression (the mean), the class count for classification (weighted class counts). */
  outputs: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  impurity: Float64Array;
  nSamples: Int32Array;
  weightedSamples: Float64Array;
}

const EPSILON = 2.220446049250313e-16;

// Scratch reused across fits (per-entity fits are tiny; allocation would dominate).
let order = new Int32Array(0);
let partitionTemp = new Int32Array(0);
let goLeft = new Uint8Array(0);
let unitWeights = new Float64Array(0);
let stackStart = new Int32Array(0);
let stackEnd = new Int32Array(0);
let stackDepth = new Int32Array(0);
let stackParent = new Int32Array(0);
let stackIsLeft = new Uint8Array(0);
let featureOrder = new Int32Array(0);
let classLeft = new Float64Array(0);
let classTotal = new Float64Array(0);
let classMissing = new Float64Array(0);

function ensureScratch(rows: number, cols: number, outputs: number): void {
  if (order.length < rows * cols) order = new Int32Array(rows * cols);
  if (partitionTemp.length < rows) partitionTemp = new Int32Array(rows);
  if (goLeft.length < rows) goLeft = new Uint8Array(rows);
  if (unitWeights.length < rows) unitWeights = new Float64Array(rows).fill(1);
  if (stackStart.length < 2 * rows + 2) {
    const size = 2 * rows + 2;
    stackStart = new Int32Array(size);
    stackEnd = new Int32Array(size);
    stackDepth = new Int32Array(size);
    stackParent = new Int32Array(size);
    stackIsLeft = new Uint8Array(size);
  }
  if (featureOrder.length < cols) featureOrder = new Int32Array(cols);
  if (classLeft.length < outputs) {
    classLeft = new Float64Array(outputs);
    classTotal = new Float64Array(outputs);
    classMissing = new Float64Array(outputs);
  }
}

/** x ln x with 0 ln 0 = 0 (entropy proxy). */
function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/**
 * Grows one CART tree on the presorted data. `y` holds targets (regression) or class codes 0..classes-1
 * (classification, classes >= 1). `weights` are bootstrap counts (rows with weight 0 are left out, as
 * in sklearn) or null for unit weights. NaN rule: at each split, missing rows are tried on both sides
 * and go where the criterion is best; a node that saw no NaN for its feature sends NaN to the child
 * with more training rows.
 */
export function buildCart(
  data: Presorted,
  y: Float64Array,
  classes: number,
  weights: Float64Array | null,
  options: CartOptions,
): CartTree {
  const { rows, cols, columns, sorted } = data;
  const classification = options.criterion !== 'squared_error';
  const outputs = classification ? classes : 1;
  ensureScratch(rows, cols, outputs);
  const w = weights ?? unitWeights;
  // Per-tree sorted orders: the presorted blocks filtered to rows with positive weight.
  let m = rows;
  if (weights === null) order.set(sorted.subarray(0, rows * cols));
  else {
    m = 0;
    for (let i = 0; i < rows; i++) if (weights[i] > 0) m++;
    for (let f = 0; f < cols; f++) {
      let at = f * m;
      for (let k = f * rows, end = k + rows; k < end; k++)
        if (weights[sorted[k]] > 0) order[at++] = sorted[k];
    }
  }
  const capacity = Math.max(1, Math.min(2 * m - 1, 2 ** Math.min(options.maxDepth + 1, 30) - 1));
  const tree: CartTree = {
    nodeCount: 0,
    outputs,
    feature: new Int32Array(capacity),
    threshold: new Float64Array(capacity),
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    missingLeft: new Uint8Array(capacity),
    value: new Float64Array(capacity * outputs),
    impurity: new Float64Array(capacity),
    nSamples: new Int32Array(capacity),
    weightedSamples: new Float64Array(capacity),
  };
  const { minSamplesLeaf, minSamplesSplit, maxDepth, criterion, rng } = options;
  const maxFeatures = Math.min(options.maxFeatures, cols);
  for (let f = 0; f < cols; f++) featureOrder[f] = f;

  let top = 0;
  stackStart[0] = 0;
  stackEnd[0] = m;
  stackDepth[0] = 0;
  stackParent[0] = -1;
  stackIsLeft[0] = 0;
  top = 1;
  while (top > 0) {
    top--;
    const start = stackStart[top];
    const end = stackEnd[top];
    const depth = stackDepth[top];
    const parent = stackParent[top];
    const node = tree.nodeCount++;
    if (parent >= 0) {
      if (stackIsLeft[top] === 1) tree.left[parent] = node;
      else tree.right[parent] = node;
    }
    const count = end - start;
    // Node statistics (block 0 holds the node's rows like every block).
    let totalWeight = 0;
    let totalSum = 0;
    let impurity: number;
    if (classification) {
      classTotal.fill(0, 0, outputs);
      for (let p = start; p < end; p++) {
        const i = order[p];
        totalWeight += w[i];
        classTotal[y[i]] += w[i];
      }
      let sq = 0;
      let ent = 0;
      for (let k = 0; k < outputs; k++) {
        const c = classTotal[k];
        tree.value[node * outputs + k] = c;
        sq += c * c;
        if (c > 0) ent -= (c / totalWeight) * Math.log2(c / totalWeight);
      }
      impurity = criterion === 'gini' ? 1 - sq / (totalWeight * totalWeight) : ent;
    } else {
      for (let p = start; p < end; p++) {
        const i = order[p];
        totalWeight += w[i];
        totalSum += w[i] * y[i];
      }
      const mean = totalSum / totalWeight;
      // Two-pass variance: exact for nearly constant targets (no cancellation).
      let ss = 0;
      for (let p = start; p < end; p++) {
        const i = order[p];
        const d = y[i] - mean;
        ss += w[i] * d * d;
      }
      impurity = ss / totalWeight;
      tree.value[node] = mean;
    }
    tree.impurity[node] = impurity;
    tree.nSamples[node] = count;
    tree.weightedSamples[node] = totalWeight;
    tree.feature[node] = NO_FEATURE;
    tree.left[node] = LEAF;
    tree.right[node] = LEAF;
    tree.missingLeft[node] = 0;
    tree.threshold[node] = 0;
    if (depth >= maxDepth || count < minSamplesSplit || count < 2 * minSamplesLeaf || impurity <= EPSILON)
      continue;

    // ---- best split search ----
    let bestProxy = Number.NEGATIVE_INFINITY;
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestMissingLeft = 0;
    let visited = 0;
    let drawn = 0;
    const sqTotal = classification ? sumSquares(classTotal, outputs) : 0;
    const entTotal = criterion === 'entropy' ? sumXlogx(classTotal, outputs) : 0;
    while (drawn < cols && visited < maxFeatures) {
      let f: number;
      if (maxFeatures < cols && rng !== null) {
        const pick = drawn + rng.int(cols - drawn);
        f = featureOrder[pick];
        featureOrder[pick] = featureOrder[drawn];
        featureOrder[drawn] = f;
      } else f = drawn;
      drawn++;
      const base = f * m;
      const col = f * rows;
      let nonMissingEnd = end;
      while (
        nonMissingEnd > start &&
        columns[col + order[base + nonMissingEnd - 1]] !== columns[col + order[base + nonMissingEnd - 1]]
      )
        nonMissingEnd--;
      const missing = end - nonMissingEnd;
      if (nonMissingEnd === start) continue;
      if (missing === 0 && columns[col + order[base + end - 1]] <= columns[col + order[base + start]])
        continue; // constant in this node: does not count towards maxFeatures
      visited++;
      let missingWeight = 0;
      let missingSum = 0;
      if (missing > 0) {
        if (classification) classMissing.fill(0, 0, outputs);
        for (let p = nonMissingEnd; p < end; p++) {
          const i = order[base + p];
          missingWeight += w[i];
          if (classification) classMissing[y[i]] += w[i];
          else missingSum += w[i] * y[i];
        }
      }
      // Pass 0: NaN rows on the right (the last candidate puts every finite value left);
      // pass 1: NaN rows start on the left.
      for (let pass = 0; pass < (missing > 0 ? 2 : 1); pass++) {
        let wl = pass === 1 ? missingWeight : 0;
        let sl = pass === 1 ? missingSum : 0;
        let cl = pass === 1 ? missing : 0;
        let sqL = 0;
        let sqR = sqTotal;
        let entL = 0;
        let entR = entTotal;
        if (classification) {
          for (let k = 0; k < outputs; k++) {
            const c = pass === 1 ? classMissing[k] : 0;
            classLeft[k] = c;
            sqL += c * c;
            const r = classTotal[k] - c;
            if (pass === 1) sqR += r * r - classTotal[k] * classTotal[k];
          }
          if (criterion === 'entropy') {
            entL = pass === 1 ? sumXlogx(classLeft, outputs) : 0;
            entR = 0;
            for (let k = 0; k < outputs; k++) entR += xlogx(classTotal[k] - classLeft[k]);
          }
        }
        const lastCandidate = pass === 0 && missing > 0 ? nonMissingEnd : nonMissingEnd - 1;
        for (let p = start; p < lastCandidate; p++) {
          const i = order[base + p];
          const wi = w[i];
          wl += wi;
          cl++;
          if (classification) {
            const k = y[i];
            const before = classLeft[k];
            const beforeRight = classTotal[k] - before;
            classLeft[k] = before + wi;
            sqL += 2 * before * wi + wi * wi;
            sqR += -2 * beforeRight * wi + wi * wi;
            if (criterion === 'entropy') {
              entL += xlogx(before + wi) - xlogx(before);
              entR += xlogx(beforeRight - wi) - xlogx(beforeRight);
            }
          } else sl += wi * y[i];
          if (cl < minSamplesLeaf) continue;
          if (count - cl < minSamplesLeaf) break;
          const xv = columns[col + i];
          let threshold: number;
          if (p + 1 < nonMissingEnd) {
            const xn = columns[col + order[base + p + 1]];
            if (!(xn > xv)) continue;
            threshold = (xv + xn) / 2;
            if (threshold === xn || !Number.isFinite(threshold)) threshold = xv;
          } else threshold = ALL_FINITE;
          const wr = totalWeight - wl;
          let proxy: number;
          if (!classification) {
            const sr = totalSum - sl;
            proxy = (sl * sl) / wl + (sr * sr) / wr;
          } else if (criterion === 'gini') proxy = sqL / wl + sqR / wr;
          else proxy = entL - xlogx(wl) + entR - xlogx(wr);
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestFeature = f;
            bestThreshold = threshold;
            bestMissingLeft = pass === 1 ? 1 : missing > 0 ? 0 : 2;
          }
        }
      }
    }
    if (bestFeature < 0) continue;

    // ---- partition every feature block stably by the chosen split ----
    const splitColumn = bestFeature * rows;
    const splitBase = bestFeature * m;
    let leftCount = 0;
    for (let p = start; p < end; p++) {
      const i = order[splitBase + p];
      const x = columns[splitColumn + i];
      const toLeft = x <= bestThreshold || (x !== x && bestMissingLeft === 1);
      goLeft[i] = toLeft ? 1 : 0;
      if (toLeft) leftCount++;
    }
    for (let f = 0; f < cols; f++) {
      const base = f * m;
      let l = base + start;
      let r = 0;
      for (let p = base + start, stop = base + end; p < stop; p++) {
        const i = order[p];
        if (goLeft[i] === 1) order[l++] = i;
        else partitionTemp[r++] = i;
      }
      order.set(partitionTemp.subarray(0, r), l);
    }
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    // No NaN seen here for this feature: NaN follows the majority (as sklearn documents).
    tree.missingLeft[node] =
      bestMissingLeft === 2 ? (leftCount >= count - leftCount ? 1 : 0) : bestMissingLeft;
    // Push right first so the left subtree is numbered first (sklearn's preorder).
    const mid = start + leftCount;
    stackStart[top] = mid;
    stackEnd[top] = end;
    stackDepth[top] = depth + 1;
    stackParent[top] = node;
    stackIsLeft[top] = 0;
    top++;
    stackStart[top] = start;
    stackEnd[top] = mid;
    stackDepth[top] = depth + 1;
    stackParent[top] = node;
    stackIsLeft[top] = 1;
    top++;
  }
  return trimTree(tree);
}

function sumSquares(values: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += values[k] * values[k];
  return s;
}

function sumXlogx(values: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += xlogx(values[k]);
  return s;
}

function trimTree(tree: CartTree): CartTree {
  const n = tree.nodeCount;
  if (n === tree.feature.length) return tree;
  return {
    nodeCount: n,
    outputs: tree.outputs,
    feature: tree.feature.slice(0, n),
    threshold: tree.threshold.slice(0, n),
    left: tree.left.slice(0, n),
    right: tree.right.slice(0, n),
    missingLeft: tree.missingLeft.slice(0, n),
    value: tree.value.slice(0, n * tree.outputs),
    impurity: tree.impurity.slice(0, n),
    nSamples: tree.nSamples.slice(0, n),
    weightedSamples: tree.weightedSamples.slice(0, n),
  };
}

/** Mean decrease in impurity per feature, normalised to sum 1 (all zeros for a lone leaf). */
export function cartImportances(tree: CartTree, cols: number, out = new Float64Array(cols)): Float64Array {
  out.fill(0);
  const { left, right, impurity, weightedSamples: wn } = tree;
  for (let i = 0; i < tree.nodeCount; i++) {
    if (left[i] === LEAF) continue;
    out[tree.feature[i]] +=
      wn[i] * impurity[i] - wn[left[i]] * impurity[left[i]] - wn[right[i]] * impurity[right[i]];
  }
  let total = 0;
  for (let f = 0; f < cols; f++) {
    out[f] /= wn[0];
    total += out[f];
  }
  if (total > 0) for (let f = 0; f < cols; f++) out[f] /= total;
  return out;
}
