import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { AimassError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { linearPredict } from '../kernels/linear-predict.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';

/** Fitted state shared by OLS, ridge, lasso and elastic net: y ≈ intercept + X · coef. */
export interface LinearState {
  readonly coef: Float64Array;
  readonly intercept: number;
}

export function encodeLinear(state: LinearState, writer: BinaryWriter): void {
  writer.weights(state.coef);
  writer.f64(state.intercept);
}

export function decodeLinear(reader: BinaryReader): LinearState {
  const coef = reader.weights();
  for (let j = 0; j < coef.length; j++)
    if (!Number.isFinite(coef[j])) throw reader.corrupt(`coefficient ${j} is not finite`);
  const intercept = reader.finite('intercept');
  return { coef, intercept };
}

/** Predict with the 'reject' NaN policy checked after the fact (NaN propagates into the sum). */
export function predictLinear(
  owner: string,
  state: LinearState,
  X: Matrix,
  out?: Float64Array,
): Float64Array {
  checkFeatureCount(owner, X, state.coef.length);
  const result = out ?? new Float64Array(X.rows);
  const total = linearPredict(X.data, X.rows, X.cols, state.coef, state.intercept, result);
  if (total - total !== 0) checkMatrix(owner, X, 'reject');
  return result;
}

/** Cheap shape checks before a fit; the per-cell checks run only when the sums come out non-finite. */
export function checkShapes(owner: string, X: Matrix, y: Float64Array | null): Float64Array {
  if (y === null || y.length !== X.rows || X.rows === 0) return checkTarget(owner, X, y);
  return y;
}

/** Called when accumulated sums are not finite: names the bad cell, or reports an overflow. */
export function rejectNonFinite(owner: string, X: Matrix, y: Float64Array): never {
  checkMatrix(owner, X, 'reject');
  checkTarget(owner, X, y);
  throw new AimassError('DATA_INVALID', `${owner}: values too large, sums of squares overflow`, {
    field: 'X',
  });
}
