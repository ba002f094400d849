import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import type { Frame } from '../data/frame.ts';
import { safeScale } from './moments.ts';
import { mapNumberColumns, numberValues, resolveNumberColumns } from './number-columns.ts';
import { readColumnNames, readColumnStatistic } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export interface MinMaxParams {
  /** Columns to scale; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
}

/** x' = x * scale + offset (sklearn's `scale_` and `min_`). */
export interface MinMaxState {
  readonly columns: readonly string[];
  readonly scale: Float64Array;
  readonly offset: Float64Array;
}

const NAME = 'min-max';
const defaults: MinMaxParams = { columns: null };
const rules: ParamRules<MinMaxParams> = { columns: { type: 'stringArray', nullable: true } };

/**
 * Scales each column to [0, 1] over its training range, as sklearn's MinMaxScaler((0, 1)) with
 * its exact arithmetic (x * scale_ + min_). Values outside the training range map outside [0, 1]
 * (no clipping: use the outliers step for that). A constant column has range 0, so sklearn's scale
 * 1 applies and it maps to 0. NaN: ignored by fit, passed through. ±Infinity: ignored by fit,
 * passed through by transform as the same ±Infinity. A column with no finite training value is
 * kept as identity (scale 1, offset 0).
 */
export const minMaxTransformer: Transformer<MinMaxParams, MinMaxState> = {
  name: NAME,
  stateVersion: 1,
  params: (given) => resolveParams(NAME, defaults, rules, given),
  fit(frame: Frame, given: unknown, context: FitContext): MinMaxState {
    const params = minMaxTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const scale = new Float64Array(columns.length).fill(1);
    const offset = new Float64Array(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const values = numberValues(NAME, frame, columns[j]);
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isFinite(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min > max) continue; // no finite value: identity
      scale[j] = 1 / safeScale(max - min);
      offset[j] = 0 - min * scale[j]; // sklearn: feature_range[0] - data_min * scale_
    }
    return { columns, scale, offset };
  },
  transform(state: MinMaxState, frame: Frame): Frame {
    const { scale, offset } = state;
    return mapNumberColumns(NAME, frame, state.columns, (j, input, output) => {
      const s = scale[j];
      const o = offset[j];
      for (let i = 0; i < input.length; i++) output[i] = input[i] * s + o;
    });
  },
  encode(state: MinMaxState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.weights(state.scale);
    writer.weights(state.offset);
  },
  decode(reader: BinaryReader): MinMaxState {
    const columns = readColumnNames(reader);
    const scale = readColumnStatistic(reader, columns.length, 'scale');
    const offset = readColumnStatistic(reader, columns.length, 'offset');
    return { columns, scale, offset };
  },
};
