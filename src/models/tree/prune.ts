import type { CartTree } from './cart-builder.ts';
import { LEAF, NO_FEATURE } from './flat-trees.ts';

/**
 * Minimal cost-complexity pruning (Breiman et al.; sklearn's `_cost_complexity_prune`): repeatedly
 * collapse the internal node with the smallest effective alpha
 *   (R(t) - R(T_t)) / (|leaves(T_t)| - 1),  R(t) = weighted samples(t) / total * impurity(t),
 * while that alpha is <= ccpAlpha. Trees are small (≤ a few thousand nodes), so the O(nodes²) loop is
 * fine. Returns the tree itself when nothing is pruned; kept nodes stay in preorder.
 */
export function pruneCart(tree: CartTree, ccpAlpha: number): CartTree {
  const n = tree.nodeCount;
  if (ccpAlpha <= 0 || n <= 1) return tree;
  const { left, right } = tree;
  const total = tree.weightedSamples[0];
  const rNode = new Float64Array(n);
  for (let i = 0; i < n; i++) rNode[i] = (tree.weightedSamples[i] * tree.impurity[i]) / total;
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (left[i] !== LEAF) {
      parent[left[i]] = i;
      parent[right[i]] = i;
    }
  }
  // isLeaf marks the leaves of the current pruned tree; inTree the nodes still reachable.
  const isLeaf = new Uint8Array(n);
  const inTree = new Uint8Array(n).fill(1);
  const rBranch = new Float64Array(n);
  const leaves = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (left[i] === LEAF) {
      isLeaf[i] = 1;
      rBranch[i] = rNode[i];
      leaves[i] = 1;
    } else {
      rBranch[i] = rBranch[left[i]] + rBranch[right[i]];
      leaves[i] = leaves[left[i]] + leaves[right[i]];
    }
  }
  while (isLeaf[0] === 0) {
    let best = -1;
    let bestAlpha = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (inTree[i] === 0 || isLeaf[i] === 1) continue;
      const alpha = (rNode[i] - rBranch[i]) / (leaves[i] - 1);
      if (alpha < bestAlpha) {
        bestAlpha = alpha;
        best = i;
      }
    }
    if (ccpAlpha < bestAlpha) break;
    // Collapse `best`: its descendants leave the tree, and its ancestors lose the branch's leaves.
    const leafDelta = leaves[best] - 1;
    const riskDelta = rBranch[best] - rNode[best];
    markDescendants(best, left, right, inTree);
    isLeaf[best] = 1;
    leaves[best] = 1;
    rBranch[best] = rNode[best];
    for (let a = parent[best]; a >= 0; a = parent[a]) {
      leaves[a] -= leafDelta;
      rBranch[a] -= riskDelta;
    }
  }
  return compact(tree, inTree, isLeaf);
}

function markDescendants(node: number, left: Int32Array, right: Int32Array, inTree: Uint8Array): void {
  const stack = [left[node], right[node]];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (i === LEAF || inTree[i] === 0) continue;
    inTree[i] = 0;
    stack.push(left[i], right[i]);
  }
}

function compact(tree: CartTree, inTree: Uint8Array, isLeaf: Uint8Array): CartTree {
  const n = tree.nodeCount;
  const outputs = tree.outputs;
  const newId = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) if (inTree[i] === 1) newId[i] = count++;
  if (count === n) return tree;
  const out: CartTree = {
    nodeCount: count,
    outputs,
    feature: new Int32Array(count),
    threshold: new Float64Array(count),
    left: new Int32Array(count),
    right: new Int32Array(count),
    missingLeft: new Uint8Array(count),
    value: new Float64Array(count * outputs),
    impurity: new Float64Array(count),
    nSamples: new Int32Array(count),
    weightedSamples: new Float64Array(count),
  };
  for (let i = 0; i < n; i++) {
    const j = newId[i];
    if (j < 0) continue;
    const leaf = isLeaf[i] === 1;
    out.feature[j] = leaf ? NO_FEATURE : tree.feature[i];
    out.threshold[j] = leaf ? 0 : tree.threshold[i];
    out.left[j] = leaf ? LEAF : newId[tree.left[i]];
    out.right[j] = leaf ? LEAF : newId[tree.right[i]];
    out.missingLeft[j] = leaf ? 0 : tree.missingLeft[i];
    out.value.set(tree.value.subarray(i * outputs, (i + 1) * outputs), j * outputs);
    out.impurity[j] = tree.impurity[i];
    out.nSamples[j] = tree.nSamples[i];
    out.weightedSamples[j] = tree.weightedSamples[i];
  }
  return out;
}
