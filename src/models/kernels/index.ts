export { choleskyInPlace, choleskySolve } from './cholesky.ts';
export {
  type CoordinateDescentResult,
  elasticNetCoordinateDescent,
  elasticNetDualityGap,
} from './coordinate-descent.ts';
export { centredGram, trace } from './gram.ts';
export { linearPredict } from './linear-predict.ts';
export { RANK_TOLERANCE, solveNormalEquations } from './solve-normal-equations.ts';
export { symmetricEigen } from './symmetric-eigen.ts';
export { columnMeans, weightedGram } from './weighted-gram.ts';
