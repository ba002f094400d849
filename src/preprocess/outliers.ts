import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type Frame, takeFrameRows } from '../data/frame.ts';
import { finiteMoments, isConstantVariance } from './moments.ts';
import { mapNumberColumns, numberValues, resolveNumberColumns } from './number-columns.ts';
import { finiteScratch, medianSelect, quantileSelect } from './quantiles.ts';
import { readColumnNames, readColumnStatistic } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export type OutlierMethod = 'iqr' | 'zscore' | 'mad';

export interface OutliersParams {
  /** Columns to check; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
  /** How bounds are learned; default 'iqr' (Tukey fences). */
  method: OutlierMethod;
  /** Fence width; `null` (default) = 1.5 for iqr, 3 for zscore, 3.5 for mad. */
  threshold: number | null;
  /**
   * 'clip' (default): values beyond the bounds are set to the bound, in training and prediction.
   * 'drop': rows with any outlier are dropped in training mode only; prediction passes values
   * through unchanged (it never drops rows).
   */
  mode: 'clip' | 'drop';
}

export interface OutliersState {
  readonly columns: readonly string[];
  /** Outlier iff x < lower or x > upper (strict). ±Infinity where the column has no bound. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly mode: 'clip' | 'drop';
}

const NAME = 'outliers';
const DEFAULT_THRESHOLD: Record<OutlierMethod, number> = { iqr: 1.5, zscore: 3, mad: 3.5 };
/** Φ⁻¹(0.75): makes the MAD a consistent estimate of σ for normal data (Iglewicz & Hoaglin). */
const MAD_CONSTANT = 0.6745;
const moments = new Float64Array(3); // reused: fits run one at a time per thread
const defaults: OutliersParams = { columns: null, method: 'iqr', threshold: null, mode: 'clip' };
const rules: ParamRules<OutliersParams> = {
  columns: { type: 'stringArray', nullable: true },
  method: { type: 'enum', values: ['iqr', 'zscore', 'mad'] },
  threshold: { type: 'number', min: 0, exclusiveMin: true, nullable: true },
  mode: { type: 'enum', values: ['clip', 'drop'] },
};

/**
 * Learns [lower, upper] for one column from its finite values, into out[0], out[1]:
 * iqr: Q1 - k·IQR, Q3 + k·IQR (numpy 'linear' quartiles); zscore: mean ± t·σ (population σ);
 * mad: median ± t·MAD/0.6745 (|0.6745 (x - median) / MAD| > t, solved for x). A zero spread
 * (constant column, or more than half the values tied) gives no yardstick for "far", so that column
 * gets no bounds (±Infinity) instead of flagging every value that differs from the bulk.
 */
export function outlierBounds(
  values: Float64Array,
  method: OutlierMethod,
  threshold: number,
  out: Float64Array,
): void {
  out[0] = Number.NEGATIVE_INFINITY;
  out[1] = Number.POSITIVE_INFINITY;
  if (method === 'zscore') {
    finiteMoments(values, moments);
    const count = moments[0];
    const mean = moments[1];
    const variance = moments[2];
    if (count === 0 || isConstantVariance(variance, mean, count)) return;
    const width = threshold * Math.sqrt(variance);
    out[0] = mean - width;
    out[1] = mean + width;
    return;
  }
  const finite = finiteScratch(values);
  if (finite.length === 0) return;
  if (method === 'iqr') {
    const q1 = quantileSelect(finite, 0.25);
    const q3 = quantileSelect(finite, 0.75);
    const iqr = q3 - q1;
    if (!(iqr > 0)) return;
    out[0] = q1 - threshold * iqr;
    out[1] = q3 + threshold * iqr;
    return;
  }
  const median = medianSelect(finite);
  // Reuse the scratch copy in place: absolute deviations, then their median.
  for (let i = 0; i < finite.length; i++) finite[i] = Math.abs(finite[i] - median);
  const mad = medianSelect(finite);
  if (!(mad > 0)) return;
  const width = (threshold * mad) / MAD_CONSTANT;
  out[0] = median - width;
  out[1] = median + width;
}

/** 1 for each row with a value outside its column's bounds (NaN is never an outlier). */
export function rowOutlierMask(
  state: OutliersState,
  frame: Frame,
  out = new Uint8Array(frame.rowCount),
): Uint8Array {
  out.fill(0);
  for (let j = 0; j < state.columns.length; j++) {
    const values = numberValues(NAME, frame, state.columns[j]);
    const lower = state.lower[j];
    const upper = state.upper[j];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lower || v > upper) out[i] = 1;
    }
  }
  return out;
}

/**
 * Outlier handling ("denoise") with bounds learned per column from the finite training values
 * (see `outlierBounds`). NaN is never an outlier and is passed through (impute handles it).
 * ±Infinity never enters the bounds; it counts as an outlier: clipped to the bound in 'clip' mode,
 * its row dropped in 'drop' mode during training, passed through in 'drop' mode at prediction.
 */
export const outliersTransformer: Transformer<OutliersParams, OutliersState> = {
  name: NAME,
  stateVersion: 1,
  params: (given) => resolveParams(NAME, defaults, rules, given),
  fit(frame: Frame, given: unknown, context: FitContext): OutliersState {
    const params = outliersTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const threshold = params.threshold ?? DEFAULT_THRESHOLD[params.method];
    const lower = new Float64Array(columns.length);
    const upper = new Float64Array(columns.length);
    const bounds = new Float64Array(2);
    for (let j = 0; j < columns.length; j++) {
      outlierBounds(numberValues(NAME, frame, columns[j]), params.method, threshold, bounds);
      lower[j] = bounds[0];
      upper[j] = bounds[1];
    }
    return { columns, lower, upper, mode: params.mode };
  },
  transform(state: OutliersState, frame: Frame, options = {}): Frame {
    if (state.mode === 'drop') {
      if (!options.training) {
        for (const name of state.columns) numberValues(NAME, frame, name); // same errors as training
        return frame;
      }
      const mask = rowOutlierMask(state, frame);
      let kept = 0;
      for (let i = 0; i < mask.length; i++) kept += 1 - mask[i];
      if (kept === frame.rowCount) return frame;
      const rows = new Int32Array(kept);
      for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] === 0) rows[k++] = i;
      return takeFrameRows(frame, rows);
    }
    const { lower, upper } = state;
    return mapNumberColumns(NAME, frame, state.columns, (j, input, output) => {
      const lo = lower[j];
      const hi = upper[j];
      // Math.max/min keep NaN as NaN: a missing value is not an outlier.
      for (let i = 0; i < input.length; i++) output[i] = Math.min(hi, Math.max(lo, input[i]));
    });
  },
  encode(state: OutliersState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.u8(state.mode === 'drop' ? 1 : 0);
    writer.weights(state.lower);
    writer.weights(state.upper);
  },
  decode(reader: BinaryReader): OutliersState {
    const columns = readColumnNames(reader);
    const modeByte = reader.u8();
    if (modeByte > 1) throw reader.corrupt(`outlier mode ${modeByte}`);
    const lower = readColumnStatistic(reader, columns.length, 'lower', true);
    const upper = readColumnStatistic(reader, columns.length, 'upper', true);
    for (let j = 0; j < columns.length; j++) {
      if (
        !(lower[j] <= upper[j]) ||
        lower[j] === Number.POSITIVE_INFINITY ||
        upper[j] === Number.NEGATIVE_INFINITY
      )
        throw reader.corrupt(`bounds[${j}] [${lower[j]}, ${upper[j]}]`);
    }
    return { columns, lower, upper, mode: modeByte === 1 ? 'drop' : 'clip' };
  },
};
