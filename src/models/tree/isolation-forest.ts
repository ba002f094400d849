import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { AimassError, paramError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix } from '../validate-input.ts';
import {
  decodeFlatTrees,
  encodeFlatTrees,
  type FlatTrees,
  findLeaf,
  LEAF,
  NO_FEATURE,
  treeCount,
} from './flat-trees.ts';
import { quantile } from './hgb-loss.ts';
import { outputVector } from './tree-common.ts';

export interface IsolationForestParams {
  /** Trees. Default 50 (was 100: bundles were ~500 KB each). */
  nEstimators: number;
  /** Rows per tree: 'auto' = min(128, rows), a fraction in (0, 1], or an integer count >= 2. */
  maxSamples: 'auto' | number;
  /**
   * 'auto': outlier when the score exceeds 0.5 (sklearn's offset -0.5); a fraction in (0, 0.5]:
   * the threshold is the (1 - contamination) quantile of the training scores.
   */
  contamination: 'auto' | number;
}

/** Leaf values are path lengths (depth + c(leaf rows)); score = 2^(-mean path / c(sampleSize)). */
export interface IsolationForestState {
  featureCount: number;
  sampleSize: number;
  /** predict() = 1 where score > threshold. */
  threshold: number;
  trees: FlatTrees;
}

const name = 'isolation-forest';
const defaults: IsolationForestParams = { nEstimators: 50, maxSamples: 'auto', contamination: 'auto' };
const rules: ParamRules<IsolationForestParams> = {
  nEstimators: { type: 'number', integer: true, min: 1 },
  maxSamples: { type: 'any' },
  contamination: { type: 'any' },
};

function resolve(given?: unknown): Readonly<IsolationForestParams> {
  const params = resolveParams(name, defaults, rules, given);
  const m = params.maxSamples;
  if (m !== 'auto' && !(typeof m === 'number' && ((m > 0 && m <= 1) || (Number.isInteger(m) && m >= 2))))
    throw paramError(name, 'maxSamples', m, "'auto', a fraction in (0, 1] or an integer >= 2");
  const c = params.contamination;
  if (c !== 'auto' && !(typeof c === 'number' && c > 0 && c <= 0.5))
    throw paramError(name, 'contamination', c, "'auto' or a fraction in (0, 0.5]");
  return params;
}

/** Average path length of an unsuccessful BST search among n points (c(n) of Liu et al.). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

// Builder scratch, reused across fits.
let rowsPool = new Int32Array(0);
let stackPool = new Int32Array(0);
let featurePool = new Int32Array(0);

/** Isolation forest (Liu et al. 2008; sklearn IsolationForest). NaN is rejected: impute first. */
export const isolationForest: Estimator<IsolationForestParams, IsolationForestState> = {
  name,
  stateVersion: 1,
  tasks: ['anomaly'],
  nanPolicy: 'reject',
  params: resolve,
  fit(X: Matrix, _y: Float64Array | null, given: unknown, rng: Rng): IsolationForestState {
    const params = resolve(given);
    checkMatrix(name, X, 'reject');
    if (X.rows === 0) throw new AimassError('DATA_INVALID', `${name}: no training rows`, { field: 'X' });
    const n = X.rows;
    const cols = X.cols;
    const m = params.maxSamples;
    const sampleSize =
      m === 'auto' ? Math.min(128, n) : m <= 1 ? Math.max(1, Math.floor(m * n)) : Math.min(m, n);
    const maxDepth = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
    const perTree = 2 * sampleSize - 1;
    const total = perTree * params.nEstimators;
    const feature = new Int32Array(total);
    const threshold = new Float64Array(total);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const value = new Float64Array(total);
    const roots = new Int32Array(params.nEstimators + 1);
    if (rowsPool.length < n) rowsPool = new Int32Array(n);
    if (stackPool.length < 3 * perTree + 3) stackPool = new Int32Array(3 * perTree + 3);
    if (featurePool.length < cols) featurePool = new Int32Array(cols);
    const rows = rowsPool;
    const stack = stackPool;
    const features = featurePool;
    const data = X.data;
    let nodes = 0;
    for (let t = 0; t < params.nEstimators; t++) {
      const treeRng = rng.fork();
      roots[t] = nodes;
      // The first sampleSize entries of a partial Fisher-Yates shuffle: a sample without replacement.
      for (let i = 0; i < n; i++) rows[i] = i;
      for (let i = 0; i < sampleSize; i++) {
        const j = i + treeRng.int(n - i);
        const swap = rows[i];
        rows[i] = rows[j];
        rows[j] = swap;
      }
      // Stack frames (start, end, depth); a node's index is assigned when popped (preorder).
      let top = 0;
      stack[0] = 0;
      stack[1] = sampleSize;
      stack[2] = 0;
      top = 1;
      const parentOf: number[] = [-1];
      const isLeftChild: boolean[] = [false];
      while (top > 0) {
        top--;
        const start = stack[top * 3];
        const end = stack[top * 3 + 1];
        const depth = stack[top * 3 + 2];
        const parent = parentOf.pop()!;
        const wasLeft = isLeftChild.pop()!;
        const node = nodes++;
        if (parent >= 0) {
          if (wasLeft) left[parent] = node;
          else right[parent] = node;
        }
        feature[node] = NO_FEATURE;
        left[node] = LEAF;
        right[node] = LEAF;
        value[node] = depth + averagePathLength(end - start);
        if (depth >= maxDepth || end - start <= 1) continue;
        // Random features (without replacement) until one is not constant on the node's rows.
        for (let f = 0; f < cols; f++) features[f] = f;
        let chosen = -1;
        let low = 0;
        let high = 0;
        for (let drawn = 0; drawn < cols && chosen < 0; drawn++) {
          const pick = drawn + treeRng.int(cols - drawn);
          const f = features[pick];
          features[pick] = features[drawn];
          features[drawn] = f;
          low = Number.POSITIVE_INFINITY;
          high = Number.NEGATIVE_INFINITY;
          for (let k = start; k < end; k++) {
            const x = data[rows[k] * cols + f];
            if (x < low) low = x;
            if (x > high) high = x;
          }
          if (high > low) chosen = f;
        }
        if (chosen < 0) continue;
        let split = low + treeRng.next() * (high - low);
        if (!(split < high)) split = low;
        let l = start;
        for (let k = start; k < end; k++) {
          if (data[rows[k] * cols + chosen] <= split) {
            const swap = rows[k];
            rows[k] = rows[l];
            rows[l++] = swap;
          }
        }
        feature[node] = chosen;
        threshold[node] = split;
        stack[top * 3] = l;
        stack[top * 3 + 1] = end;
        stack[top * 3 + 2] = depth + 1;
        parentOf.push(node);
        isLeftChild.push(false);
        top++;
        stack[top * 3] = start;
        stack[top * 3 + 1] = l;
        stack[top * 3 + 2] = depth + 1;
        parentOf.push(node);
        isLeftChild.push(true);
        top++;
      }
    }
    roots[params.nEstimators] = nodes;
    const trees: FlatTrees = {
      outputs: 1,
      roots,
      feature: feature.slice(0, nodes),
      threshold: threshold.slice(0, nodes),
      left: left.slice(0, nodes),
      right: right.slice(0, nodes),
      missingLeft: new Uint8Array(nodes),
      value: value.slice(0, nodes),
    };
    const state: IsolationForestState = { featureCount: cols, sampleSize, threshold: 0.5, trees };
    if (params.contamination !== 'auto') {
      const scores = isolationForest.score!(state, X);
      state.threshold = quantile(scores, scores.length, 1 - params.contamination);
    }
    return state;
  },
  predict(state, X, out) {
    const result = outputVector(name, X.rows, out);
    isolationForest.score!(state, X, result);
    for (let r = 0; r < X.rows; r++) result[r] = result[r] > state.threshold ? 1 : 0;
    return result;
  },
  score(state, X, out) {
    checkFeatureCount(name, X, state.featureCount);
    checkMatrix(name, X, 'reject');
    const result = outputVector(name, X.rows, out);
    const { trees } = state;
    const count = treeCount(trees);
    const scale = averagePathLength(state.sampleSize) * count;
    for (let r = 0; r < X.rows; r++) {
      let total = 0;
      for (let t = 0; t < count; t++)
        total += trees.value[findLeaf(trees, trees.roots[t], X.data, r * X.cols)];
      // A one-row sample has c(1) = 0: every point is equally (un)isolated, score 2^0 = 1 → use 0.5.
      result[r] = scale > 0 ? 2 ** (-total / scale) : 0.5;
    }
    return result;
  },
  featureCount: (state) => state.featureCount,
  encode(state, writer: BinaryWriter) {
    writer.u32(state.featureCount);
    writer.u32(state.sampleSize);
    writer.f64(state.threshold);
    encodeFlatTrees(state.trees, writer);
  },
  decode(reader: BinaryReader): IsolationForestState {
    const featureCount = reader.count(1 << 24, 'feature count');
    const sampleSize = reader.u32();
    if (sampleSize < 1) throw reader.corrupt('sample size 0');
    const threshold = reader.finite('threshold');
    const trees = decodeFlatTrees(reader, featureCount, 1);
    if (treeCount(trees) < 1) throw reader.corrupt('a forest needs at least one tree');
    return { featureCount, sampleSize, threshold, trees };
  },
};
