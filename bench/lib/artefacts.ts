import type { BundleMeta } from '../../src/codec/meta.ts';
import type { Frame, NumberColumn } from '../../src/data/frame.ts';
import { numericValues } from '../../src/data/frame.ts';
import { type EntityModel, encodeEntityBundle } from '../../src/fleet/bundle.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import type { Predictor } from '../../src/fleet/predictor.ts';
import type { FleetTask } from '../../src/fleet/spec.ts';
import type { AnyEstimator, AnyForecaster } from '../../src/models/estimator.ts';
import { FEATURES, type KeptModel } from './per-device.ts';
import { mean, percentile } from './stats.ts';

/** py_baseline.py --latency-calls default, and its 50 warm-up calls. */
export const LATENCY_CALLS = 2000;
const LATENCY_WARMUP = 50;

export interface ArtefactStats {
  readonly models: number;
  readonly bytesMean: number;
  readonly decodeUsP50: number;
  readonly decodeUsP99: number;
  /** Single-row predict (or forecast(24)) through the decoded Predictor, µs. */
  readonly callUsP50: number;
  readonly callUsP99: number;
  readonly calls: number;
}

/** What the engine writes into a bundle's meta for an entity's own model. */
function benchMeta(
  key: string,
  params: unknown,
  metrics: Record<string, number>,
  trainingRows: number,
  dataRange: BundleMeta['dataRange'],
): BundleMeta {
  return {
    fleet: 'bench',
    key,
    version: 1,
    specVersion: 1,
    params: { ...(params as Record<string, never>) },
    metrics,
    trainingRows,
    dataRange,
    createdAtMs: Date.now(),
    fallbackReason: null,
  };
}

/** Decode time per bundle: best of 3 (after one warm pass over all), as py_baseline's pickle.loads. */
function decodeTimes(bundles: readonly Uint8Array[]): Float64Array {
  for (const bytes of bundles) loadPredictor(bytes);
  const times = new Float64Array(bundles.length);
  bundles.forEach((bytes, i) => {
    let best = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = performance.now();
      loadPredictor(bytes);
      best = Math.min(best, performance.now() - started);
    }
    times[i] = best * 1000;
  });
  return times;
}

/** Latency of `call` (µs per call), after the warm-up calls. */
function latencies(call: (i: number) => void): Float64Array {
  for (let i = 0; i < LATENCY_WARMUP; i++) call(i);
  const times = new Float64Array(LATENCY_CALLS);
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const started = performance.now();
    call(i);
    times[i] = (performance.now() - started) * 1000;
  }
  return times;
}

/**
 * One row of raw features as a request would carry it: a fresh one-row Frame of f1..f8 (its
 * construction is inside the timed call, as a server must build it from the request body).
 */
function oneRowFrame(columns: readonly Float64Array[], row: number): Frame {
  const out: NumberColumn[] = new Array(FEATURES.length);
  for (let j = 0; j < FEATURES.length; j++)
    out[j] = { type: 'number', name: FEATURES[j], values: Float64Array.of(columns[j][row]) };
  return { rowCount: 1, columns: out };
}

/**
 * Bundle size, decode time and single-row latency of the kept tabular models: the same measures as
 * py_baseline.py's artefact_stats (latency on device 0's freshly decoded model, cycling its test rows).
 */
export function tabularArtefacts(
  kept: readonly KeptModel[],
  estimator: AnyEstimator,
  params: unknown,
  task: FleetTask,
): ArtefactStats {
  const inputColumns = FEATURES.map((name) => ({ name, type: 'number' as const }));
  const resolved = estimator.params(params);
  const bundles = kept.map((k) => {
    const model: EntityModel = {
      task,
      inputColumns,
      pipeline: k.pipeline,
      model: { kind: 'estimator', estimator, state: k.state },
    };
    return encodeEntityBundle(model, benchMeta(k.key, resolved, k.metrics, k.trainRows, k.trainTimeRange));
  });
  const decode = decodeTimes(bundles);
  const predictor: Predictor = loadPredictor(bundles[0]);
  const test = kept[0].test;
  const columns = FEATURES.map((name) => numericValues(test, name));
  let sink = 0;
  const times = latencies((i) => {
    sink += predictor.predict(oneRowFrame(columns, i % test.rowCount)).values[0];
  });
  if (Number.isNaN(sink)) throw new Error('single-row predictions came back NaN');
  return {
    models: bundles.length,
    bytesMean: mean(bundles.map((b) => b.length)),
    decodeUsP50: percentile(decode, 50),
    decodeUsP99: percentile(decode, 99),
    callUsP50: percentile(times, 50),
    callUsP99: percentile(times, 99),
    calls: LATENCY_CALLS,
  };
}

export interface KeptForecast {
  readonly key: string;
  readonly state: unknown;
  readonly trainingRows: number;
  readonly dataRange: BundleMeta['dataRange'];
  readonly metrics: Record<string, number>;
}

/** The forecasting counterpart: bundle size, decode time and forecast(horizon) latency. */
export function forecastArtefacts(
  kept: readonly KeptForecast[],
  forecaster: AnyForecaster,
  params: unknown,
  horizon: number,
): ArtefactStats {
  const resolved = forecaster.params(params);
  const bundles = kept.map((k) =>
    encodeEntityBundle(
      {
        task: 'forecast',
        inputColumns: [],
        pipeline: null,
        model: { kind: 'forecaster', forecaster, state: k.state },
      },
      benchMeta(k.key, resolved, k.metrics, k.trainingRows, k.dataRange),
    ),
  );
  const decode = decodeTimes(bundles);
  const predictor = loadPredictor(bundles[0]);
  const forecast = predictor.forecast;
  if (!forecast) throw new Error('a forecast bundle decoded without forecast()');
  let sink = 0;
  const times = latencies(() => {
    sink += forecast(horizon)[0];
  });
  if (Number.isNaN(sink)) throw new Error('forecasts came back NaN');
  return {
    models: bundles.length,
    bytesMean: mean(bundles.map((b) => b.length)),
    decodeUsP50: percentile(decode, 50),
    decodeUsP99: percentile(decode, 99),
    callUsP50: percentile(times, 50),
    callUsP99: percentile(times, 99),
    calls: LATENCY_CALLS,
  };
}
