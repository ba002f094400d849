export { cachedParams } from './cached-params.ts';
export { classIndex, classIndices, sortedClasses } from './class-labels.ts';
export {
  type ElasticNetParams,
  type ElasticNetState,
  elasticNetEstimator,
  fitElasticNet,
  type LassoParams,
  lassoEstimator,
} from './elastic-net.ts';
export type { LinearState } from './linear-state.ts';
export { type LogisticParams, type LogisticState, logisticEstimator } from './logistic.ts';
export { fitLogisticNewton, type LogisticFit } from './logistic-newton.ts';
export { fitLeastSquares, type OlsParams, olsEstimator, type RidgeParams, ridgeEstimator } from './ridge.ts';
