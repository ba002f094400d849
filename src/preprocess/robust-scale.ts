import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import type { Frame } from '../data/frame.ts';
import { safeScale } from './moments.ts';
import { mapNumberColumns, numberValues, resolveNumberColumns } from './number-columns.ts';
import { finiteScratch, medianSelect, quantileSelect } from './quantiles.ts';
import { readColumnNames, readColumnStatistic } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export interface RobustScaleParams {
  /** Columns to scale; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
  /** Percentiles whose difference is the scale; default [25, 75] (the IQR). 0 <= low < high <= 100. */
  quantileRange: number[];
}

export interface RobustScaleState {
  readonly columns: readonly string[];
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

const NAME = 'robust-scale';
const defaults: RobustScaleParams = { columns: null, quantileRange: [25, 75] };
const rules: ParamRules<RobustScaleParams> = {
  columns: { type: 'stringArray', nullable: true },
  quantileRange: { type: 'numberArray', min: 0, minLength: 2 },
};

/**
 * (x - median) / IQR, as sklearn's RobustScaler: quartiles by numpy's 'linear' percentile, median
 * as numpy's (mean of the two middle values). An IQR of 0 (e.g. a constant column) gives scale 1.
 * NaN: ignored by fit, passed through. ±Infinity: ignored by fit, passed through by transform as
 * the same ±Infinity. A column with no finite training value is kept as identity (centre 0, scale 1).
 */
export const robustScaleTransformer: Transformer<RobustScaleParams, RobustScaleState> = {
  name: NAME,
  stateVersion: 1,
  params(given) {
    const params = resolveParams(NAME, defaults, rules, given);
    const [low, high] = params.quantileRange;
    if (params.quantileRange.length !== 2 || !(low < high) || high > 100)
      throw paramError(
        NAME,
        'quantileRange',
        params.quantileRange,
        '[low, high] with 0 <= low < high <= 100',
      );
    return params;
  },
  fit(frame: Frame, given: unknown, context: FitContext): RobustScaleState {
    const params = robustScaleTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const low = params.quantileRange[0] / 100;
    const high = params.quantileRange[1] / 100;
    const center = new Float64Array(columns.length);
    const scale = new Float64Array(columns.length).fill(1);
    for (let j = 0; j < columns.length; j++) {
      // Selection, not sorting: three order-statistic pairs are O(n) on the reused scratch copy.
      const finite = finiteScratch(numberValues(NAME, frame, columns[j]));
      if (finite.length === 0) continue; // no finite value: identity
      center[j] = medianSelect(finite);
      scale[j] = safeScale(quantileSelect(finite, high) - quantileSelect(finite, low));
    }
    return { columns, center, scale };
  },
  transform(state: RobustScaleState, frame: Frame): Frame {
    const { center, scale } = state;
    return mapNumberColumns(NAME, frame, state.columns, (j, input, output) => {
      const c = center[j];
      const s = scale[j];
      for (let i = 0; i < input.length; i++) output[i] = (input[i] - c) / s;
    });
  },
  encode(state: RobustScaleState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.weights(state.center);
    writer.weights(state.scale);
  },
  decode(reader: BinaryReader): RobustScaleState {
    const columns = readColumnNames(reader);
    const center = readColumnStatistic(reader, columns.length, 'center');
    const scale = readColumnStatistic(reader, columns.length, 'scale');
    for (let j = 0; j < scale.length; j++)
      if (!(scale[j] > 0)) throw reader.corrupt(`scale[${j}] is ${scale[j]}`);
    return { columns, center, scale };
  },
};
