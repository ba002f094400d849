import type { ParamObject } from '../codec/param-value.ts';
import { createRng } from '../core/rng.ts';
import type { Frame } from '../data/frame.ts';
import { numericValues } from '../data/frame.ts';
import { encodeEntityBundle } from '../fleet/bundle.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import { getEstimator } from '../models/registry.ts';
import { hashFrame } from './data-hash.ts';
import type { EntityResult, TrialRecord } from './entity-result.ts';
import { errorText } from './entity-tabular.ts';
import { fallbackResult } from './fallback-result.ts';
import { fitDesign } from './tabular-data.ts';

/**
 * Trains one entity of an anomaly fleet: the pipeline and the (first) candidate detector are fitted
 * on all of the entity's rows, since there are no labels to hold out. The recorded metric is the
 * share of training rows the detector flags, a sanity number for the contamination setting.
 */
export function trainAnomalyEntity(
  key: string,
  frame: Frame,
  plan: CompiledPlan,
  nowMs: number,
): EntityResult {
  const { spec } = plan;
  const rows = frame.rowCount;
  const base = { key, rows, dataHash: hashFrame(frame), plan, nowMs };
  if (rows < spec.minRows)
    return fallbackResult(base, 'too_few_rows', { rows, minRows: spec.minRows }, [], null);
  const candidate = plan.candidates[0];
  const rng = createRng(`${spec.split.seed}:${key}`);
  const started = performance.now();
  const trials: TrialRecord[] = [];
  try {
    const estimator = getEstimator(candidate.algorithm, 'anomaly');
    const design = fitDesign(plan, frame, rng.fork());
    const state = estimator.fit(design.data.X, null, candidate.params, rng.fork());
    const flags = estimator.predict(state, design.data.X);
    let flagged = 0;
    for (const flag of flags) flagged += flag;
    const metrics = { anomaly_rate: flagged / Math.max(1, flags.length) };
    trials.push({
      algorithm: estimator.name,
      params: candidate.params,
      score: metrics.anomaly_rate,
      millis: performance.now() - started,
    });
    const params = { ...(estimator.params(candidate.params) as Record<string, unknown>) } as ParamObject;
    const times = spec.time ? numericValues(frame, spec.time) : null;
    const range =
      times && times.length > 0 ? { minTimeMs: Math.min(...times), maxTimeMs: Math.max(...times) } : null;
    const bundle = encodeEntityBundle(
      {
        task: 'anomaly',
        inputColumns: plan.inputColumns,
        pipeline: design.pipeline,
        model: { kind: 'estimator', estimator, state },
      },
      {
        fleet: spec.name,
        key,
        version: 0,
        specVersion: plan.specVersion,
        params,
        metrics,
        trainingRows: design.data.X.rows,
        dataRange: range && Number.isFinite(range.minTimeMs) ? range : null,
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
        algorithm: estimator.name,
        params,
        metrics,
        trainStart: range?.minTimeMs ?? null,
        trainEnd: range?.maxTimeMs ?? null,
        rowCount: design.data.X.rows,
        dataHash: base.dataHash,
        specVersion: plan.specVersion,
        fallbackReason: null,
        status: 'champion',
      },
      decision: { outcome: 'local', reason: 'fitted', numbers: { rows, flagged } },
      trials,
      failure: null,
    };
  } catch (error) {
    return fallbackResult(base, 'fit_failed', { rows }, trials, errorText(error));
  }
}
