export type { CartCriterion } from './cart-builder.ts';
export {
  type DecisionTreeParams,
  type DecisionTreeState,
  decisionTreeClassifier,
  decisionTreeRegressor,
} from './decision-tree.ts';
export {
  ALL_FINITE,
  decodeFlatTrees,
  encodeFlatTrees,
  type FlatTrees,
  findLeaf,
  treeCount,
  treeDepth,
} from './flat-trees.ts';
export {
  type FitWithValidation,
  type HgbParams,
  type HgbState,
  hgbClassifier,
  hgbRegressor,
} from './hgb.ts';
export {
  averagePathLength,
  type IsolationForestParams,
  type IsolationForestState,
  isolationForest,
} from './isolation-forest.ts';
export {
  type RandomForestParams,
  type RandomForestState,
  randomForestClassifier,
  randomForestRegressor,
} from './random-forest.ts';
export type { MaxFeatures } from './tree-common.ts';
