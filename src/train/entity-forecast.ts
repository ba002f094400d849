import type { ParamObject } from '../codec/param-value.ts';
import { createRng } from '../core/rng.ts';
import { type Frame, numericValues } from '../data/frame.ts';
import { encodeEntityBundle } from '../fleet/bundle.ts';
import { algorithmCost, SIMPLE_FORECASTERS, shortSeriesCandidates } from '../fleet/catalog.ts';
import { intervalsFromResiduals } from '../fleet/forecast-intervals.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import { SHORT_SERIES_REASON } from '../fleet/serving.ts';
import { isBetter } from '../metrics/metric.ts';
import { metricByName } from '../metrics/registry.ts';
import type { AnyForecaster } from '../models/estimator.ts';
import { getForecaster } from '../models/registry.ts';
import { hashFrame } from './data-hash.ts';
import type { EntityResult, TrialRecord } from './entity-result.ts';
import { errorText } from './entity-tabular.ts';
import { fallbackResult } from './fallback-result.ts';
import {
  chooseForecaster,
  forecastLayout,
  type Scored,
  tooShortFor,
  validateForecaster,
  windowScore,
} from './forecast-validation.ts';
import { planTrials } from './search.ts';

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
 * Trains one series of a forecast fleet; everything is time-ordered (see `forecastLayout`). Each
 * candidate is fitted once per window (up to three rolling origins plus the latest window). The
 * test score is honest: candidates are chosen on the windows before the latest one and the winner
 * is scored on the latest. The served model is then chosen the same way with the windows moved
 * forward one, so the latest data takes part, and refitted on the whole series; its out-of-sample
 * residuals on every window give the prediction intervals. The selection rule (`chooseForecaster`)
 * keeps naive / drift / seasonal naive unless a complex model wins on more than one origin. Short
 * series (under `minRows`, or without room for the full layout) choose among naive, drift, SES and
 * damped Holt on shorter windows: their own model, with the reason `short_series`, never the fleet
 * fallback.
 */
export function trainForecastEntity(
  key: string,
  frame: Frame,
  plan: CompiledPlan,
  nowMs: number,
): EntityResult {
  const { spec } = plan;
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
  const layout = forecastLayout(rows, spec.forecast.horizon, period, spec.minRows);
  const better = (a: number, b: number) => isBetter(metric, a, b);

  const scored: Scored[] = [];
  let baseline: Scored | null = null;
  let skipped = 0;
  if (layout.origins > 0) {
    const candidates = layout.kind === 'full' ? plan.candidates : shortSeriesCandidates();
    const started = performance.now();
    for (const trial of planTrials(candidates, algorithmCost, spec.budget.maxTrials, rng.fork())) {
      const trialStarted = performance.now();
      try {
        const forecaster = getForecaster(trial.algorithm);
        const validation = validateForecaster(forecaster, trial.params, y, layout, metric, period, rng);
        trials.push({
          algorithm: trial.algorithm,
          params: trial.params,
          score: validation.score,
          millis: performance.now() - trialStarted,
        });
        const candidate: Scored = { forecaster, params: trial.params, validation };
        scored.push(candidate);
        if (trial.algorithm === candidates[0].algorithm && sameParams(trial.params, candidates[0].params))
          baseline = candidate;
      } catch (error) {
        if (tooShortFor(error)) skipped++;
        else
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
  const isSimple = (name: string) => SIMPLE_FORECASTERS.has(name);
  const served = chooseForecaster(scored, isSimple, layout.origins, (v) => v.score, better);
  const tested = chooseForecaster(scored, isSimple, layout.origins, (v) => v.heldBackScore, better);
  try {
    const metrics: Record<string, number> = {};
    let forecaster: AnyForecaster;
    let params: Record<string, unknown>;
    let reason: string;
    let fallbackReason: string | null = layout.kind === 'short' ? SHORT_SERIES_REASON : null;
    let residuals: { values: Float64Array; steps: Int32Array } | null = null;
    if (served && !Number.isNaN(served.validation.score)) {
      forecaster = served.forecaster;
      params = served.params;
      reason =
        layout.kind === 'short'
          ? SHORT_SERIES_REASON
          : served === baseline
            ? 'baseline_best'
            : isSimple(forecaster.name)
              ? 'simple_best'
              : 'chosen_best';
      residuals = { values: served.validation.residuals, steps: served.validation.steps };
      metrics[`validation_${metric.name}`] = served.validation.score;
      metrics[`validation_baseline_${metric.name}`] =
        (baseline as Scored | null)?.validation.score ?? Number.NaN;
      if (tested) {
        // The test score of the choice made without the latest window, on that window.
        metrics[metric.name] = tested.validation.perWindow[0];
        metrics.mae = meanAbsolute(tested.validation.residuals.subarray(0, layout.window));
        metrics.test_same_choice = tested === served ? 1 : 0;
      }
    } else {
      // Nothing to choose by (no origin) or nothing fitted: the simplest forecaster the data allows.
      const seasonal = layout.kind === 'full' && period >= 2 && rows >= period;
      forecaster = getForecaster(seasonal ? 'seasonal-naive' : 'naive');
      params = seasonal ? { period } : {};
      reason = layout.origins === 0 ? SHORT_SERIES_REASON : 'all_candidates_failed';
      if (reason === 'all_candidates_failed') fallbackReason = reason;
      residuals = latestWindow(forecaster, params, y, layout.window, metric, period, rng, metrics);
    }
    metrics.validation_origins = layout.origins;
    const intervals = residuals ? intervalsFromResiduals(residuals.values, residuals.steps) : null;
    const state = forecaster.fit(y, params, rng.fork());
    const resolved = { ...(forecaster.params(params) as Record<string, unknown>) } as ParamObject;
    const bundle = encodeEntityBundle(
      {
        task: 'forecast',
        inputColumns: [],
        pipeline: null,
        model: { kind: 'forecaster', forecaster, state },
        intervals,
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
        outcome:
          fallbackReason === 'all_candidates_failed'
            ? 'fallback'
            : reason === 'baseline_best'
              ? 'baseline'
              : 'local',
        reason,
        numbers: {
          rows,
          validation: served?.validation.score ?? Number.NaN,
          baseline: (baseline as Scored | null)?.validation.score ?? Number.NaN,
          trials: trials.length,
          skipped,
          origins: layout.origins,
          window: layout.window,
        },
      },
      trials,
      failure: trials.find((t) => t.error)?.error ?? null,
    };
  } catch (error) {
    return fallbackResult(base, 'refit_failed', { rows }, trials, errorText(error));
  }
}

function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function meanAbsolute(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += Math.abs(v);
  return total / values.length;
}

/**
 * Without a choice: the forecaster's test score on the latest window (into `metrics`) and its
 * residuals there, for intervals; null for a one-point series.
 */
function latestWindow(
  forecaster: AnyForecaster,
  params: Record<string, unknown>,
  y: Float64Array,
  window: number,
  metric: ReturnType<typeof metricByName>,
  period: number,
  rng: ReturnType<typeof createRng>,
  metrics: Record<string, number>,
): { values: Float64Array; steps: Int32Array } | null {
  const fitEnd = y.length - window;
  if (fitEnd < 1) return null;
  const train = y.subarray(0, fitEnd);
  const truth = y.subarray(fitEnd);
  const predicted = forecaster.forecast(forecaster.fit(train, params, rng.fork()), window);
  metrics[metric.name] = windowScore(metric, train, truth, predicted, period);
  const values = new Float64Array(window);
  for (let k = 0; k < window; k++) values[k] = truth[k] - predicted[k];
  metrics.mae = meanAbsolute(values);
  return { values, steps: Int32Array.from({ length: window }, (_, k) => k + 1) };
}
