import { ALL_FINITE, type FlatTrees, LEAF, NO_FEATURE } from './flat-trees.ts';
import { type BinEdges, MISSING_BIN } from './hgb-binning.ts';
import { grown } from './hgb-grower.ts';

/**
 * Accumulates boosted trees in bin space while fitting (growable typed arrays, reused across fits),
 * predicts binned rows for the training/validation updates, and converts to FlatTrees with raw-unit
 * thresholds at the end (so predict needs no binning).
 */
export class BinnedForest {
  nodes = 0;
  trees = 0;
  roots: Int32Array = new Int32Array(16);
  feature: Int32Array = new Int32Array(256);
  bin: Int32Array = new Int32Array(256);
  missingLeft: Uint8Array = new Uint8Array(256);
  left: Int32Array = new Int32Array(256);
  right: Int32Array = new Int32Array(256);
  value: Float64Array = new Float64Array(256);

  reset(): void {
    this.nodes = 0;
    this.trees = 0;
    this.roots[0] = 0;
  }

  /** Appends the tree in `grown` (its child indices shifted to absolute ones). */
  appendGrown(): number {
    const count = grown.nodeCount;
    this.reserve(this.nodes + count, this.trees + 2);
    const offset = this.nodes;
    this.roots[this.trees] = offset;
    for (let i = 0; i < count; i++) {
      const leaf = grown.left[i] < 0;
      this.feature[offset + i] = leaf ? NO_FEATURE : grown.feature[i];
      this.bin[offset + i] = grown.bin[i];
      this.missingLeft[offset + i] = grown.missingLeft[i];
      this.left[offset + i] = leaf ? LEAF : grown.left[i] + offset;
      this.right[offset + i] = leaf ? LEAF : grown.right[i] + offset;
      this.value[offset + i] = grown.value[i];
    }
    this.nodes += count;
    this.trees++;
    this.roots[this.trees] = this.nodes;
    return offset;
  }

  private reserve(nodes: number, roots: number): void {
    if (roots > this.roots.length) this.roots = grow(this.roots, roots) as Int32Array;
    if (nodes <= this.feature.length) return;
    this.feature = grow(this.feature, nodes) as Int32Array;
    this.bin = grow(this.bin, nodes) as Int32Array;
    this.missingLeft = grow(this.missingLeft, nodes) as Uint8Array;
    this.left = grow(this.left, nodes) as Int32Array;
    this.right = grow(this.right, nodes) as Int32Array;
    this.value = grow(this.value, nodes) as Float64Array;
  }

  /** Adds tree `root`'s prediction for each binned row r (column-major, `rows` rows) to out[at + r]. */
  addBinnedPrediction(root: number, binned: Uint8Array, rows: number, out: Float64Array, at: number): void {
    const { feature, bin, missingLeft, left, right, value } = this;
    for (let r = 0; r < rows; r++) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        const b = binned[f * rows + r];
        const goLeft = b === MISSING_BIN ? missingLeft[node] === 1 : b <= bin[node];
        node = goLeft ? left[node] : right[node];
        f = feature[node];
      }
      out[at + r] += value[node];
    }
  }

  /** Fresh FlatTrees; a split at the last real bin (finite left, NaN right) gets ALL_FINITE. */
  toFlat(edges: BinEdges): FlatTrees {
    const n = this.nodes;
    const threshold = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const f = this.feature[i];
      if (f < 0) continue;
      const index = edges.offsets[f] + this.bin[i];
      threshold[i] = index < edges.offsets[f + 1] ? edges.edges[index] : ALL_FINITE;
    }
    return {
      outputs: 1,
      roots: this.roots.slice(0, this.trees + 1),
      feature: this.feature.slice(0, n),
      threshold,
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      missingLeft: this.missingLeft.slice(0, n),
      value: this.value.slice(0, n),
    };
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, needed: number): T {
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const out = new (array.constructor as new (n: number) => T)(size);
  out.set(array);
  return out;
}
