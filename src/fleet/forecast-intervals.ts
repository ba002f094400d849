import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { quantileSorted } from '../preprocess/quantiles.ts';

/**
 * Prediction intervals of a forecast bundle, from the empirical distribution of its own
 * out-of-sample errors: the residuals (truth - forecast) of the rolling-validation and test
 * windows, each divided by sqrt(step) so steps 1..h pool into one sample (a random-walk-like
 * growth of the error with the horizon: an assumption, stated here rather than hidden). The
 * interval at step k is forecast + quantile * sqrt(k), for any k, also beyond the windows.
 */
export interface ForecastIntervals {
  /** Coverage levels in (0, 1), ascending. */
  readonly levels: Float64Array;
  /** Per level: the (1 - level) / 2 and (1 + level) / 2 quantiles of residual / sqrt(step). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** How many residuals they were estimated from (few residuals: rough intervals). */
  readonly residuals: number;
}

/** The levels every forecast bundle carries. */
export const INTERVAL_LEVELS: readonly number[] = [0.8, 0.95];

/** One level's bounds for steps 1..horizon. */
export interface IntervalBounds {
  readonly level: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Builds intervals from residuals and the step (1-based) each was made at; non-finite residuals
 * are skipped. Null when no residual is finite.
 */
export function intervalsFromResiduals(
  residuals: Float64Array,
  steps: Int32Array,
  levels: readonly number[] = INTERVAL_LEVELS,
): ForecastIntervals | null {
  const scaled: number[] = [];
  for (let i = 0; i < residuals.length; i++)
    if (Number.isFinite(residuals[i])) scaled.push(residuals[i] / Math.sqrt(steps[i]));
  if (scaled.length === 0) return null;
  const sorted = Float64Array.from(scaled).sort();
  const lower = new Float64Array(levels.length);
  const upper = new Float64Array(levels.length);
  for (const [i, level] of levels.entries()) {
    lower[i] = quantileSorted(sorted, (1 - level) / 2);
    upper[i] = quantileSorted(sorted, (1 + level) / 2);
  }
  return { levels: Float64Array.from(levels), lower, upper, residuals: sorted.length };
}

/** Lower and upper bounds around a point forecast, one entry per level. */
export function intervalBounds(intervals: ForecastIntervals, forecast: Float64Array): IntervalBounds[] {
  const out: IntervalBounds[] = [];
  for (let i = 0; i < intervals.levels.length; i++) {
    const lower = new Float64Array(forecast.length);
    const upper = new Float64Array(forecast.length);
    for (let k = 0; k < forecast.length; k++) {
      const spread = Math.sqrt(k + 1);
      lower[k] = forecast[k] + intervals.lower[i] * spread;
      upper[k] = forecast[k] + intervals.upper[i] * spread;
    }
    out.push({ level: intervals.levels[i], lower, upper });
  }
  return out;
}

export function writeIntervals(intervals: ForecastIntervals | null, writer: BinaryWriter): void {
  writer.bool(intervals !== null);
  if (intervals === null) return;
  writer.f64Array(intervals.levels);
  writer.f64Array(intervals.lower);
  writer.f64Array(intervals.upper);
  writer.u32(intervals.residuals);
}

/** Checks what it reads: levels in (0, 1) ascending, bounds finite and ordered, lengths equal. */
export function readIntervals(reader: BinaryReader): ForecastIntervals | null {
  if (!reader.bool()) return null;
  const levels = reader.f64Array();
  const lower = reader.f64Array();
  const upper = reader.f64Array();
  const residuals = reader.u32();
  if (levels.length === 0 || lower.length !== levels.length || upper.length !== levels.length)
    throw reader.corrupt('forecast intervals: level and bound counts differ');
  for (let i = 0; i < levels.length; i++) {
    if (!(levels[i] > 0 && levels[i] < 1) || (i > 0 && !(levels[i] > levels[i - 1])))
      throw reader.corrupt(`forecast intervals: level ${levels[i]}`);
    if (!Number.isFinite(lower[i]) || !Number.isFinite(upper[i]) || lower[i] > upper[i])
      throw reader.corrupt(`forecast intervals: bounds ${lower[i]}, ${upper[i]}`);
  }
  return { levels, lower, upper, residuals };
}
