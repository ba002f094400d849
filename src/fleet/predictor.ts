import type { BundleMeta } from '../codec/meta.ts';
import type { Matrix } from '../core/matrix.ts';
import type { Frame } from '../data/frame.ts';
import type { ForecastIntervals } from './forecast-intervals.ts';
import type { FleetTask } from './spec.ts';

/** A raw input column the bundle's pipeline expects (name and type before preprocessing). */
export interface InputColumn {
  readonly name: string;
  readonly type: 'number' | 'category' | 'time' | 'boolean';
}

/** Predictions for the rows of one request, in row order. */
export interface Prediction {
  /** Regression values, class labels (numbers, or for string labels their index in `classes`), or anomaly flags. */
  readonly values: Float64Array;
  /** Class probabilities (rows × classes), classifiers only. */
  readonly proba?: Matrix;
  /** Class labels in the column order of `proba`. */
  readonly classes?: readonly (number | string)[];
}

/**
 * A decoded bundle, ready to answer: the serving layer's only view of a model. Built once per
 * cache miss by `loadPredictor(bytes)`; immutable and safe to share between requests.
 */
export interface Predictor {
  readonly task: FleetTask;
  readonly algorithm: string;
  readonly meta: BundleMeta;
  /** Size of the encoded bundle (the cache accounts by it). */
  readonly bundleBytes: number;
  /** Raw columns the bundle reads, with the types the rows must be converted to. */
  readonly inputColumns: readonly InputColumn[];
  /** String class labels (a category target): predictions are indices into them. */
  readonly classLabels?: readonly string[];
  /** Regression / classification / anomaly flags for the rows (never for forecast bundles). */
  predict(rows: Frame): Prediction;
  /** Anomaly scores (higher = more anomalous), anomaly bundles only. */
  score?(rows: Frame): Float64Array;
  /** Point forecasts for steps 1..horizon after the training data, forecast bundles only. */
  forecast?(horizon: number): Float64Array;
  /** Forecast bundles: interval quantiles (see `intervalBounds`); null when none were stored. */
  readonly intervals?: ForecastIntervals | null;
}
