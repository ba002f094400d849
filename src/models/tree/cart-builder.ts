import type { Rng } from '../../core/rng.ts';
import { best, scanClassification, scanRegression } from './cart-scan.ts';
import { LEAF, NO_FEATURE } from './flat-trees.ts';
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

// Scratch reused across fits (per-entity fits are tiny; allocation would dominate). Hot functions copy
// these into local consts first: module-level `let`s are context slots V8 reloads on every access.
let orderPool = new Int32Array(0);
let orderPoolB = new Int32Array(0);
let goLeftPool = new Uint8Array(0);
let unitWeights = new Float64Array(0);
let codesPool = new Int32Array(0);
let stackPool = new Int32Array(0);
let featurePool = new Int32Array(0);
let classPool = new Float64Array(0);
let nodePool = new Float64Array(0);
let nodeIntPool = new Int32Array(0);

function ensureScratch(rows: number, cols: number, outputs: number, capacity: number): void {
  if (orderPool.length < rows * cols) {
    orderPool = new Int32Array(rows * cols);
    orderPoolB = new Int32Array(rows * cols);
  }
  if (goLeftPool.length < rows) goLeftPool = new Uint8Array(rows);
  if (unitWeights.length < rows) unitWeights = new Float64Array(rows).fill(1);
  if (codesPool.length < rows) codesPool = new Int32Array(rows);
  if (stackPool.length < 6 * (2 * rows + 2)) stackPool = new Int32Array(6 * (2 * rows + 2));
  if (featurePool.length < cols) featurePool = new Int32Array(cols);
  if (classPool.length < 3 * outputs) classPool = new Float64Array(3 * outputs);
  if (nodePool.length < capacity * (3 + outputs)) nodePool = new Float64Array(capacity * (3 + outputs));
  if (nodeIntPool.length < capacity * 5) nodeIntPool = new Int32Array(capacity * 5);
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
  let m = rows;
  if (weights !== null) {
    m = 0;
    for (let i = 0; i < rows; i++) if (weights[i] > 0) m++;
  }
  const capacity = Math.max(1, Math.min(2 * m - 1, 2 ** Math.min(options.maxDepth + 1, 30) - 1));
  ensureScratch(rows, cols, outputs, capacity);
  // Double-buffered blocks: a split moves its rows into the other buffer (no copy-back); each stack
  // frame records which buffer holds its node's rows.
  const buffers = [orderPool, orderPoolB];
  const rootOrder = orderPool;
  const goLeft = goLeftPool;
  const stack = stackPool;
  const featureOrder = featurePool;
  const classTotal = classPool.subarray(0, outputs);
  const classMissing = classPool.subarray(outputs, 2 * outputs);
  const classLeft = classPool.subarray(2 * outputs, 3 * outputs);
  const w = weights ?? unitWeights;
  const codes = codesPool;
  if (classification) for (let i = 0; i < rows; i++) codes[i] = y[i];
  // Per-tree sorted orders: the presorted blocks filtered to rows with positive weight.
  if (weights === null) rootOrder.set(sorted.subarray(0, rows * cols));
  else {
    for (let f = 0; f < cols; f++) {
      let at = f * m;
      for (let k = f * rows, end = k + rows; k < end; k++)
        if (weights[sorted[k]] > 0) rootOrder[at++] = sorted[k];
    }
  }
  // Node records (written in preorder): doubles [threshold, impurity, weight, value...], ints
  // [feature, left, right, missingLeft, samples].
  const nodeF = nodePool;
  const nodeI = nodeIntPool;
  const stride = 3 + outputs;
  const { minSamplesLeaf, minSamplesSplit, maxDepth, criterion, rng } = options;
  const maxFeatures = Math.min(options.maxFeatures, cols);
  const sampleFeatures = maxFeatures < cols && rng !== null;
  for (let f = 0; f < cols; f++) featureOrder[f] = f;

  let nodeCount = 0;
  // Stack frames of 6 ints: start, end, depth, parent, isLeft, buffer.
  stack[0] = 0;
  stack[1] = m;
  stack[2] = 0;
  stack[3] = -1;
  stack[4] = 0;
  stack[5] = 0;
  let top = 1;
  while (top > 0) {
    top--;
    const frame = top * 6;
    const start = stack[frame];
    const end = stack[frame + 1];
    const depth = stack[frame + 2];
    const parent = stack[frame + 3];
    const buffer = stack[frame + 5];
    const order = buffers[buffer];
    const node = nodeCount++;
    if (parent >= 0) nodeI[parent * 5 + (stack[frame + 4] === 1 ? 1 : 2)] = node;
    const count = end - start;
    const at = node * stride;
    let totalWeight = 0;
    let totalSum = 0;
    let impurity: number;
    // Node statistics (block 0 holds the node's rows like every block).
    if (classification) {
      classTotal.fill(0);
      for (let p = start; p < end; p++) {
        const i = order[p];
        totalWeight += w[i];
        classTotal[codes[i]] += w[i];
      }
      let sq = 0;
      let ent = 0;
      for (let k = 0; k < outputs; k++) {
        const c = classTotal[k];
        nodeF[at + 3 + k] = c;
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
      nodeF[at + 3] = mean;
    }
    nodeF[at] = 0;
    nodeF[at + 1] = impurity;
    nodeF[at + 2] = totalWeight;
    nodeI[node * 5] = NO_FEATURE;
    nodeI[node * 5 + 1] = LEAF;
    nodeI[node * 5 + 2] = LEAF;
    nodeI[node * 5 + 3] = 0;
    nodeI[node * 5 + 4] = count;
    if (depth >= maxDepth || count < minSamplesSplit || count < 2 * minSamplesLeaf || impurity <= EPSILON)
      continue;

    // ---- best split search over (a random subset of) the features ----
    best.proxy = Number.NEGATIVE_INFINITY;
    best.feature = -1;
    let visited = 0;
    for (let drawn = 0; drawn < cols && visited < maxFeatures; drawn++) {
      let f = drawn;
      if (sampleFeatures) {
        const pick = drawn + rng.int(cols - drawn);
        f = featureOrder[pick];
        featureOrder[pick] = featureOrder[drawn];
        featureOrder[drawn] = f;
      }
      const base = f * m;
      const col = f * rows;
      let nonMissingEnd = end;
      while (nonMissingEnd > start && Number.isNaN(columns[col + order[base + nonMissingEnd - 1]]))
        nonMissingEnd--;
      if (nonMissingEnd === start) continue;
      // Constant in this node: does not count towards maxFeatures (sklearn's rule).
      if (nonMissingEnd === end && columns[col + order[base + end - 1]] <= columns[col + order[base + start]])
        continue;
      visited++;
      if (classification)
        scanClassification(
          columns,
          col,
          order,
          base,
          start,
          nonMissingEnd,
          end,
          w,
          codes,
          classTotal,
          classMissing,
          classLeft,
          totalWeight,
          minSamplesLeaf,
          criterion === 'entropy',
          f,
        );
      else
        scanRegression(
          columns,
          col,
          order,
          base,
          start,
          nonMissingEnd,
          end,
          w,
          y,
          totalWeight,
          totalSum,
          minSamplesLeaf,
          f,
        );
    }
    if (best.feature < 0) continue;

    // ---- partition every feature block stably by the chosen split ----
    const bestFeature = best.feature;
    const bestThreshold = best.threshold;
    const missingLeft = best.missingLeft;
    const splitColumn = bestFeature * rows;
    const splitBase = bestFeature * m;
    let leftCount = 0;
    for (let p = start; p < end; p++) {
      const i = order[splitBase + p];
      const x = columns[splitColumn + i];
      const toLeft = x <= bestThreshold || (missingLeft === 1 && Number.isNaN(x));
      goLeft[i] = toLeft ? 1 : 0;
      if (toLeft) leftCount++;
    }
    // Children that will not be split only need block 0 (their statistics); the others need every
    // block kept sorted. Branchless: each row is written to both sides and one cursor advances.
    const childDepthLeaf = depth + 1 >= maxDepth;
    const smallest = Math.min(leftCount, count - leftCount);
    const largest = count - smallest;
    const childrenAreLeaves = childDepthLeaf || largest < minSamplesSplit || largest < 2 * minSamplesLeaf;
    const blocks = childrenAreLeaves ? 1 : cols;
    const target = buffers[1 - buffer];
    for (let f = 0; f < blocks; f++) {
      const base = f * m;
      let l = base + start;
      let r = l + leftCount;
      for (let p = base + start, stop = base + end; p < stop; p++) {
        const i = order[p];
        const g = goLeft[i];
        target[r + (l - r) * g] = i;
        l += g;
        r += 1 - g;
      }
    }
    nodeI[node * 5] = bestFeature;
    nodeF[at] = bestThreshold;
    // No NaN seen here for this feature: NaN follows the majority (as sklearn documents).
    nodeI[node * 5 + 3] = missingLeft === 2 ? (leftCount >= count - leftCount ? 1 : 0) : missingLeft;
    // Push right first so the left subtree is numbered first (sklearn's preorder).
    const mid = start + leftCount;
    let next = top * 6;
    stack[next] = mid;
    stack[next + 1] = end;
    stack[next + 2] = depth + 1;
    stack[next + 3] = node;
    stack[next + 4] = 0;
    stack[next + 5] = 1 - buffer;
    next += 6;
    stack[next] = start;
    stack[next + 1] = mid;
    stack[next + 2] = depth + 1;
    stack[next + 3] = node;
    stack[next + 4] = 1;
    stack[next + 5] = 1 - buffer;
    top += 2;
  }
  return copyTree(nodeCount, outputs, nodeF, nodeI);
}

function copyTree(n: number, outputs: number, nodeF: Float64Array, nodeI: Int32Array): CartTree {
  const stride = 3 + outputs;
  const tree: CartTree = {
    nodeCount: n,
    outputs,
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    missingLeft: new Uint8Array(n),
    value: new Float64Array(n * outputs),
    impurity: new Float64Array(n),
    nSamples: new Int32Array(n),
    weightedSamples: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    tree.feature[i] = nodeI[i * 5];
    tree.left[i] = nodeI[i * 5 + 1];
    tree.right[i] = nodeI[i * 5 + 2];
    tree.missingLeft[i] = nodeI[i * 5 + 3];
    tree.nSamples[i] = nodeI[i * 5 + 4];
    tree.threshold[i] = nodeF[i * stride];
    tree.impurity[i] = nodeF[i * stride + 1];
    tree.weightedSamples[i] = nodeF[i * stride + 2];
    for (let k = 0; k < outputs; k++) tree.value[i * outputs + k] = nodeF[i * stride + 3 + k];
  }
  return tree;
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
