import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import type { Frame } from '../data/frame.ts';
import { finiteMoments, isConstantVariance } from './moments.ts';
import { mapNumberColumns, numberValues, resolveNumberColumns } from './number-columns.ts';
import { readColumnNames, readColumnStatistic } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export interface StandardizeParams {
  /** Columns to scale; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
}

export interface StandardizeState {
  readonly columns: readonly string[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

const NAME = 'standardize';
const defaults: StandardizeParams = { columns: null };
const rules: ParamRules<StandardizeParams> = { columns: { type: 'stringArray', nullable: true } };

/**
 * Z-score scaling, (x - mean) / std, as sklearn's StandardScaler: population variance (ddof 0);
 * a constant column gets scale 1 (sklearn's near-constant rule included), so it maps to 0.
 * NaN: ignored by fit, passed through by transform. ±Infinity: ignored by fit (a statistic over
 * finite values stays finite), and transform maps it to the same ±Infinity (pass-through).
 * A column with no finite training value is kept with mean 0, scale 1 (identity).
 */
export const standardizeTransformer: Transformer<StandardizeParams, StandardizeState> = {
  name: NAME,
  stateVersion: 1,
  params: (given) => resolveParams(NAME, defaults, rules, given),
  fit(frame: Frame, given: unknown, context: FitContext): StandardizeState {
    const params = standardizeTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const moments = new Float64Array(3);
    const mean = new Float64Array(columns.length);
    const scale = new Float64Array(columns.length).fill(1);
    for (let j = 0; j < columns.length; j++) {
      finiteMoments(numberValues(NAME, frame, columns[j]), moments);
      const count = moments[0];
      const m = moments[1];
      const variance = moments[2];
      // No finite value at all: identity (mean 0, scale 1), so later data passes through, never NaN.
      if (count === 0) continue;
      mean[j] = m;
      if (!isConstantVariance(variance, m, count)) scale[j] = Math.sqrt(variance);
    }
    return { columns, mean, scale };
  },
  transform(state: StandardizeState, frame: Frame): Frame {
    const { mean, scale } = state;
    return mapNumberColumns(NAME, frame, state.columns, (j, input, output) => {
      const m = mean[j];
      const s = scale[j];
      for (let i = 0; i < input.length; i++) output[i] = (input[i] - m) / s;
    });
  },
  encode(state: StandardizeState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.weights(state.mean);
    writer.weights(state.scale);
  },
  decode(reader: BinaryReader): StandardizeState {
    const columns = readColumnNames(reader);
    const mean = readColumnStatistic(reader, columns.length, 'mean');
    const scale = readColumnStatistic(reader, columns.length, 'scale');
    for (let j = 0; j < scale.length; j++)
      if (!(scale[j] > 0)) throw reader.corrupt(`scale[${j}] is ${scale[j]}`);
    return { columns, mean, scale };
  },
};
