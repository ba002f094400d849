import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';

/** Extra inputs some metrics need; each metric documents which fields it reads. */
export interface MetricContext {
  /** Class probabilities, rows × classes in the order of `classes` (multiclass log loss). */
  proba?: Matrix;
  /** Class labels: the column order of `proba`, or the label set for averaged scores. */
  classes?: Float64Array;
  /** The positive class of binary scores. Default 1. */
  positiveLabel?: number;
  /** How per-class precision / recall / F1 combine. Default 'binary'. */
  average?: Average;
  /** The training series (MASE's in-sample seasonal-naive scale). */
  train?: Float64Array;
  /** Seasonal period m of MASE. Default 1. */
  seasonalPeriod?: number;
  /** Anomaly metrics: a score >= threshold is flagged. Default 0.5. */
  threshold?: number;
}

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

/**
 * A scalar evaluation metric. `direction` says which way is better; model selection compares values
 * only through `isBetter`. Undefined values (no rows, a zero denominator the convention does not
 * cover) are NaN, and NaN never wins.
 */
export interface Metric {
  readonly name: string;
  readonly direction: 'min' | 'max';
  compute(yTrue: Float64Array, yPred: Float64Array, context?: MetricContext): number;
}

/** True when `a` is strictly better than `b` for this metric; a number beats NaN, NaN beats nothing. */
export function isBetter(metric: Pick<Metric, 'direction'>, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return metric.direction === 'min' ? a < b : a > b;
}

export function checkSameLength(owner: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length)
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: y_true has ${yTrue.length} values but y_pred has ${yPred.length}`,
      { field: 'yPred', expected: String(yTrue.length) },
    );
}
