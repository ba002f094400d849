import { createRng } from '../../src/core/rng.ts';
import { type Frame, numericValues } from '../../src/data/frame.ts';
import { entityFrame, groupByKey } from '../../src/data/group.ts';
import type { AnyForecaster } from '../../src/models/estimator.ts';
import type { KeptForecast } from './artefacts.ts';

/** BASELINE.md's ETS job: the last 24 points are the test window, the season is daily (24). */
export const HORIZON = 24;
export const SEASON = 24;
/** ExponentialSmoothing(train, trend="add", seasonal="add", seasonal_periods=24), estimated init. */
export const HOLT_WINTERS_PARAMS = Object.freeze({ trend: 'add', seasonal: 'add', seasonalPeriods: SEASON });

export interface ForecastLoopResult {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly series: number;
  /** Per-series MAPE / sMAPE in %, of the model and of seasonal naive. */
  readonly metrics: Record<'mape' | 'smape' | 'mape_snaive' | 'smape_snaive', Float64Array>;
  readonly kept: KeptForecast[];
}

function mape(truth: Float64Array, forecast: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs(truth[i] - forecast[i]) / Math.abs(truth[i]);
  return (sum / truth.length) * 100;
}

function smape(truth: Float64Array, forecast: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++)
    sum += (2 * Math.abs(truth[i] - forecast[i])) / (Math.abs(truth[i]) + Math.abs(forecast[i]));
  return (sum / truth.length) * 100;
}

/**
 * py_baseline.py's ets loop: group by series (timed, as pandas' groupby iteration is), then per
 * series fit on all but the last 24 points, forecast 24, score against the truth and seasonal naive.
 */
export function runForecastLoop(frame: Frame, forecaster: AnyForecaster, keep: number): ForecastLoopResult {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const grouped = groupByKey(frame, 'series_id', { timeColumn: 'ts' });
  const series = grouped.keys.length;
  const metrics = {
    mape: new Float64Array(series),
    smape: new Float64Array(series),
    mape_snaive: new Float64Array(series),
    smape_snaive: new Float64Array(series),
  };
  const kept: KeptForecast[] = [];
  for (let i = 0; i < series; i++) {
    const entity = entityFrame(grouped, i);
    const y = numericValues(entity, 'y');
    const cut = y.length - HORIZON;
    const train = y.subarray(0, cut);
    const truth = y.subarray(cut);
    const state = forecaster.fit(train, HOLT_WINTERS_PARAMS, createRng(0));
    const forecast = forecaster.forecast(state, HORIZON);
    const naive = train.subarray(cut - SEASON, cut - SEASON + HORIZON);
    metrics.mape[i] = mape(truth, forecast);
    metrics.smape[i] = smape(truth, forecast);
    metrics.mape_snaive[i] = mape(truth, naive);
    metrics.smape_snaive[i] = smape(truth, naive);
    if (i < keep) {
      const times = numericValues(entity, 'ts');
      kept.push({
        key: grouped.keys[i],
        state,
        trainingRows: cut,
        dataRange: { minTimeMs: times[0], maxTimeMs: times[cut - 1] },
        metrics: { mape: metrics.mape[i], smape: metrics.smape[i] },
      });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, series, metrics, kept };
}
