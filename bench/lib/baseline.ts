/**
 * The Python reference numbers of ../shared/bench/BASELINE.md (pandas + scikit-learn + xgboost +
 * statsmodels, one process on one core, same data file and split). Copied here so a figure can
 * carry its ratio; re-measure side by side (bench/README.md) for an honest same-moment ratio.
 */
export interface BaselineRow {
  /** The Python estimator, as BASELINE.md names it. */
  readonly python: string;
  /** Devices (or series) the Python row was measured on: its accuracy is over the first N. */
  readonly devices: number;
  /** models/s (series/s for ETS), n_jobs=1. */
  readonly modelsPerSecond: number;
  /** Mean per-device test metrics. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The 1-row predict latency of the unpickled pipeline, µs (median / p99). */
  readonly predictOneUs?: { readonly p50: number; readonly p99: number };
  /** Mean pickled pipeline size in bytes (for ETS: the results object, which carries the training data). */
  readonly pickledBytes?: number;
  /** ETS only: the fitted parameters alone, pickled. */
  readonly pickledParamsBytes?: number;
}

export const BASELINE: Readonly<Record<string, BaselineRow>> = {
  ridge: {
    python: 'Ridge()',
    devices: 2000,
    modelsPerSecond: 797.1,
    metrics: { rmse: 2.0338, r2: 0.4893 },
    predictOneUs: { p50: 68.5, p99: 96.3 },
    pickledBytes: 1358,
  },
  logistic: {
    python: 'LogisticRegression()',
    devices: 2000,
    modelsPerSecond: 459.1,
    metrics: { accuracy: 0.8383, majority_accuracy: 0.666 },
    predictOneUs: { p50: 74.4, p99: 107.0 },
    pickledBytes: 1602,
  },
  'decision-tree': {
    python: 'DecisionTreeRegressor(max_depth=6)',
    devices: 2000,
    modelsPerSecond: 453.9,
    metrics: { rmse: 2.4008, r2: 0.2709 },
    predictOneUs: { p50: 68.1, p99: 104.3 },
    pickledBytes: 8592,
  },
  'random-forest': {
    python: 'RandomForestRegressor(50, max_depth=8)',
    devices: 500,
    modelsPerSecond: 17.7,
    metrics: { rmse: 1.8066, r2: 0.6066 },
    predictOneUs: { p50: 908.1, p99: 1070.4 },
    pickledBytes: 735892,
  },
  'hist-gradient-boosting': {
    python: 'HistGradientBoostingRegressor(max_iter=50)',
    devices: 1000,
    modelsPerSecond: 38.5,
    metrics: { rmse: 1.7428, r2: 0.6451 },
    predictOneUs: { p50: 276.2, p99: 335.8 },
    pickledBytes: 103394,
  },
  'holt-winters': {
    python: "ExponentialSmoothing(trend='add', seasonal='add', seasonal_periods=24)",
    devices: 500,
    modelsPerSecond: 6.38,
    metrics: { mape: 2.938, smape: 2.918, mape_snaive: 3.77, smape_snaive: 3.745 },
    pickledBytes: 86213,
    pickledParamsBytes: 620,
  },
};

/** XGBRegressor(50, max_depth=6, hist): the second reference of the gradient-boosting case. */
export const XGBOOST: BaselineRow = {
  python: 'XGBRegressor(n_estimators=50, max_depth=6, tree_method="hist", n_jobs=1)',
  devices: 1000,
  modelsPerSecond: 27.5,
  metrics: { rmse: 1.8576, r2: 0.5913 },
  predictOneUs: { p50: 220.6, p99: 295.1 },
  pickledBytes: 140085,
};
