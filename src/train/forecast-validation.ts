import { isAimassError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { Metric, MetricContext } from '../metrics/metric.ts';
import type { AnyForecaster } from '../models/estimator.ts';

/**
 * How one series is validated. Every window is `window` points long and time-ordered: the test
 * window is the last one; `origins` rolling validation windows end where the next one starts,
 * each scored by a fit on everything before it.
 */
export interface ForecastLayout {
  /** 'full': the fleet's candidates on windows of the horizon; 'short': simple forecasters only. */
  readonly kind: 'full' | 'short';
  /** Window length: the horizon, or less for a short series. */
  readonly window: number;
  /** Rolling validation origins before the test window (0: too short to validate anything). */
  readonly origins: number;
}

/** Validation windows a candidate is scored on, at most (one window is too noisy to choose by). */
export const MAX_ORIGINS = 3;
/** Points a short series' smallest fit keeps (drift and damped Holt need a few to see a slope). */
const SHORT_MIN_FIT = 3;

/**
 * Full layout when the series has `minRows` points and room for a test window, one validation
 * window and two seasons before them; otherwise short: windows of up to a third of what is left
 * after a 3-point fit (a 9-point series: test window 2, origins at 5 and 3 points).
 */
export function forecastLayout(
  rows: number,
  horizon: number,
  period: number,
  minRows: number,
): ForecastLayout {
  if (rows >= minRows && rows >= 2 * horizon + period + 1) {
    const origins = Math.max(
      1,
      Math.min(MAX_ORIGINS, Math.floor((rows - 2 * horizon - 2 * period) / horizon) + 1),
    );
    return { kind: 'full', window: horizon, origins };
  }
  const window = Math.max(1, Math.min(horizon, Math.floor((rows - SHORT_MIN_FIT) / 3)));
  const origins = Math.max(0, Math.min(MAX_ORIGINS, Math.floor((rows - SHORT_MIN_FIT - window) / window)));
  return { kind: 'short', window, origins };
}

/** A candidate's rolling-validation result. */
export interface Validation {
  /** Mean metric over the origins (NaN when any origin is NaN). */
  readonly score: number;
  readonly perOrigin: Float64Array;
  /** truth - forecast for each origin and step, origin-major; `steps` holds each one's step (1-based). */
  readonly residuals: Float64Array;
  readonly steps: Int32Array;
}

/** The metric of one window; MASE reads the window's own training series. */
export function windowScore(
  metric: Metric,
  train: Float64Array,
  truth: Float64Array,
  predicted: Float64Array,
  period: number,
): number {
  const context: MetricContext = { train, seasonalPeriod: train.length > period ? period : 1 };
  return metric.compute(truth, predicted, context);
}

/** Scores a forecaster on the layout's origins (the latest first). Throws what the forecaster throws. */
export function validateForecaster(
  forecaster: AnyForecaster,
  params: Record<string, unknown>,
  y: Float64Array,
  layout: ForecastLayout,
  metric: Metric,
  period: number,
  rng: Rng,
): Validation {
  const { window, origins } = layout;
  const perOrigin = new Float64Array(origins);
  const residuals = new Float64Array(origins * window);
  const steps = new Int32Array(origins * window);
  let total = 0;
  for (let o = 0; o < origins; o++) {
    const fitEnd = y.length - 2 * window - o * window;
    const train = y.subarray(0, fitEnd);
    const truth = y.subarray(fitEnd, fitEnd + window);
    const predicted = forecaster.forecast(forecaster.fit(train, params, rng.fork()), window);
    perOrigin[o] = windowScore(metric, train, truth, predicted, period);
    total += perOrigin[o];
    for (let k = 0; k < window; k++) {
      residuals[o * window + k] = truth[k] - predicted[k];
      steps[o * window + k] = k + 1;
    }
  }
  return { score: total / origins, perOrigin, residuals, steps };
}

/**
 * Whether an error means "this candidate cannot fit a series this short" (a seasonal form needs
 * two seasons, a lag model its largest lag): such a candidate is skipped, not failed.
 */
export function tooShortFor(error: unknown): boolean {
  return (
    isAimassError(error, 'DATA_INVALID') &&
    error.context.field === 'y' &&
    typeof error.context.expected === 'string' &&
    error.context.expected.startsWith('>=')
  );
}

/** A scored candidate. */
export interface Scored {
  readonly forecaster: AnyForecaster;
  readonly params: Record<string, unknown>;
  readonly validation: Validation;
}

/**
 * The selection rule: the best simple forecaster (naive, drift, seasonal naive) unless a complex
 * one beats it on the mean over MORE THAN ONE origin; with one origin or none, simple ones only
 * (a single window cannot tell a better model from a lucky one). Ties go to the simple one.
 */
export function chooseForecaster(
  simple: Scored | null,
  complex: Scored | null,
  origins: number,
  better: (a: number, b: number) => boolean,
): Scored | null {
  if (
    complex !== null &&
    origins >= 2 &&
    (simple === null || better(complex.validation.score, simple.validation.score))
  )
    return complex;
  return simple;
}
