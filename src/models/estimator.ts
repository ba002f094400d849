import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import type { Matrix } from '../core/matrix.ts';
import type { Rng } from '../core/rng.ts';

export type Task = 'regression' | 'classification' | 'anomaly' | 'clustering';

/**
 * How an estimator treats NaN in X: 'reject' throws DATA_INVALID (field "X", the row and column)
 * from fit and predict; 'native' handles missing values itself (trees send them down a learned side).
 */
export type NanPolicy = 'reject' | 'native';

/**
 * The one contract of every tabular estimator. `fit` validates params (PARAM_INVALID naming the
 * field), never mutates X or y, and gives the same bits for the same seed. State is typed arrays and
 * scalars. `predict` writes into `out` when given and allocates nothing per row.
 *
 * Classification: y holds class labels as numbers (any values; the state keeps the sorted distinct
 * labels in `classes`), `predict` returns labels, `predictProba` a rows × classes matrix in the order
 * of `classes`. A single class in the training labels is allowed and predicted with probability 1.
 */
export interface Estimator<P extends object, S> {
  readonly name: string;
  readonly stateVersion: number;
  readonly tasks: readonly Task[];
  readonly nanPolicy: NanPolicy;
  params(given?: unknown): Readonly<P>;
  /** `y` is null for unsupervised estimators (k-means, isolation forest). */
  fit(X: Matrix, y: Float64Array | null, params: unknown, rng: Rng): S;
  predict(state: S, X: Matrix, out?: Float64Array): Float64Array;
  predictProba?(state: S, X: Matrix, out?: Float64Array): Matrix;
  /** Anomaly score (higher = more anomalous). */
  score?(state: S, X: Matrix, out?: Float64Array): Float64Array;
  /** Distinct training labels, sorted ascending (classifiers only). */
  classes?(state: S): Float64Array;
  /** Number of input features the state expects. */
  featureCount(state: S): number;
  encode(state: S, writer: BinaryWriter): void;
  /** Throws CODEC_CORRUPT on any malformed input. */
  decode(reader: BinaryReader): S;
}

/**
 * Univariate forecasters (naive, seasonal naive, drift, exponential smoothing). `y` is the series
 * in time order without gaps (impute first); NaN in y is rejected with DATA_INVALID.
 */
export interface Forecaster<P extends object, S> {
  readonly name: string;
  readonly stateVersion: number;
  params(given?: unknown): Readonly<P>;
  fit(y: Float64Array, params: unknown, rng: Rng): S;
  /** Point forecasts for steps 1..horizon after the end of the training series. */
  forecast(state: S, horizon: number, out?: Float64Array): Float64Array;
  /** One-step-ahead in-sample fitted values (NaN where undefined, e.g. the first season). */
  fitted?(state: S): Float64Array;
  encode(state: S, writer: BinaryWriter): void;
  decode(reader: BinaryReader): S;
}

// biome-ignore lint/suspicious/noExplicitAny: registries hold estimators of every param/state type.
export type AnyEstimator = Estimator<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: registries hold forecasters of every param/state type.
export type AnyForecaster = Forecaster<any, any>;
