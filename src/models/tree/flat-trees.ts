import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';

/** Child index of a leaf (sklearn's TREE_LEAF). */
export const LEAF = -1;
/** Feature index of a leaf (sklearn's TREE_UNDEFINED). */
export const NO_FEATURE = -2;
/** Threshold of a "finite values left, missing right" split: every finite x satisfies x <= it. */
export const ALL_FINITE = Number.MAX_VALUE;

/**
 * One or more binary trees in flat typed arrays. A forest concatenates its trees: tree t owns nodes
 * [roots[t], roots[t + 1]) and its root is roots[t]; child indices are absolute. An internal node sends
 * a row left when X[feature] <= threshold, and a NaN left iff missingLeft = 1; a leaf has feature
 * NO_FEATURE and children LEAF. `value` holds `outputs` numbers per node (leaf predictions).
 */
export interface FlatTrees {
  readonly outputs: number;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly value: Float64Array;
}

export function treeCount(trees: FlatTrees): number {
  return trees.roots.length - 1;
}

/** The leaf reached by the row at data[offset .. offset + cols) from `node`. NaN follows missingLeft. */
export function findLeaf(trees: FlatTrees, node: number, data: Float64Array, offset: number): number {
  const { feature, threshold, left, right, missingLeft } = trees;
  let f = feature[node];
  while (f >= 0) {
    const x = data[offset + f];
    if (x <= threshold[node]) node = left[node];
    else if (Number.isNaN(x) && missingLeft[node] === 1) node = left[node];
    else node = right[node];
    f = feature[node];
  }
  return node;
}

/** Depth of the deepest leaf of tree t (a lone root has depth 0). */
export function treeDepth(trees: FlatTrees, t: number): number {
  const start = trees.roots[t];
  const end = trees.roots[t + 1];
  const depth = new Int32Array(end - start);
  let deepest = 0;
  // Children come after their parent, so one forward pass fills every depth.
  for (let i = start; i < end; i++) {
    const d = depth[i - start];
    if (d > deepest) deepest = d;
    if (trees.left[i] !== LEAF) {
      depth[trees.left[i] - start] = d + 1;
      depth[trees.right[i] - start] = d + 1;
    }
  }
  return deepest;
}

export function leafCount(trees: FlatTrees): number {
  let count = 0;
  for (let i = 0; i < trees.feature.length; i++) if (trees.feature[i] === NO_FEATURE) count++;
  return count;
}

/** Thresholds and values are learned floats (writer.weights, quantizable); structure is exact. */
export function encodeFlatTrees(trees: FlatTrees, writer: BinaryWriter): void {
  writer.u32(trees.outputs);
  writer.i32Array(trees.roots);
  writer.i32Array(trees.feature);
  writer.weights(trees.threshold);
  writer.i32Array(trees.left);
  writer.i32Array(trees.right);
  writer.u8Array(trees.missingLeft);
  writer.weights(trees.value);
}

/**
 * Validates everything predict relies on, so hostile bytes cannot loop or read out of bounds: every
 * child lies strictly after its parent and inside its own tree (so every walk ends at a leaf), every
 * feature is < featureCount, lengths agree, thresholds are not NaN and values are finite.
 */
export function decodeFlatTrees(
  reader: BinaryReader,
  featureCount: number,
  expectedOutputs?: number,
): FlatTrees {
  const outputs = reader.u32();
  if (outputs < 1 || (expectedOutputs !== undefined && outputs !== expectedOutputs))
    throw reader.corrupt(`tree outputs ${outputs} (expected ${expectedOutputs ?? '>= 1'})`);
  const roots = reader.i32Array();
  const feature = reader.i32Array();
  const threshold = reader.weights();
  const left = reader.i32Array();
  const right = reader.i32Array();
  const missingLeft = reader.u8Array();
  const value = reader.weights();
  const nodes = feature.length;
  if (
    threshold.length !== nodes ||
    left.length !== nodes ||
    right.length !== nodes ||
    missingLeft.length !== nodes ||
    value.length !== nodes * outputs
  )
    throw reader.corrupt('tree arrays have inconsistent lengths');
  // Zero trees are allowed (a boosted model of a single class is its baseline alone).
  if (roots.length < 1 || roots[0] !== 0 || roots[roots.length - 1] !== nodes)
    throw reader.corrupt('tree roots do not cover the nodes');
  for (let t = 0; t + 1 < roots.length; t++) {
    const start = roots[t];
    const end = roots[t + 1];
    if (!(end > start)) throw reader.corrupt(`tree ${t} is empty`);
    for (let i = start; i < end; i++) {
      const f = feature[i];
      if (f === NO_FEATURE) {
        if (left[i] !== LEAF || right[i] !== LEAF) throw reader.corrupt(`leaf ${i} has children`);
      } else {
        if (!(f >= 0 && f < featureCount)) throw reader.corrupt(`node ${i} feature ${f} out of range`);
        if (!(left[i] > i && left[i] < end && right[i] > i && right[i] < end))
          throw reader.corrupt(`node ${i} children ${left[i]}, ${right[i]} out of range`);
        if (Number.isNaN(threshold[i])) throw reader.corrupt(`node ${i} threshold is NaN`);
      }
      if (missingLeft[i] > 1) throw reader.corrupt(`node ${i} missing flag ${missingLeft[i]}`);
    }
  }
  for (let i = 0; i < value.length; i++)
    if (!Number.isFinite(value[i])) throw reader.corrupt(`tree value ${i} is not finite`);
  return { outputs, roots, feature, threshold, left, right, missingLeft, value };
}
