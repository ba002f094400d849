import { AimassError, isAimassError } from '../../core/errors.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Forecaster } from '../estimator.ts';
import {
  type ExponentialSmoothingParams,
  type ExponentialSmoothingState,
  exponentialSmoothingForecaster,
} from './exponential-smoothing.ts';
import { checkSeries } from './series-input.ts';

const NAME = 'auto-ets';

export interface AutoEtsParams {
  /** Season length m, or null for non-seasonal candidates only. Default null. */
  seasonalPeriods: number | null;
  /** Include the damped-trend Holt candidate. Default true. */
  damped: boolean;
}

export interface AutoEtsCandidate {
  params: Partial<ExponentialSmoothingParams>;
  /** AICc, or null when the candidate could not be fitted (reason says why). */
  aicc: number | null;
  sse: number | null;
  reason?: string;
}

export interface AutoEtsResult {
  state: ExponentialSmoothingState;
  params: Partial<ExponentialSmoothingParams>;
  /** Every candidate tried, in order, with the numbers behind the choice. */
  candidates: AutoEtsCandidate[];
}

const RULES: ParamRules<AutoEtsParams> = {
  seasonalPeriods: { type: 'number', integer: true, min: 2, max: 100_000, nullable: true },
  damped: { type: 'boolean' },
};
const DEFAULTS: AutoEtsParams = { seasonalPeriods: null, damped: true };

/**
 * Fits SES, Holt, damped Holt and, with a season and two full cycles, Holt-Winters with additive
 * and (when y > 0) multiplicative season; keeps the lowest AICc (statsmodels' definition). Ties go
 * to the earlier, simpler candidate.
 */
export function autoEts(y: Float64Array, given: unknown, rng: Rng): AutoEtsResult {
  const p = resolveParams(NAME, DEFAULTS, RULES, given);
  checkSeries(NAME, y, 1);
  const family: Partial<ExponentialSmoothingParams>[] = [{}, { trend: 'add' }];
  if (p.damped) family.push({ trend: 'add', damped: true });
  if (p.seasonalPeriods !== null) {
    const m = p.seasonalPeriods;
    family.push({ trend: 'add', seasonal: 'add', seasonalPeriods: m });
    let positive = true;
    for (let i = 0; i < y.length && positive; i++) positive = y[i] > 0;
    if (positive) family.push({ trend: 'add', seasonal: 'mul', seasonalPeriods: m });
  }
  const candidates: AutoEtsCandidate[] = [];
  let best: { state: ExponentialSmoothingState; params: Partial<ExponentialSmoothingParams> } | null = null;
  for (const params of family) {
    try {
      const state = exponentialSmoothingForecaster.fit(y, params, rng);
      candidates.push({ params, aicc: state.aicc, sse: state.sse });
      if (best === null || state.aicc < best.state.aicc) best = { state, params };
    } catch (error) {
      // Too short for this form, or it diverged: record why and keep looking.
      if (!isAimassError(error, 'DATA_INVALID') && !isAimassError(error, 'FIT_FAILED')) throw error;
      candidates.push({ params, aicc: null, sse: null, reason: error.message });
    }
  }
  if (best === null)
    throw new AimassError('FIT_FAILED', `${NAME}: no candidate could be fitted`, { field: 'y', candidates });
  return { state: best.state, params: best.params, candidates };
}

/** `autoEts` as a forecaster: the state is an exponential-smoothing state (same codec). */
export const autoEtsForecaster: Forecaster<AutoEtsParams, ExponentialSmoothingState> = {
  name: NAME,
  stateVersion: exponentialSmoothingForecaster.stateVersion,
  params: (given?: unknown) => resolveParams(NAME, DEFAULTS, RULES, given),
  fit: (y, given, rng) => autoEts(y, given, rng).state,
  forecast: exponentialSmoothingForecaster.forecast,
  fitted: exponentialSmoothingForecaster.fitted,
  encode: exponentialSmoothingForecaster.encode,
  decode: exponentialSmoothingForecaster.decode,
};
