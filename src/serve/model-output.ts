import type { Matrix } from '../core/matrix.ts';
import { intervalBounds } from '../fleet/forecast-intervals.ts';
import type { Predictor } from '../fleet/predictor.ts';
import type { ServedModel } from '../fleet/serving.ts';
import type { ForecastInterval, Label, ModelRef } from './api-types.ts';

/** JSON has no NaN/Infinity: non-finite numbers are sent as null. */
export function toNullableNumbers(
  values: ArrayLike<number>,
  start = 0,
  end = values.length,
): (number | null)[] {
  const out = new Array<number | null>(end - start);
  for (let i = start; i < end; i++) {
    const v = values[i];
    out[i - start] = Number.isFinite(v) ? v : null;
  }
  return out;
}

export function modelRef(served: ServedModel): ModelRef {
  return {
    key: served.modelKey,
    version: served.version,
    algorithm: served.algorithm,
    fallback: served.fallback,
  };
}

/** Probabilities of row `row` of a rows × classes matrix. */
export function probabilityRow(proba: Matrix, row: number): (number | null)[] {
  return toNullableNumbers(proba.data, row * proba.cols, (row + 1) * proba.cols);
}

/** The most probable class of `row` (NaN probabilities ignored), or null when none is finite. */
export function mostProbable(proba: Matrix, classes: readonly Label[], row: number): Label | null {
  let best = -1;
  let bestP = Number.NEGATIVE_INFINITY;
  const base = row * proba.cols;
  for (let j = 0; j < proba.cols; j++) {
    const p = proba.data[base + j];
    if (p > bestP) {
      bestP = p;
      best = j;
    }
  }
  return best < 0 ? null : (classes[best] ?? null);
}

/** A forecast answer's point forecasts and intervals (none when the bundle stored none). */
export function forecastOutput(
  predictor: Predictor,
  horizon: number,
): { forecast: (number | null)[]; intervals: ForecastInterval[] } {
  const point = (predictor.forecast as (horizon: number) => Float64Array)(horizon);
  const intervals = predictor.intervals
    ? intervalBounds(predictor.intervals, point).map((b) => ({
        level: b.level,
        lower: toNullableNumbers(b.lower),
        upper: toNullableNumbers(b.upper),
      }))
    : [];
  return { forecast: toNullableNumbers(point), intervals };
}
