import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import type { Matrix } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';
import { buildCart, type CartCriterion, type CartTree, cartImportances } from './cart-builder.ts';
import {
  decodeFlatTrees,
  encodeFlatTrees,
  type FlatTrees,
  findLeaf,
  leafCount,
  treeDepth,
} from './flat-trees.ts';
import { presort } from './presort.ts';
import { pruneCart } from './prune.ts';
import {
  argmax,
  checkMaxFeatures,
  decodeClasses,
  encodeClasses,
  encodeLabels,
  type MaxFeatures,
  outputMatrix,
  outputVector,
  resolveMaxFeatures,
} from './tree-common.ts';

export interface DecisionTreeParams {
  /** 'squared_error' (regressor); 'gini' (classifier default) or 'entropy'. */
  criterion: CartCriterion;
  /** Maximum depth; null = grow until leaves are pure or too small. Default null. */
  maxDepth: number | null;
  /** A node with fewer rows is not split. Default 2. */
  minSamplesSplit: number;
  /** Each child keeps at least this many rows. Default 1. */
  minSamplesLeaf: number;
  /** Features examined per split (see MaxFeatures); default null = all. */
  maxFeatures: MaxFeatures;
  /** Minimal cost-complexity pruning strength (sklearn's ccp_alpha). Default 0 = no pruning. */
  ccpAlpha: number;
}

/**
 * A fitted CART tree: one tree in flat arrays (value = mean for regression, weighted class counts for
 * classification, as sklearn's tree_.value), per-node impurity and row counts, and importances.
 */
export interface DecisionTreeState {
  featureCount: number;
  /** Sorted labels (classifier) or null (regressor). */
  classes: Float64Array | null;
  tree: FlatTrees;
  impurity: Float64Array;
  nSamples: Int32Array;
  importances: Float64Array;
  depth: number;
  leaves: number;
}

const rules = (classification: boolean): ParamRules<DecisionTreeParams> => ({
  criterion: { type: 'enum', values: classification ? ['gini', 'entropy'] : ['squared_error'] },
  maxDepth: { type: 'number', integer: true, min: 1, nullable: true },
  minSamplesSplit: { type: 'number', integer: true, min: 2 },
  minSamplesLeaf: { type: 'number', integer: true, min: 1 },
  maxFeatures: { type: 'any' },
  ccpAlpha: { type: 'number', min: 0 },
});

function makeDecisionTree(classification: boolean): Estimator<DecisionTreeParams, DecisionTreeState> {
  const name = classification ? 'decision-tree-classifier' : 'decision-tree';
  const defaults: DecisionTreeParams = {
    criterion: classification ? 'gini' : 'squared_error',
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: null,
    ccpAlpha: 0,
  };
  const paramRules = rules(classification);
  const resolve = (given?: unknown): Readonly<DecisionTreeParams> => {
    const params = resolveParams(name, defaults, paramRules, given);
    checkMaxFeatures(name, params.maxFeatures);
    return params;
  };

  const estimator: Estimator<DecisionTreeParams, DecisionTreeState> = {
    name,
    stateVersion: 1,
    tasks: [classification ? 'classification' : 'regression'],
    nanPolicy: 'native',
    params: resolve,
    fit(X: Matrix, y: Float64Array | null, given: unknown, rng: Rng): DecisionTreeState {
      const params = resolve(given);
      checkMatrix(name, X, 'native');
      const target = checkTarget(name, X, y);
      let classes: Float64Array | null = null;
      let codes = target;
      if (classification) ({ classes, codes } = encodeLabels(target));
      const data = presort(X);
      const maxFeatures = resolveMaxFeatures(params.maxFeatures, X.cols);
      let tree = buildCart(data, codes, classes?.length ?? 0, null, {
        criterion: params.criterion,
        maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
        minSamplesSplit: params.minSamplesSplit,
        minSamplesLeaf: params.minSamplesLeaf,
        maxFeatures,
        rng: maxFeatures < X.cols ? rng.fork() : null,
      });
      tree = pruneCart(tree, params.ccpAlpha);
      return stateFromCart(tree, X.cols, classes);
    },
    predict(state, X, out) {
      checkFeatureCount(name, X, state.featureCount);
      checkMatrix(name, X, 'native');
      const result = outputVector(name, X.rows, out);
      const { tree, classes } = state;
      const outputs = tree.outputs;
      for (let r = 0; r < X.rows; r++) {
        const leaf = findLeaf(tree, 0, X.data, r * X.cols);
        result[r] =
          classes === null ? tree.value[leaf] : classes[argmax(tree.value, leaf * outputs, outputs)];
      }
      return result;
    },
    featureCount: (state) => state.featureCount,
    encode(state, writer: BinaryWriter) {
      writer.u32(state.featureCount);
      if (classification) encodeClasses(state.classes!, writer);
      encodeFlatTrees(state.tree, writer);
      writer.weights(state.impurity);
      writer.i32Array(state.nSamples);
      writer.weights(state.importances);
    },
    decode(reader: BinaryReader): DecisionTreeState {
      const featureCount = reader.count(1 << 24, 'feature count');
      const classes = classification ? decodeClasses(reader) : null;
      const tree = decodeFlatTrees(reader, featureCount, classes?.length ?? 1);
      if (tree.roots.length !== 2) throw reader.corrupt('a decision tree holds exactly one tree');
      const impurity = reader.weights();
      const nSamples = reader.i32Array();
      const importances = reader.weights();
      const nodes = tree.feature.length;
      if (impurity.length !== nodes || nSamples.length !== nodes || importances.length !== featureCount)
        throw reader.corrupt('decision tree arrays have inconsistent lengths');
      return {
        featureCount,
        classes,
        tree,
        impurity,
        nSamples,
        importances,
        depth: treeDepth(tree, 0),
        leaves: leafCount(tree),
      };
    },
  };
  if (classification) {
    estimator.classes = (state) => state.classes!;
    estimator.predictProba = (state, X, out) => {
      checkFeatureCount(name, X, state.featureCount);
      checkMatrix(name, X, 'native');
      const { tree } = state;
      const k = tree.outputs;
      const result = outputMatrix(name, X.rows, k, out);
      for (let r = 0; r < X.rows; r++) {
        const leaf = findLeaf(tree, 0, X.data, r * X.cols);
        let total = 0;
        for (let c = 0; c < k; c++) total += tree.value[leaf * k + c];
        for (let c = 0; c < k; c++) result.data[r * k + c] = tree.value[leaf * k + c] / total;
      }
      return result;
    };
  }
  return estimator;
}

function stateFromCart(tree: CartTree, cols: number, classes: Float64Array | null): DecisionTreeState {
  const flat: FlatTrees = {
    outputs: tree.outputs,
    roots: Int32Array.of(0, tree.nodeCount),
    feature: tree.feature,
    threshold: tree.threshold,
    left: tree.left,
    right: tree.right,
    missingLeft: tree.missingLeft,
    value: tree.value,
  };
  return {
    featureCount: cols,
    classes,
    tree: flat,
    impurity: tree.impurity,
    nSamples: tree.nSamples,
    importances: cartImportances(tree, cols),
    depth: treeDepth(flat, 0),
    leaves: leafCount(flat),
  };
}

/** CART regression tree (sklearn DecisionTreeRegressor): squared error, exact splits. */
export const decisionTreeRegressor = makeDecisionTree(false);
/** CART classification tree (sklearn DecisionTreeClassifier): gini or entropy, exact splits. */
export const decisionTreeClassifier = makeDecisionTree(true);
