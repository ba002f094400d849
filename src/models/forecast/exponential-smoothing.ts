import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { AimassError, paramError } from '../../core/errors.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Forecaster } from '../estimator.ts';
import { type EtsSpec, fitEts, PHI_MAX, PHI_MIN } from './ets-fit.ts';
import { holtWintersForecast } from './holt-winters-kernel.ts';
import { checkSeries, fittedOrThrow, horizonBuffer } from './series-input.ts';

const NAME = 'exponential-smoothing';

/** Holt-Winters exponential smoothing (statsmodels' ExponentialSmoothing parameterisation). */
export interface ExponentialSmoothingParams {
  /** null (no trend) or 'add'. Default null. */
  trend: 'add' | null;
  /** Damped trend (needs trend 'add'). Default false. */
  damped: boolean;
  /** null, 'add' or 'mul' (multiplicative needs y > 0). Default null. */
  seasonal: 'add' | 'mul' | null;
  /** Season length m >= 2, required with a season. Default null. */
  seasonalPeriods: number | null;
  /** Fixed alpha in [0, 1], or null to fit it. Default null. */
  smoothingLevel: number | null;
  /** Fixed beta in [0, 1], or null to fit it. Default null. */
  smoothingTrend: number | null;
  /** Fixed gamma in [0, 1], or null to fit it. Default null. */
  smoothingSeasonal: number | null;
  /** Fixed phi in (0, 1], or null to fit it in [0.8, 0.995] (see PHI_MIN / PHI_MAX). Default null. */
  dampingTrend: number | null;
  /** Known level before the first observation, or null to estimate it. Default null. */
  initialLevel: number | null;
  /** Known trend before the first observation, or null to estimate it. Default null. */
  initialTrend: number | null;
  /** Known seasons s[-m..-1] (the first is the season of y[0]), or null to estimate them. Default null. */
  initialSeasonal: number[] | null;
}

export interface ExponentialSmoothingState {
  trend: boolean;
  damped: boolean;
  seasonal: 'add' | 'mul' | null;
  /** m, or 0 without a season. */
  period: number;
  alpha: number;
  beta: number;
  gamma: number;
  /** 1 for an undamped trend (and without a trend, where it is unused). */
  phi: number;
  level: number;
  slope: number;
  /** Latest estimate of each season s[n-m..n-1]; season of forecast step h is seasons[(h-1) % m]. */
  seasons: Float64Array;
  initialLevel: number;
  initialTrend: number;
  initialSeasons: Float64Array;
  /** Training points, in-sample SSE and statsmodels' AICc (for model selection). */
  observations: number;
  sse: number;
  aicc: number;
  /** One-step fitted values: kept in memory after fit, not encoded (null after decode). */
  fittedValues: Float64Array | null;
}

const DEFAULTS: ExponentialSmoothingParams = {
  trend: null,
  damped: false,
  seasonal: null,
  seasonalPeriods: null,
  smoothingLevel: null,
  smoothingTrend: null,
  smoothingSeasonal: null,
  dampingTrend: null,
  initialLevel: null,
  initialTrend: null,
  initialSeasonal: null,
};

const unit = { type: 'number', min: 0, max: 1, nullable: true } as const;
const RULES: ParamRules<ExponentialSmoothingParams> = {
  trend: { type: 'any' },
  damped: { type: 'boolean' },
  seasonal: { type: 'any' },
  seasonalPeriods: { type: 'number', integer: true, min: 2, max: 100_000, nullable: true },
  smoothingLevel: unit,
  smoothingTrend: unit,
  smoothingSeasonal: unit,
  dampingTrend: { type: 'number', min: 0, max: 1, exclusiveMin: true, nullable: true },
  initialLevel: { type: 'number', nullable: true },
  initialTrend: { type: 'number', nullable: true },
  initialSeasonal: { type: 'any' },
};

function resolve(given?: unknown): Readonly<ExponentialSmoothingParams> {
  const p = resolveParams(NAME, DEFAULTS, RULES, given);
  if (p.trend !== null && p.trend !== 'add') throw paramError(NAME, 'trend', p.trend, 'null or "add"');
  if (p.seasonal !== null && p.seasonal !== 'add' && p.seasonal !== 'mul')
    throw paramError(NAME, 'seasonal', p.seasonal, 'null, "add" or "mul"');
  if (p.damped && p.trend === null) throw paramError(NAME, 'damped', true, 'false without a trend');
  if (p.seasonal !== null && p.seasonalPeriods === null)
    throw paramError(NAME, 'seasonalPeriods', null, 'an integer >= 2 when seasonal is set');
  if (p.trend === null && p.smoothingTrend !== null)
    throw paramError(NAME, 'smoothingTrend', p.smoothingTrend, 'null without a trend');
  if (p.trend === null && p.initialTrend !== null)
    throw paramError(NAME, 'initialTrend', p.initialTrend, 'null without a trend');
  if (!p.damped && p.dampingTrend !== null)
    throw paramError(NAME, 'dampingTrend', p.dampingTrend, 'null unless damped is true');
  if (p.seasonal === null && p.smoothingSeasonal !== null)
    throw paramError(NAME, 'smoothingSeasonal', p.smoothingSeasonal, 'null without a season');
  const seasons = p.initialSeasonal as unknown;
  if (seasons !== null) {
    const ok =
      p.seasonal !== null &&
      Array.isArray(seasons) &&
      seasons.length === p.seasonalPeriods &&
      seasons.every((v) => typeof v === 'number' && Number.isFinite(v) && (p.seasonal === 'add' || v > 0));
    if (!ok)
      throw paramError(
        NAME,
        'initialSeasonal',
        seasons,
        `null, or ${p.seasonalPeriods ?? 'seasonalPeriods'} finite numbers (positive for "mul") with a season`,
      );
    return Object.freeze({ ...p, initialSeasonal: Object.freeze([...(seasons as number[])]) as number[] });
  }
  return p;
}

/** statsmodels' AICc: k = m (with a season) + 2 * has trend + 2 + damped. */
export function etsAicc(sse: number, n: number, trend: boolean, damped: boolean, period: number): number {
  const k = period + 2 * (trend ? 1 : 0) + 2 + (damped ? 1 : 0);
  // A perfect fit (SSE 0) gets a finite floor, so ties still go to the model with fewer parameters.
  const aic = n * Math.log(Math.max(sse / n, 1e-300)) + 2 * k;
  const denominator = n - k - 3;
  return denominator > 0 ? aic + (2 * (k + 2) * (k + 3)) / denominator : Number.POSITIVE_INFINITY;
}

function fit(y: Float64Array, given: unknown, _rng: Rng): ExponentialSmoothingState {
  const p = resolve(given);
  const trend = p.trend === 'add';
  const seasonal = p.seasonal;
  const period = seasonal === null ? 0 : (p.seasonalPeriods as number);
  const knownSeasons = p.initialSeasonal !== null;
  // Estimating the initial seasons needs two full cycles (one to place them, one to see them evolve).
  const minimum = seasonal !== null && !knownSeasons ? 2 * period : trend ? 2 : 1;
  checkSeries(NAME, y, minimum, seasonal !== null && !knownSeasons ? 'two full seasons' : '');
  if (seasonal === 'mul') {
    for (let i = 0; i < y.length; i++)
      if (!(y[i] > 0))
        throw new AimassError(
          'DATA_INVALID',
          `${NAME}: a multiplicative season needs y > 0; y[${i}] is ${y[i]}`,
          {
            field: 'y',
            row: i,
            value: y[i],
          },
        );
  }
  const spec: EtsSpec = {
    trend,
    damped: p.damped,
    seasonal,
    period: Math.max(period, 1),
    alpha: p.smoothingLevel,
    beta: p.smoothingTrend,
    gamma: p.smoothingSeasonal,
    phi: p.dampingTrend,
    initialLevel: p.initialLevel,
    initialTrend: p.initialTrend,
    initialSeasons: knownSeasons ? Float64Array.from(p.initialSeasonal as number[]) : null,
  };
  const result = fitEts(y, spec);
  if (!Number.isFinite(result.sse) || !Number.isFinite(result.level))
    throw new AimassError('FIT_FAILED', `${NAME}: the recursion diverged (SSE ${result.sse})`, {
      field: 'y',
    });
  return {
    trend,
    damped: p.damped,
    seasonal,
    period,
    alpha: result.alpha,
    beta: result.beta,
    gamma: result.gamma,
    phi: result.phi,
    level: result.level,
    slope: result.slope,
    seasons: result.seasons,
    initialLevel: result.initialLevel,
    initialTrend: result.initialTrend,
    initialSeasons: result.initialSeasons,
    observations: y.length,
    sse: result.sse,
    aicc: etsAicc(result.sse, y.length, trend, p.damped, period),
    fittedValues: result.fitted,
  };
}

const SEASONAL_CODES = [null, 'add', 'mul'] as const;

/**
 * Learned floats go in groups of like magnitude, one `weights` call each, so a lossy codec (8-bit
 * affine per array) never spends its range on a level of 1e3 next to a smoothing parameter of 0.1.
 */
function encode(state: ExponentialSmoothingState, writer: BinaryWriter): void {
  writer.bool(state.trend);
  writer.bool(state.damped);
  writer.u8(SEASONAL_CODES.indexOf(state.seasonal));
  writer.u32(state.period);
  writer.u32(state.observations);
  writer.f64(state.sse);
  writer.f64(state.aicc);
  writer.weights(Float64Array.of(state.alpha, state.beta, state.gamma, state.phi));
  writer.weights(Float64Array.of(state.level, state.initialLevel));
  writer.weights(Float64Array.of(state.slope, state.initialTrend));
  writer.weights(state.seasons);
  writer.weights(state.initialSeasons);
}

function finiteWeights(reader: BinaryReader, length: number, what: string): Float64Array {
  const values = reader.weights();
  if (values.length !== length) throw reader.corrupt(`${NAME}: ${values.length} ${what}, expected ${length}`);
  for (let i = 0; i < length; i++)
    if (!Number.isFinite(values[i])) throw reader.corrupt(`${NAME}: ${what} ${i} is not finite`);
  return values;
}

function decode(reader: BinaryReader): ExponentialSmoothingState {
  const trend = reader.bool();
  const damped = reader.bool();
  const code = reader.u8();
  if (code >= SEASONAL_CODES.length) throw reader.corrupt(`${NAME}: unknown season kind ${code}`);
  const seasonal = SEASONAL_CODES[code];
  const period = reader.u32();
  if (damped && !trend) throw reader.corrupt(`${NAME}: damped without a trend`);
  if (seasonal === null ? period !== 0 : period < 2) throw reader.corrupt(`${NAME}: season length ${period}`);
  const observations = reader.u32();
  const sse = reader.f64();
  const aicc = reader.f64();
  if (!(sse >= 0) || Number.isNaN(aicc)) throw reader.corrupt(`${NAME}: SSE ${sse} / AICc ${aicc}`);
  const smoothing = finiteWeights(reader, 4, 'smoothing parameters');
  // Lossy codecs may land a hair outside [0, 1]; anything further out is corruption (|phi| > 1 explodes).
  for (let i = 0; i < 4; i++) {
    if (smoothing[i] < -1e-3 || smoothing[i] > 1 + 1e-3)
      throw reader.corrupt(`${NAME}: smoothing parameter ${smoothing[i]} outside [0, 1]`);
    smoothing[i] = Math.min(Math.max(smoothing[i], 0), 1);
  }
  const levels = finiteWeights(reader, 2, 'levels');
  const slopes = finiteWeights(reader, 2, 'slopes');
  const seasons = finiteWeights(reader, period, 'seasons');
  const initialSeasons = finiteWeights(reader, period, 'initial seasons');
  return {
    trend,
    damped,
    seasonal,
    period,
    alpha: smoothing[0],
    beta: smoothing[1],
    gamma: smoothing[2],
    phi: smoothing[3],
    level: levels[0],
    slope: slopes[0],
    initialLevel: levels[1],
    initialTrend: slopes[1],
    seasons,
    initialSeasons,
    observations,
    sse,
    aicc,
    fittedValues: null,
  };
}

export const exponentialSmoothingForecaster: Forecaster<
  ExponentialSmoothingParams,
  ExponentialSmoothingState
> = {
  name: NAME,
  stateVersion: 1,
  params: resolve,
  fit,
  forecast(state, horizon, out) {
    const target = horizonBuffer(NAME, horizon, out);
    return holtWintersForecast(
      state.level,
      state.trend ? state.slope : 0,
      state.trend ? state.phi : 1,
      state.seasons,
      state.seasonal === 'mul',
      target,
    );
  },
  fitted: (state) => fittedOrThrow(NAME, state.fittedValues),
  encode,
  decode,
};

export { PHI_MAX, PHI_MIN };
