import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import type { AnyEstimator, Forecaster } from './estimator.ts';
import { lagMatrix, recursiveForecast } from './forecast/recursive.ts';

/** Any tabular regressor over lag features of the series, forecasting recursively. */
export interface LagRegressionParams {
  /** Regressor name from the estimator registry. Default 'ridge'. */
  algorithm: string;
  /** Its params (validated by the regressor). Default {}. */
  estimatorParams: Record<string, unknown>;
  /** Lags in steps. Default [1, 2, 3, 24] (hourly data with a daily cycle). */
  lags: number[];
}

export interface LagRegressionState {
  readonly lags: Int32Array;
  readonly estimator: AnyEstimator;
  readonly estimatorState: unknown;
  /** The last max(lags) points of the training series: the history forecasts start from. */
  readonly tail: Float64Array;
}

const DEFAULTS: LagRegressionParams = { algorithm: 'ridge', estimatorParams: {}, lags: [1, 2, 3, 24] };
const RULES: ParamRules<LagRegressionParams> = {
  algorithm: { type: 'string', maxLength: 64 },
  estimatorParams: { type: 'any' },
  lags: { type: 'numberArray', integer: true, min: 1, minLength: 1 },
};
const MAX_LAG = 100_000;

/**
 * Built by the registry with its own estimator lookup (the registry imports this file, so the
 * lookup is passed in rather than imported: no import cycle).
 */
export function makeLagRegressionForecaster(
  lookup: (name: string) => AnyEstimator | undefined,
): Forecaster<LagRegressionParams, LagRegressionState> {
  const name = 'lag-regression';
  const params = (given?: unknown) => {
    const resolved = resolveParams(name, DEFAULTS, RULES, given);
    const estimator = lookup(resolved.algorithm);
    if (!estimator?.tasks.includes('regression')) {
      throw new AimassError('PARAM_INVALID', `${name}: "${resolved.algorithm}" is not a known regressor`, {
        field: 'algorithm',
        value: resolved.algorithm,
      });
    }
    if (resolved.lags.some((lag) => lag > MAX_LAG))
      throw new AimassError('PARAM_INVALID', `${name}: lags above ${MAX_LAG}`, { field: 'lags' });
    return resolved;
  };
  return {
    name,
    stateVersion: 1,
    params,
    fit(y, given, rng) {
      const p = params(given);
      const estimator = lookup(p.algorithm) as AnyEstimator;
      const { X, y: target } = lagMatrix(y, p.lags);
      const estimatorState = estimator.fit(X, target, p.estimatorParams, rng);
      const maxLag = Math.max(...p.lags);
      return { lags: Int32Array.from(p.lags), estimator, estimatorState, tail: y.slice(y.length - maxLag) };
    },
    forecast(state, horizon, out) {
      return recursiveForecast(
        state.estimator,
        state.estimatorState,
        state.tail,
        Array.from(state.lags),
        horizon,
        undefined,
        out,
      );
    },
    encode(state, writer: BinaryWriter) {
      writer.i32Array(state.lags);
      writer.f64Array(state.tail);
      writer.string(state.estimator.name);
      writer.u32(state.estimator.stateVersion);
      state.estimator.encode(state.estimatorState, writer);
    },
    decode(reader: BinaryReader) {
      const lags = reader.i32Array();
      if (lags.length === 0 || lags.some((lag) => lag < 1 || lag > MAX_LAG))
        throw reader.corrupt('lags out of range');
      const tail = reader.f64Array();
      if (tail.length !== Math.max(...lags))
        throw reader.corrupt('history tail length does not match the lags');
      const algorithm = reader.string();
      const version = reader.u32();
      const estimator = lookup(algorithm);
      if (!estimator)
        throw new AimassError('CODEC_UNSUPPORTED', `${name}: unknown regressor "${algorithm}"`, {
          algorithm,
        });
      if (estimator.stateVersion !== version)
        throw new AimassError(
          'CODEC_UNSUPPORTED',
          `${name}: ${algorithm} state version ${version} (this build reads ${estimator.stateVersion})`,
        );
      const estimatorState = estimator.decode(reader);
      if (estimator.featureCount(estimatorState) !== lags.length)
        throw reader.corrupt('regressor feature count does not match the lags');
      return { lags, estimator, estimatorState, tail };
    },
  };
}
