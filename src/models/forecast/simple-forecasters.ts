import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { paramError } from '../../core/errors.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Forecaster } from '../estimator.ts';
import { checkSeries, fittedOrThrow, horizonBuffer } from './series-input.ts';

/**
 * The benchmark forecasters every real model must beat (Hyndman & Athanasopoulos, FPP3 §5.2):
 * naive (last value), seasonal naive (the value one season earlier) and drift (the line through
 * the first and last points, continued).
 */

// biome-ignore lint/complexity/noBannedTypes: these forecasters take no params; {} is the honest type.
export type NoParams = {};

export interface NaiveState {
  /** Last value for naive; the last m values for seasonal naive (in time order). */
  last: Float64Array;
  /** Drift per step (0 for naive and seasonal naive). */
  slope: number;
  fittedValues: Float64Array | null;
}

function noParams(owner: string) {
  return (given?: unknown): Readonly<NoParams> => resolveParams<NoParams>(owner, {}, {}, given);
}

/** Last values and slope as separate learned-float arrays (a lossy codec scales each on its own). */
function encodeNaive(state: NaiveState, writer: BinaryWriter): void {
  writer.weights(state.last);
  writer.weights(Float64Array.of(state.slope));
}

function decodeNaive(owner: string, reader: BinaryReader, expectedLength?: number): NaiveState {
  const last = reader.weights();
  if (last.length === 0 || (expectedLength !== undefined && last.length !== expectedLength))
    throw reader.corrupt(`${owner}: ${last.length} stored values`);
  for (let i = 0; i < last.length; i++)
    if (!Number.isFinite(last[i])) throw reader.corrupt(`${owner}: stored value ${i} is not finite`);
  const slope = reader.weights();
  if (slope.length !== 1 || !Number.isFinite(slope[0])) throw reader.corrupt(`${owner}: slope`);
  return { last, slope: slope[0], fittedValues: null };
}

/** fitted[t] = y[t - lag] + slope, NaN for the first `lag` points. */
function laggedFitted(y: Float64Array, lag: number, slope: number): Float64Array {
  const fitted = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) fitted[t] = t < lag ? Number.NaN : y[t - lag] + slope;
  return fitted;
}

const NAIVE = 'naive';
export const naiveForecaster: Forecaster<NoParams, NaiveState> = {
  name: NAIVE,
  stateVersion: 1,
  params: noParams(NAIVE),
  fit(y: Float64Array, given: unknown, _rng: Rng): NaiveState {
    resolveParams<NoParams>(NAIVE, {}, {}, given);
    checkSeries(NAIVE, y, 1);
    return { last: y.slice(y.length - 1), slope: 0, fittedValues: laggedFitted(y, 1, 0) };
  },
  forecast(state, horizon, out) {
    return horizonBuffer(NAIVE, horizon, out).fill(state.last[0]);
  },
  fitted: (state) => fittedOrThrow(NAIVE, state.fittedValues),
  encode: encodeNaive,
  decode: (reader) => decodeNaive(NAIVE, reader, 1),
};

const DRIFT = 'drift';
export const driftForecaster: Forecaster<NoParams, NaiveState> = {
  name: DRIFT,
  stateVersion: 1,
  params: noParams(DRIFT),
  fit(y: Float64Array, given: unknown, _rng: Rng): NaiveState {
    resolveParams<NoParams>(DRIFT, {}, {}, given);
    checkSeries(DRIFT, y, 1);
    const n = y.length;
    // One point has no slope: drift then equals naive.
    const slope = n > 1 ? (y[n - 1] - y[0]) / (n - 1) : 0;
    return { last: y.slice(n - 1), slope, fittedValues: laggedFitted(y, 1, slope) };
  },
  forecast(state, horizon, out) {
    const target = horizonBuffer(DRIFT, horizon, out);
    for (let h = 0; h < horizon; h++) target[h] = state.last[0] + (h + 1) * state.slope;
    return target;
  },
  fitted: (state) => fittedOrThrow(DRIFT, state.fittedValues),
  encode: encodeNaive,
  decode: (reader) => decodeNaive(DRIFT, reader, 1),
};

const SEASONAL_NAIVE = 'seasonal-naive';
export interface SeasonalNaiveParams {
  /** Season length m (e.g. 24 for hourly data with a daily cycle). Required; default null. */
  period: number | null;
}
const SEASONAL_RULES: ParamRules<SeasonalNaiveParams> = {
  period: { type: 'number', integer: true, min: 1, max: 1_000_000, nullable: true },
};

export const seasonalNaiveForecaster: Forecaster<SeasonalNaiveParams, NaiveState> = {
  name: SEASONAL_NAIVE,
  stateVersion: 1,
  params: (given?: unknown) => resolveParams(SEASONAL_NAIVE, { period: null }, SEASONAL_RULES, given),
  fit(y: Float64Array, given: unknown, _rng: Rng): NaiveState {
    const { period } = resolveParams(SEASONAL_NAIVE, { period: null }, SEASONAL_RULES, given);
    if (period === null)
      throw paramError(SEASONAL_NAIVE, 'period', null, 'an integer >= 1 (the season length)');
    checkSeries(SEASONAL_NAIVE, y, period, 'one full season');
    return { last: y.slice(y.length - period), slope: 0, fittedValues: laggedFitted(y, period, 0) };
  },
  forecast(state, horizon, out) {
    const target = horizonBuffer(SEASONAL_NAIVE, horizon, out);
    const m = state.last.length;
    for (let h = 0; h < horizon; h++) target[h] = state.last[h % m];
    return target;
  },
  fitted: (state) => fittedOrThrow(SEASONAL_NAIVE, state.fittedValues),
  encode: encodeNaive,
  // The slope slot is unused here (0); not checked, so a lossy codec cannot make a state unreadable.
  decode: (reader) => decodeNaive(SEASONAL_NAIVE, reader),
};
