import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { elasticNetCoordinateDescent } from '../kernels/coordinate-descent.ts';
import { centredGram, trace } from '../kernels/gram.ts';
import { cachedParams } from './cached-params.ts';
import {
  checkShapes,
  decodeLinear,
  encodeLinear,
  type LinearState,
  predictLinear,
  rejectNonFinite,
} from './linear-state.ts';

export interface ElasticNetParams {
  /** Overall penalty strength (sklearn's `alpha`). Default 1. */
  alpha: number;
  /** Share of L1 in the penalty, 0 (ridge-like) to 1 (lasso). Default 0.5. */
  l1Ratio: number;
  /** sklearn's tol: coordinate-change trigger and duality-gap threshold (× ||yc||²). Default 1e-4. */
  tol: number;
  /** Coordinate sweeps at most. Default 1000. */
  maxIter: number;
}

export type LassoParams = Omit<ElasticNetParams, 'l1Ratio'>;

export interface ElasticNetState extends LinearState {
  /** Sweeps run, and the duality gap at the end (in sklearn's n-scaled units; informational). */
  readonly iterations: number;
  readonly dualityGap: number;
}

let gram = new Float64Array(64);
let xty = new Float64Array(8);
let means = new Float64Array(9);

/**
 * sklearn's ElasticNet / Lasso with intercept: minimises
 * (1/(2n))||y - Xw - b||² + alpha·ρ·||w||₁ + ½·alpha·(1-ρ)·||w||², intercept unpenalised (centring).
 */
export function fitElasticNet(
  owner: string,
  X: Matrix,
  y: Float64Array,
  params: Readonly<ElasticNetParams>,
): ElasticNetState {
  const p = X.cols;
  const n = X.rows;
  if (gram.length < p * p) gram = new Float64Array(p * p * 2);
  if (xty.length < p) {
    xty = new Float64Array(p * 2);
    means = new Float64Array(p * 2 + 1);
  }
  const yy = centredGram(X.data, n, p, y, gram, xty, means);
  if ((yy + trace(gram, p)) * 0 !== 0) rejectNonFinite(owner, X, y);
  for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) gram[j * p + i] = gram[i * p + j];
  const coef = new Float64Array(p);
  const { alpha, l1Ratio, tol, maxIter } = params;
  const result = elasticNetCoordinateDescent(
    gram,
    xty,
    yy,
    p,
    n * alpha * l1Ratio,
    n * alpha * (1 - l1Ratio),
    tol,
    maxIter,
    coef,
  );
  let intercept = means[p];
  for (let j = 0; j < p; j++) intercept -= means[j] * coef[j];
  return { coef, intercept, iterations: result.iterations, dualityGap: result.dualityGap };
}

function encode(state: ElasticNetState, writer: BinaryWriter): void {
  encodeLinear(state, writer);
  writer.u32(state.iterations);
  writer.f64(state.dualityGap);
}

function decode(reader: BinaryReader): ElasticNetState {
  const linear = decodeLinear(reader);
  const iterations = reader.u32();
  const dualityGap = reader.f64();
  return { ...linear, iterations, dualityGap };
}

const common = {
  alpha: { type: 'number', min: 0 },
  tol: { type: 'number', min: 0, exclusiveMin: true },
  maxIter: { type: 'number', min: 1, integer: true },
} as const;

const elasticNetParams = cachedParams<ElasticNetParams>(
  'elastic-net',
  { alpha: 1, l1Ratio: 0.5, tol: 1e-4, maxIter: 1000 },
  { ...common, l1Ratio: { type: 'number', min: 0, max: 1 } },
);

const lassoParams = cachedParams<LassoParams>('lasso', { alpha: 1, tol: 1e-4, maxIter: 1000 }, common);

/** Elastic net by cyclic coordinate descent on the Gram matrix (one pass over the data). */
export const elasticNetEstimator: Estimator<ElasticNetParams, ElasticNetState> = {
  name: 'elastic-net',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: elasticNetParams,
  fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): ElasticNetState {
    return fitElasticNet('elastic-net', X, checkShapes('elastic-net', X, y), elasticNetParams(params));
  },
  predict: (state, X, out) => predictLinear('elastic-net', state, X, out),
  featureCount: (state) => state.coef.length,
  encode,
  decode,
};

/** Lasso: the elastic net with l1Ratio = 1 (coefficients exactly 0 where the L1 penalty wins). */
export const lassoEstimator: Estimator<LassoParams, ElasticNetState> = {
  name: 'lasso',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: lassoParams,
  fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): ElasticNetState {
    return fitElasticNet('lasso', X, checkShapes('lasso', X, y), { ...lassoParams(params), l1Ratio: 1 });
  },
  predict: (state, X, out) => predictLinear('lasso', state, X, out),
  featureCount: (state) => state.coef.length,
  encode,
  decode,
};
