import { isAimassError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { Metric, MetricContext } from '../metrics/metric.ts';
import type { AnyForecaster } from '../models/estimator.ts';

/**
 * How one series is validated. Every window is `window` points long and time-ordered, each scored
 * by a fit on everything before it. Window 0 is the latest (the series' last points); windows
 * 1..origins come before it. Two choices are made from the same fits (see `Validation`): one on
 * windows 1..origins, scored on window 0 (the test score: what choosing this way achieves on data
 * it did not see), and the served one on windows 0..origins-1, so the latest data takes part in
 * choosing the model that serves.
 */
export interface ForecastLayout {
  /** 'full': the fleet's candidates on windows of the horizon; 'short': simple forecasters only. */
  readonly kind: 'full' | 'short';
  /** Window length: the horizon, or less for a short series. */
  readonly window: number;
  /** Windows each choice averages over (0: too short to validate anything). */
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

/** A candidate's rolling-validation result over windows 0..origins (0 = the latest). */
export interface Validation {
  /** Mean metric over windows 0..origins-1: decides the served model (NaN if any is NaN). */
  readonly score: number;
  /** Mean metric over windows 1..origins: decides the model whose window-0 score is the test score. */
  readonly heldBackScore: number;
  /** The metric of each window, latest first. */
  readonly perWindow: Float64Array;
  /** truth - forecast for each window and step, window-major; `steps` holds each one's step (1-based). */
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

/** Scores a forecaster on the layout's windows (origins + 1 fits). Throws what the forecaster throws. */
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
  const windows = origins + 1;
  const perWindow = new Float64Array(windows);
  const residuals = new Float64Array(windows * window);
  const steps = new Int32Array(windows * window);
  for (let w = 0; w < windows; w++) {
    const fitEnd = y.length - window - w * window;
    const train = y.subarray(0, fitEnd);
    const truth = y.subarray(fitEnd, fitEnd + window);
    const predicted = forecaster.forecast(forecaster.fit(train, params, rng.fork()), window);
    perWindow[w] = windowScore(metric, train, truth, predicted, period);
    for (let k = 0; k < window; k++) {
      residuals[w * window + k] = truth[k] - predicted[k];
      steps[w * window + k] = k + 1;
    }
  }
  let served = 0;
  let heldBack = 0;
  for (let w = 0; w < origins; w++) {
    served += perWindow[w];
    heldBack += perWindow[w + 1];
  }
  return { score: served / origins, heldBackScore: heldBack / origins, perWindow, residuals, steps };
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
 * `score` picks which mean decides (the served or the held-back choice).
 */
export function chooseForecaster(
  scored: readonly Scored[],
  isSimple: (name: string) => boolean,
  origins: number,
  score: (validation: Validation) => number,
  better: (a: number, b: number) => boolean,
): Scored | null {
  let simple: Scored | null = null;
  let complex: Scored | null = null;
  for (const candidate of scored) {
    const value = score(candidate.validation);
    if (isSimple(candidate.forecaster.name)) {
      if (simple === null || better(value, score(simple.validation))) simple = candidate;
    } else if (complex === null || better(value, score(complex.validation))) complex = candidate;
  }
  if (
    complex !== null &&
    origins >= 2 &&
    (simple === null || better(score(complex.validation), score(simple.validation)))
  )
    return complex;
  return simple;
}
