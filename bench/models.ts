import { readCsv } from '../src/data/csv/index.ts';
import type { Frame } from '../src/data/frame.ts';
import { estimators, forecasters } from '../src/models/registry.ts';
import type { BenchArgs } from './lib/args.ts';
import { type ArtefactStats, forecastArtefacts, tabularArtefacts } from './lib/artefacts.ts';
import { BASELINE, type BaselineRow, XGBOOST } from './lib/baseline.ts';
import { fleetCsv, seriesCsv } from './lib/data.ts';
import { HOLT_WINTERS_PARAMS, HORIZON, runForecastLoop } from './lib/forecast-loop.ts';
import { firstEntities, runDeviceLoop, type TabularJob } from './lib/per-device.ts';
import type { Figure, Reporter } from './lib/report.ts';
import { loadAverage, mean } from './lib/stats.ts';

/** Devices run untimed before each case so V8 has compiled the case's code paths (Python has no JIT to warm). */
const WARMUP_DEVICES = 20;
/** Fitted models kept for the bundle size / decode / latency figures (py_baseline's KEEP_MODELS). */
const KEEP_MODELS = 100;
const SERIES = 500;
const SERIES_POINTS = 1440;

interface TabularCase {
  readonly name: string;
  readonly algorithm: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly classification?: boolean;
  /** At most this many devices (BASELINE.md ran the slow ones on fewer). */
  readonly maxDevices?: number;
  /** Too slow for the default run (mlp: ~3 models/s); only with --algo. */
  readonly optIn?: boolean;
}

/** BASELINE.md's models with its settings, then extra cases without a Python row. */
const TABULAR_CASES: readonly TabularCase[] = [
  { name: 'ridge', algorithm: 'ridge', params: { alpha: 1 } },
  { name: 'logistic', algorithm: 'logistic', params: { C: 1 }, classification: true },
  { name: 'decision-tree', algorithm: 'decision-tree', params: { maxDepth: 6 } },
  {
    name: 'random-forest',
    algorithm: 'random-forest',
    params: { nEstimators: 50, maxDepth: 8 },
    maxDevices: 500,
  },
  {
    name: 'hist-gradient-boosting',
    algorithm: 'hist-gradient-boosting',
    params: { maxIter: 50 },
    maxDevices: 1000,
  },
  { name: 'gaussian-nb', algorithm: 'gaussian-nb', params: {}, classification: true },
  { name: 'lasso', algorithm: 'lasso', params: { alpha: 1 } },
  { name: 'mlp', algorithm: 'mlp', params: {}, maxDevices: 100, optIn: true },
];
const FORECAST_CASE = 'holt-winters';

type FigureBase = { bench: string; case: string; [extra: string]: unknown };

/** Our models/s over the Python n_jobs=1 models/s of the same job. */
function ratioFigure(base: FigureBase, metric: string, ours: number, row: BaselineRow): Figure {
  return {
    ...base,
    metric,
    value: ours / row.modelsPerSecond,
    unit: 'x',
    baseline: row.python,
    baseline_models_per_s: row.modelsPerSecond,
    baseline_devices: row.devices,
  };
}

function artefactFigures(
  base: FigureBase,
  stats: ArtefactStats,
  row: BaselineRow | undefined,
  call: string,
): Figure[] {
  return [
    {
      ...base,
      metric: 'bytes_per_model',
      value: stats.bytesMean,
      unit: 'B',
      models: stats.models,
      baseline_metric: row?.pickledBytes,
      baseline_params_only: row?.pickledParamsBytes,
    },
    {
      ...base,
      metric: 'decode_us_p50',
      value: stats.decodeUsP50,
      unit: 'us',
      p99: stats.decodeUsP99,
      models: stats.models,
    },
    {
      ...base,
      metric: `${call}_us_p50`,
      value: stats.callUsP50,
      unit: 'us',
      calls: stats.calls,
      baseline_metric: row?.predictOneUs?.p50,
    },
    {
      ...base,
      metric: `${call}_us_p99`,
      value: stats.callUsP99,
      unit: 'us',
      calls: stats.calls,
      baseline_metric: row?.predictOneUs?.p99,
    },
  ];
}

async function readFleet(path: string, reporter: Reporter, args: BenchArgs, devices: number): Promise<Frame> {
  const started = performance.now();
  const { frame } = await readCsv(path, {
    schema: { ts: { type: 'time', unit: 'seconds' }, device_id: { type: 'category' } },
  });
  const seconds = (performance.now() - started) / 1000;
  reporter.figure({
    bench: 'models',
    case: 'read_csv',
    metric: 'seconds',
    value: seconds,
    unit: 's',
    rows: frame.rowCount,
    devices,
    rows_per_device: args.rows ?? 500,
    rows_per_s: frame.rowCount / seconds,
  });
  return frame;
}

function runTabularCase(fleet: Frame, c: TabularCase, reporter: Reporter): void {
  const estimator = estimators.get(c.algorithm);
  if (!estimator) {
    reporter.log(`models: skipping ${c.name}: "${c.algorithm}" is not in src/models/registry.ts estimators`);
    return;
  }
  const classification = c.classification === true;
  const job: TabularJob = {
    estimator,
    params: c.params,
    target: classification ? 'target_cls' : 'target_reg',
    classification,
  };
  const frame = c.maxDevices === undefined ? fleet : firstEntities(fleet, 'device_id', c.maxDevices);
  runDeviceLoop(firstEntities(frame, 'device_id', WARMUP_DEVICES), job, 0);
  const loop = runDeviceLoop(frame, job, KEEP_MODELS);
  const row = BASELINE[c.name];
  const base = {
    bench: 'models',
    case: c.name,
    threads: 1,
    devices: loop.devices,
    warmup_devices: WARMUP_DEVICES,
    params: c.params,
  };
  const rate = loop.devices / loop.seconds;
  reporter.log(
    `models: ${c.name}: ${loop.devices} devices in ${loop.seconds.toFixed(2)} s (load ${loadAverage()})`,
  );
  const figures: Figure[] = [
    {
      ...base,
      metric: 'models_per_s',
      value: rate,
      unit: '1/s',
      seconds: loop.seconds,
      cpu_seconds: loop.cpuSeconds,
      models_per_cpu_s: loop.devices / loop.cpuSeconds,
      load_avg: loadAverage(),
    },
  ];
  if (row) figures.push(ratioFigure(base, 'baseline_ratio', rate, row));
  if (c.name === 'hist-gradient-boosting') figures.push(ratioFigure(base, 'xgboost_ratio', rate, XGBOOST));
  const accuracy = (name: string, metric: string, unit: string): Figure => ({
    ...base,
    metric,
    value: mean(loop.metrics[name]),
    unit,
    baseline_metric: row?.metrics[name],
    baseline_devices: row?.devices,
    ...(name === 'rmse' && c.name === 'hist-gradient-boosting'
      ? { xgboost_metric: XGBOOST.metrics.rmse }
      : {}),
    ...(name === 'accuracy'
      ? {
          majority_accuracy: mean(loop.metrics.majority_accuracy),
          baseline_majority: row?.metrics.majority_accuracy,
        }
      : {}),
  });
  if (classification) figures.push(accuracy('accuracy', 'mean_test_accuracy', '1'));
  else figures.push(accuracy('rmse', 'mean_test_rmse', 'target'), accuracy('r2', 'mean_test_r2', '1'));
  const stats = tabularArtefacts(
    loop.kept,
    estimator,
    c.params,
    classification ? 'classification' : 'regression',
  );
  figures.push(...artefactFigures(base, stats, row, 'predict_one'));
  for (const figure of figures) reporter.figure(figure);
}

async function runForecastCase(reporter: Reporter, seriesCount: number): Promise<void> {
  const forecaster = forecasters.get('exponential-smoothing');
  if (!forecaster) {
    reporter.log('models: skipping holt-winters: "exponential-smoothing" is not in the forecasters registry');
    return;
  }
  const path = seriesCsv(SERIES, SERIES_POINTS);
  const started = performance.now();
  const { frame: all } = await readCsv(path, {
    schema: { ts: { type: 'time', unit: 'seconds' }, series_id: { type: 'category' } },
  });
  const readSeconds = (performance.now() - started) / 1000;
  const frame = firstEntities(all, 'series_id', seriesCount);
  runForecastLoop(firstEntities(frame, 'series_id', WARMUP_DEVICES), forecaster, 0);
  const loop = runForecastLoop(frame, forecaster, KEEP_MODELS);
  const row = BASELINE[FORECAST_CASE];
  const base = {
    bench: 'models',
    case: FORECAST_CASE,
    threads: 1,
    devices: loop.series,
    warmup_devices: WARMUP_DEVICES,
    params: HOLT_WINTERS_PARAMS,
    horizon: HORIZON,
  };
  const rate = loop.series / loop.seconds;
  reporter.log(
    `models: holt-winters: ${loop.series} series in ${loop.seconds.toFixed(2)} s (load ${loadAverage()})`,
  );
  let wins = 0;
  for (let i = 0; i < loop.series; i++) if (loop.metrics.smape[i] < loop.metrics.smape_snaive[i]) wins++;
  const figures: Figure[] = [
    {
      bench: 'models',
      case: 'read_series_csv',
      metric: 'seconds',
      value: readSeconds,
      unit: 's',
      rows: all.rowCount,
    },
    {
      ...base,
      metric: 'models_per_s',
      value: rate,
      unit: '1/s',
      seconds: loop.seconds,
      cpu_seconds: loop.cpuSeconds,
      models_per_cpu_s: loop.series / loop.cpuSeconds,
      load_avg: loadAverage(),
    },
    {
      ...base,
      metric: 'series_per_s',
      value: rate,
      unit: '1/s',
      note: 'same as models_per_s (BASELINE.md says series/s)',
    },
    ratioFigure(base, 'baseline_ratio', rate, row),
    {
      ...base,
      metric: 'mean_test_mape',
      value: mean(loop.metrics.mape),
      unit: '%',
      seasonal_naive: mean(loop.metrics.mape_snaive),
      baseline_metric: row.metrics.mape,
      baseline_seasonal_naive: row.metrics.mape_snaive,
    },
    {
      ...base,
      metric: 'mean_test_smape',
      value: mean(loop.metrics.smape),
      unit: '%',
      seasonal_naive: mean(loop.metrics.smape_snaive),
      baseline_metric: row.metrics.smape,
      baseline_seasonal_naive: row.metrics.smape_snaive,
      beats_seasonal_naive: wins / loop.series,
      baseline_beats_seasonal_naive: 0.89,
    },
  ];
  figures.push(
    ...artefactFigures(
      base,
      forecastArtefacts(loop.kept, forecaster, HOLT_WINTERS_PARAMS, HORIZON),
      row,
      'forecast',
    ),
  );
  for (const figure of figures) reporter.figure(figure);
}

/**
 * Per-entity fit + predict on the generated fleet, BASELINE.md's method (see bench/README.md):
 * one thread, models/s = devices / wall time of the whole per-device loop, CSV read excluded.
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const devices = args.devices ?? 2000;
  const known = [...TABULAR_CASES.map((c) => c.name), FORECAST_CASE];
  const selected =
    args.algorithms ?? known.filter((name) => !TABULAR_CASES.some((c) => c.name === name && c.optIn));
  const unknown = selected.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    reporter.log(`models: unknown --algo ${unknown.join(', ')}; known: ${known.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const tabular = TABULAR_CASES.filter((c) => selected.includes(c.name));
  reporter.log(`models: load average ${loadAverage()}`);
  if (tabular.length > 0) {
    const path = fleetCsv(devices, args.rows ?? 500);
    reporter.log(`models: ${path}`);
    const fleet = await readFleet(path, reporter, args, devices);
    for (const c of tabular) runTabularCase(fleet, c, reporter);
  }
  if (selected.includes(FORECAST_CASE)) await runForecastCase(reporter, Math.min(devices, SERIES));
}
