import type { ParamObject } from '../codec/param-value.ts';
import { createRng, type Rng } from '../core/rng.ts';
import type { Frame } from '../data/frame.ts';
import { numericValues } from '../data/frame.ts';
import { encodeEntityBundle } from '../fleet/bundle.ts';
import { algorithmCost } from '../fleet/catalog.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import type { FleetSpec } from '../fleet/spec.ts';
import { encodeTargetLabels, targetCodes } from '../fleet/target-labels.ts';
import { isBetter, type Metric } from '../metrics/metric.ts';
import { metricByName } from '../metrics/registry.ts';
import type { AnyEstimator } from '../models/estimator.ts';
import { getEstimator } from '../models/registry.ts';
import { randomSplit, type SplitIndices, stratifiedSplit, timeSplit } from '../preprocess/split.ts';
import { hashFrame } from './data-hash.ts';
import type { Decision, EntityResult, TrialRecord } from './entity-result.ts';
import { fallbackResult } from './fallback-result.ts';
import type { FallbackChoice, FallbackModels } from './fallback-set.ts';
import { planTrials, runTrials, type Trial } from './search.ts';
import { applyDesign, fitDesign, rowsOf, type Supervised, unionIndices } from './tabular-data.ts';

/** Extra test metrics recorded beside the selection metric. */
const REPORTED: Record<'regression' | 'classification', string[]> = {
  regression: ['rmse', 'mae', 'r2'],
  classification: ['accuracy', 'f1-macro'],
};

/**
 * An entity's split and the random stream its training continues with: the one rule shared by the
 * entity's own training and the fallback training (which pools only entities' training rows, so a
 * fallback is never compared with an entity's model on rows it has learned from).
 */
export function splitEntity(spec: FleetSpec, key: string, frame: Frame): { sets: SplitIndices; rng: Rng } {
  const rng = createRng(`${spec.split.seed}:${key}`);
  return { sets: split(spec, frame, rng), rng };
}

function split(spec: FleetSpec, frame: Frame, rng: Rng): SplitIndices {
  const fractions = {
    train: 1 - spec.split.validation - spec.split.test,
    validation: spec.split.validation,
    test: spec.split.test,
  };
  if (spec.split.method === 'time')
    return timeSplit(frame.rowCount, fractions, spec.time ? numericValues(frame, spec.time) : undefined);
  if (spec.split.method === 'stratified')
    return stratifiedSplit(numericValues(frame, spec.target as string), fractions, rng);
  return randomSplit(frame.rowCount, fractions, rng);
}

function score(metric: Metric, estimator: AnyEstimator, state: unknown, data: Supervised): number {
  if (data.y.length === 0) return Number.NaN;
  return metric.compute(data.y, estimator.predict(state, data.X));
}

function timeRange(spec: FleetSpec, frame: Frame): { start: number | null; end: number | null } {
  if (!spec.time || frame.rowCount === 0) return { start: null, end: null };
  const times = numericValues(frame, spec.time);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  return Number.isFinite(start) ? { start, end } : { start: null, end: null };
}

/**
 * Trains one entity of a regression or classification fleet: split, fit the pipeline on the
 * training rows, try the planned candidates cheapest first within the budget (the baseline is the
 * first), pick the best validation score by the metric's direction, compare with the fleet
 * fallback on the same validation rows, refit the winner on train + validation and score it on the
 * test rows, then refit it on every row for serving. Never throws for a bad entity: failures become
 * a fallback decision with the reason.
 */
export function trainTabularEntity(
  key: string,
  raw: Frame,
  plan: CompiledPlan,
  fallbacks: FallbackModels | null,
  nowMs: number,
): EntityResult {
  const { spec } = plan;
  const task = spec.task as 'regression' | 'classification';
  const metric = metricByName(spec.metric);
  const rows = raw.rowCount;
  const base = { key, rows, dataHash: hashFrame(raw), plan, nowMs };
  // Models learn numbers: string class labels become codes (the labels go into the bundle) and
  // boolean targets 0/1. Fallbacks are scored on `raw`, in their own label codes.
  const { frame, labels } = encodeTargetLabels(raw, spec.target as string);
  // An entity too small for its own model gets its cluster's model when there is one (closer to
  // it than the global model), else the global one.
  const smallChoice = (): FallbackChoice | null =>
    fallbacks ? bestFallbackOn(fallbacks, raw, spec.target, metric) : null;
  if (rows < spec.minRows)
    return fallbackResult(base, 'too_few_rows', { rows, minRows: spec.minRows }, [], null, smallChoice());

  const started = performance.now();
  const trials: TrialRecord[] = [];
  let sets: SplitIndices;
  let rng: Rng;
  let design: ReturnType<typeof fitDesign>;
  let validation: Supervised;
  try {
    ({ sets, rng } = splitEntity(spec, key, frame));
    design = fitDesign(plan, rowsOf(frame, sets.train), rng.fork());
    // Without a validation split, selection falls back to the training score (documented in the spec).
    validation =
      sets.validation.length > 0
        ? applyDesign(spec, design.pipeline, rowsOf(frame, sets.validation))
        : design.data;
  } catch (error) {
    return fallbackResult(base, 'preprocess_failed', { rows }, trials, errorText(error), smallChoice());
  }
  if (design.data.y.length === 0)
    return fallbackResult(base, 'no_target_values', { rows }, trials, null, smallChoice());

  // Written by the trial callback; a holder object keeps TypeScript's narrowing honest.
  const search: {
    best: { estimator: AnyEstimator; params: Record<string, unknown>; score: number } | null;
    baseline: number;
  } = { best: null, baseline: Number.NaN };
  const evaluate = (trial: Trial): number => {
    const trialStarted = performance.now();
    try {
      const estimator = getEstimator(trial.algorithm, task);
      const state = estimator.fit(design.data.X, design.data.y, trial.params, rng.fork());
      const value = score(metric, estimator, state, validation);
      trials.push({
        algorithm: trial.algorithm,
        params: trial.params,
        score: value,
        millis: performance.now() - trialStarted,
      });
      if (trial.algorithm.startsWith('baseline-')) search.baseline = value;
      if (!search.best || isBetter(metric, value, search.best.score))
        search.best = { estimator, params: trial.params, score: value };
      return value;
    } catch (error) {
      trials.push({
        algorithm: trial.algorithm,
        params: trial.params,
        score: Number.NaN,
        error: errorText(error),
        millis: performance.now() - trialStarted,
      });
      return Number.NaN;
    }
  };
  let timeCapped = false;
  runTrials(
    planTrials(plan.candidates, algorithmCost, spec.budget.maxTrials, rng.fork()),
    evaluate,
    (a, b) => isBetter(metric, a, b),
    () => {
      timeCapped ||= performance.now() - started > spec.budget.maxMillis;
      return timeCapped;
    },
  );
  const { best, baseline: baselineScore } = search;
  if (!best || Number.isNaN(best.score))
    return fallbackResult(
      base,
      'all_candidates_failed',
      { rows, trials: trials.length },
      trials,
      trials.find((t) => t.error)?.error ?? null,
      smallChoice(),
    );

  if (fallbacks && sets.validation.length > 0) {
    // The cluster model (chosen by the entity's training rows) and the global one compete with the
    // local winner on the same validation rows; a fallback must be strictly better to take over.
    const rawValidation = rowsOf(raw, sets.validation);
    const contenders = [safeCluster(fallbacks, rowsOf(raw, sets.train)), fallbacks.global];
    for (const choice of contenders) {
      if (!choice) continue;
      try {
        const truth = fallbackTruth(choice, rawValidation, spec.target as string);
        const fallbackScore = scoreMasked(metric, truth, choice.predictor.predict(rawValidation).values);
        if (isBetter(metric, fallbackScore, best.score)) {
          return fallbackResult(
            base,
            'fallback_better',
            { rows, local: best.score, fallback: fallbackScore },
            trials,
            null,
            choice,
          );
        }
      } catch {
        // A fallback that cannot score this entity's rows does not take it over.
      }
    }
  }

  try {
    const trainAndValidation = unionIndices(sets.train, sets.validation);
    const selected = fitDesign(plan, rowsOf(frame, trainAndValidation), rng.fork());
    const selectedState = best.estimator.fit(selected.data.X, selected.data.y, best.params, rng.fork());
    const test = sets.test.length > 0 ? applyDesign(spec, selected.pipeline, rowsOf(frame, sets.test)) : null;
    const metrics: Record<string, number> = {
      [`validation_${metric.name}`]: best.score,
      [`validation_baseline_${metric.name}`]: baselineScore,
    };
    if (test && test.y.length > 0) {
      const predictions = best.estimator.predict(selectedState, test.X);
      for (const name of new Set([metric.name, ...REPORTED[task]]))
        metrics[name] = safeMetric(name, test.y, predictions);
    }
    // The served model is refitted on every row, so it has seen the newest ones (with a time split,
    // the test rows are the latest). The test scores above stay those measured before this refit.
    const final =
      sets.test.length > 0
        ? fitDesign(plan, frame, rng.fork())
        : { pipeline: selected.pipeline, data: selected.data };
    const state =
      sets.test.length > 0
        ? best.estimator.fit(final.data.X, final.data.y, best.params, rng.fork())
        : selectedState;
    const isBaseline = best.estimator.name.startsWith('baseline-');
    const decision: Decision = {
      outcome: isBaseline ? 'baseline' : 'local',
      reason: isBaseline ? 'baseline_best' : 'chosen_best',
      numbers: {
        rows,
        validation: best.score,
        baseline: baselineScore,
        trials: trials.length,
        // The safety-net time cap cut the search short: this choice depends on machine speed.
        ...(timeCapped ? { timeCapped: 1 } : {}),
      },
    };
    const range = timeRange(spec, frame);
    const params = best.estimator.params(best.params) as Record<string, unknown>;
    const bundle = encodeEntityBundle(
      {
        task,
        inputColumns: plan.inputColumns,
        pipeline: final.pipeline,
        classLabels: labels,
        model: { kind: 'estimator', estimator: best.estimator, state },
      },
      {
        fleet: spec.name,
        key,
        version: 0,
        specVersion: plan.specVersion,
        params: { ...params } as ParamObject,
        metrics,
        trainingRows: final.data.y.length,
        dataRange: range.start === null ? null : { minTimeMs: range.start, maxTimeMs: range.end as number },
        createdAtMs: nowMs,
        fallbackReason: null,
      },
      spec.compression,
    );
    return {
      key,
      model: {
        key,
        bundle,
        algorithm: best.estimator.name,
        params: { ...params },
        metrics,
        trainStart: range.start,
        trainEnd: range.end,
        rowCount: final.data.y.length,
        dataHash: base.dataHash,
        specVersion: plan.specVersion,
        fallbackReason: null,
        status: 'champion',
      },
      decision,
      trials,
      failure: trials.find((t) => t.error)?.error ?? null,
    };
  } catch (error) {
    return fallbackResult(base, 'refit_failed', { rows }, trials, errorText(error));
  }
}

/**
 * For an entity too small to train: its cluster's model or the global one, whichever scores better
 * on the rows the entity has ("where it helps"); the cluster's when there is nothing to score.
 */
function bestFallbackOn(
  fallbacks: FallbackModels,
  frame: Frame,
  target: string | null,
  metric: Metric,
): FallbackChoice | null {
  const cluster = safeCluster(fallbacks, frame);
  if (!cluster || !fallbacks.global || target === null) return cluster ?? fallbacks.global;
  try {
    const clusterScore = scoreMasked(
      metric,
      fallbackTruth(cluster, frame, target),
      cluster.predictor.predict(frame).values,
    );
    const globalScore = scoreMasked(
      metric,
      fallbackTruth(fallbacks.global, frame, target),
      fallbacks.global.predictor.predict(frame).values,
    );
    return isBetter(metric, globalScore, clusterScore) ? fallbacks.global : cluster;
  } catch {
    return fallbacks.global;
  }
}

/** The target of raw rows in a fallback's prediction space (its own label codes for string labels). */
function fallbackTruth(choice: FallbackChoice, frame: Frame, target: string): Float64Array {
  return targetCodes(frame, target, choice.predictor.classLabels ?? null);
}

function safeCluster(fallbacks: FallbackModels, frame: Frame): FallbackChoice | null {
  try {
    return fallbacks.cluster(frame);
  } catch {
    return null;
  }
}

/** Scores only the rows whose truth is known. */
export function scoreMasked(metric: Metric, truth: Float64Array, predictions: Float64Array): number {
  let kept = 0;
  for (let i = 0; i < truth.length; i++) if (!Number.isNaN(truth[i])) kept++;
  if (kept === truth.length) return metric.compute(truth, predictions);
  const t = new Float64Array(kept);
  const p = new Float64Array(kept);
  for (let i = 0, k = 0; i < truth.length; i++) {
    if (Number.isNaN(truth[i])) continue;
    t[k] = truth[i];
    p[k++] = predictions[i];
  }
  return kept === 0 ? Number.NaN : metric.compute(t, p);
}

function safeMetric(name: string, truth: Float64Array, predictions: Float64Array): number {
  try {
    return metricByName(name).compute(truth, predictions);
  } catch {
    return Number.NaN;
  }
}

export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string })?.code;
  return code ? `${code}: ${message}` : message;
}
