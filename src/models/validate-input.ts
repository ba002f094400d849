import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import type { NanPolicy } from './estimator.ts';

/**
 * Checks X before fit or predict. ±Infinity is always rejected; NaN only under the 'reject' policy.
 * The error names the row and column (as a string index) so callers can map it to a feature name.
 */
export function checkMatrix(owner: string, X: Matrix, policy: NanPolicy): void {
  const { data, cols } = X;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (value - value !== 0) {
      // value - value is NaN for NaN and ±Infinity: one comparison per cell on the happy path.
      if (Number.isNaN(value) && policy === 'native') continue;
      const row = Math.floor(i / cols);
      const column = i - row * cols;
      throw new AimassError(
        'DATA_INVALID',
        `${owner}: X[${row}, ${column}] is ${value}; ${Number.isNaN(value) ? 'impute missing values first' : 'infinite values are not allowed'}`,
        {
          field: 'X',
          row,
          column: String(column),
          value,
        },
      );
    }
  }
}

/** Checks y: finite, one value per row of X. */
export function checkTarget(owner: string, X: Matrix, y: Float64Array | null): Float64Array {
  if (y === null) throw new AimassError('DATA_INVALID', `${owner}: a target y is required`, { field: 'y' });
  if (y.length !== X.rows)
    throw new AimassError('DATA_INVALID', `${owner}: y has ${y.length} values but X has ${X.rows} rows`, {
      field: 'y',
    });
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]))
      throw new AimassError('DATA_INVALID', `${owner}: y[${i}] is ${y[i]}`, {
        field: 'y',
        row: i,
        value: y[i],
      });
  }
  if (X.rows === 0) throw new AimassError('DATA_INVALID', `${owner}: no training rows`, { field: 'X' });
  return y;
}

/** Checks that X has the number of features the state was fitted with. */
export function checkFeatureCount(owner: string, X: Matrix, expected: number): void {
  if (X.cols !== expected) {
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: X has ${X.cols} features, the model was fitted on ${expected}`,
      { field: 'X', expected: String(expected) },
    );
  }
}
