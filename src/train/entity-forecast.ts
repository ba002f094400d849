import type { ParamObject } from '../codec/param-value.ts';
import { createRng } from '../core/rng.ts';
import { type Frame, numericValues } from '../data/frame.ts';
import { encodeEntityBundle } from '../fleet/bundle.ts';
import { algorithmCost } from '../fleet/catalog.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import { isBetter } from '../metrics/metric.ts';
import { metricByName } from '../metrics/registry.ts';
import type { AnyForecaster } from '../models/estimator.ts';
import { getForecaster } from '../models/registry.ts';
import { hashFrame } from './data-hash.ts';
import type { EntityResult, TrialRecord } from './entity-result.ts';
import { errorText } from './entity-tabular.ts';
import { fallbackResult } from './fallback-result.ts';
import { planTrials } from './search.ts';

/** Validation windows (rolling origins) a forecast candidate is scored on, at most. */
const VALIDATION_WINDOWS = 3;

/**
 * The series of one entity in time order with gaps filled by linear interpolation (ends by the
 * nearest value); NaN only when every value is missing.
 */
export function interpolatedSeries(values: Float64Array): Float64Array {
  const y = values.slice();
  let previous = -1;
  for (let i = 0; i <= y.length; i++) {
    if (i < y.length && Number.isNaN(y[i])) continue;
    if (i - previous > 1) {
      const left = previous >= 0 ? y[previous] : i < y.length ? y[i] : Number.NaN;
      const right = i < y.length ? y[i] : left;
      for (let k = previous + 1; k < i; k++) y[k] = left + ((right - left) * (k - previous)) / (i - previous);
    }
    previous = i;
  }
  return y;
}

/**
 * Trains one series of a forecast fleet. Holdouts are time-ordered: candidates are scored on up to three
 * rolling validation windows of h points before the last h (each fitted on all points before it); the winner is refitted on all but
 * the last h and scored on them (test); the served model is then refitted on the whole series so
 * its forecasts start where the data ends. Seasonal naive is the baseline every series starts with.
 * Series too short for that (or under `minRows`) are served by seasonal naive / naive fitted on
 * what there is, with the reason recorded.
 */
export function trainForecastEntity(
  key: string,
  frame: Frame,
  plan: CompiledPlan,
  nowMs: number,
): EntityResult {
  const { spec } = plan;
  const horizon = spec.forecast.horizon;
  const period = spec.forecast.seasonPeriod;
  const metric = metricByName(spec.metric);
  const rows = frame.rowCount;
  const dataHash = hashFrame(frame);
  const base = { key, rows, dataHash, plan, nowMs };
  const y = interpolatedSeries(numericValues(frame, spec.target as string));
  if (rows === 0 || Number.isNaN(y[0])) return fallbackResult(base, 'no_target_values', { rows }, [], null);
  const times = numericValues(frame, spec.time as string);
  const range = { start: times[0], end: times[times.length - 1] };
  const rng = createRng(`${spec.split.seed}:${key}`);
  const trials: TrialRecord[] = [];

  const shortSeries = rows < spec.minRows || rows < 2 * horizon + period + 1;
  let best: { forecaster: AnyForecaster; params: Record<string, unknown>; score: number } | null = null;
  let baselineScore = Number.NaN;
  if (!shortSeries) {
    // Rolling origins: up to three validation windows of h points before the test window, each
    // scored by a fit on everything before it; the mean decides (one window is too noisy to choose by).
    const windows = Math.max(
      1,
      Math.min(VALIDATION_WINDOWS, Math.floor((rows - 2 * horizon - 2 * period) / horizon) + 1),
    );
    const validate = (forecaster: AnyForecaster, params: Record<string, unknown>): number => {
      let total = 0;
      for (let w = 0; w < windows; w++) {
        const fitEnd = rows - 2 * horizon - w * horizon;
        const state = forecaster.fit(y.subarray(0, fitEnd), params, rng.fork());
        total += metric.compute(y.subarray(fitEnd, fitEnd + horizon), forecaster.forecast(state, horizon));
      }
      return total / windows;
    };
    const started = performance.now();
    for (const trial of planTrials(plan.candidates, algorithmCost, spec.budget.maxTrials, rng.fork())) {
      const trialStarted = performance.now();
      try {
        const forecaster = getForecaster(trial.algorithm);
        const value = validate(forecaster, trial.params);
        trials.push({
          algorithm: trial.algorithm,
          params: trial.params,
          score: value,
          millis: performance.now() - trialStarted,
        });
        if (trial.algorithm === 'seasonal-naive') baselineScore = value;
        if (!best || isBetter(metric, value, best.score))
          best = { forecaster, params: trial.params, score: value };
      } catch (error) {
        trials.push({
          algorithm: trial.algorithm,
          params: trial.params,
          score: Number.NaN,
          error: errorText(error),
          millis: performance.now() - trialStarted,
        });
      }
      if (performance.now() - started > spec.budget.maxMillis) break;
    }
  }
  try {
    let reason: string;
    const metrics: Record<string, number> = {};
    let forecaster: AnyForecaster;
    let params: Record<string, unknown>;
    if (best && !Number.isNaN(best.score)) {
      forecaster = best.forecaster;
      params = best.params;
      reason = forecaster.name === 'seasonal-naive' ? 'baseline_best' : 'chosen_best';
      const testState = forecaster.fit(y.subarray(0, rows - horizon), params, rng.fork());
      const truth = y.subarray(rows - horizon);
      const predicted = forecaster.forecast(testState, horizon);
      metrics[metric.name] = metric.compute(truth, predicted);
      metrics.mae = metricByName('mae').compute(truth, predicted);
      metrics[`validation_${metric.name}`] = best.score;
      metrics[`validation_baseline_${metric.name}`] = baselineScore;
    } else {
      // Too short to choose (or nothing fitted): the simplest forecaster the data allows.
      reason = shortSeries ? 'too_few_rows' : 'all_candidates_failed';
      forecaster = getForecaster(rows >= period ? 'seasonal-naive' : 'naive');
      params = rows >= period ? { period } : {};
    }
    const state = forecaster.fit(y, params, rng.fork());
    const resolved = { ...(forecaster.params(params) as Record<string, unknown>) } as ParamObject;
    const fallbackReason = reason === 'too_few_rows' || reason === 'all_candidates_failed' ? reason : null;
    const bundle = encodeEntityBundle(
      {
        task: 'forecast',
        inputColumns: [],
        pipeline: null,
        model: { kind: 'forecaster', forecaster, state },
      },
      {
        fleet: spec.name,
        key,
        version: 0,
        specVersion: plan.specVersion,
        params: resolved,
        metrics,
        trainingRows: rows,
        dataRange: { minTimeMs: range.start, maxTimeMs: range.end },
        createdAtMs: nowMs,
        fallbackReason,
      },
      spec.compression,
    );
    return {
      key,
      model: {
        key,
        bundle,
        algorithm: forecaster.name,
        params: resolved,
        metrics,
        trainStart: range.start,
        trainEnd: range.end,
        rowCount: rows,
        dataHash,
        specVersion: plan.specVersion,
        fallbackReason,
        status: 'champion',
      },
      decision: {
        outcome: fallbackReason ? 'fallback' : reason === 'baseline_best' ? 'baseline' : 'local',
        reason,
        numbers: {
          rows,
          validation: best?.score ?? Number.NaN,
          baseline: baselineScore,
          trials: trials.length,
        },
      },
      trials,
      failure: trials.find((t) => t.error)?.error ?? null,
    };
  } catch (error) {
    return fallbackResult(base, 'refit_failed', { rows }, trials, errorText(error));
  }
}
