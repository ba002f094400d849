import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type Frame, findColumn, type NumberColumn } from '../data/frame.ts';
import { finiteMoments } from './moments.ts';
import { mapNumberColumns, numberValues, resolveNumberColumns } from './number-columns.ts';
import { finiteScratch, medianSelect, modeSorted, sortedFinite } from './quantiles.ts';
import { readColumnNames } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

export interface ImputeParams {
  /** Columns to fill; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
  /** How the fill value is learned; default 'mean'. */
  strategy: ImputeStrategy;
  /** The fill value of 'constant', and of any column with no finite training value; default 0. */
  fillValue: number;
  /**
   * Append a 0/1 number column `<col>__missing` (1 where the value was NaN) for each column that
   * had a missing value in training, after all other columns; default false.
   */
  addIndicator: boolean;
}

export interface ImputeState {
  readonly columns: readonly string[];
  /** The value that replaces NaN, per column. */
  readonly fill: Float64Array;
  /** 1 where the column gets a `<col>__missing` indicator. */
  readonly indicator: Uint8Array;
}

const NAME = 'impute';
const defaults: ImputeParams = { columns: null, strategy: 'mean', fillValue: 0, addIndicator: false };
const rules: ParamRules<ImputeParams> = {
  columns: { type: 'stringArray', nullable: true },
  strategy: { type: 'enum', values: ['mean', 'median', 'most_frequent', 'constant'] },
  fillValue: { type: 'number' },
  addIndicator: { type: 'boolean' },
};

export function indicatorName(column: string): string {
  return `${column}__missing`;
}

function learnFill(values: Float64Array, params: Readonly<ImputeParams>, moments: Float64Array): number {
  if (params.strategy === 'constant') return params.fillValue;
  if (params.strategy === 'mean') {
    finiteMoments(values, moments);
    return moments[0] > 0 ? moments[1] : params.fillValue;
  }
  if (params.strategy === 'median') {
    const finite = finiteScratch(values);
    return finite.length === 0 ? params.fillValue : medianSelect(finite);
  }
  const sorted = sortedFinite(values);
  return sorted.length === 0 ? params.fillValue : modeSorted(sorted);
}

/**
 * Replaces NaN with a per-column value learned in training, as sklearn's SimpleImputer:
 * mean, median (mean of the two middle values for an even count), most_frequent (ties go to the
 * smallest value) or constant (`fillValue`).
 * Only NaN is missing: ±Infinity is kept as it is (pass-through) and never enters a statistic,
 * so a fill value is always finite. A column with no finite value in training is NOT dropped
 * (sklearn drops it): it is filled with `fillValue`, so row shapes stay stable between entities.
 * Indicator columns exist only for columns that had NaN in training (sklearn's
 * `features='missing-only'`); a column that never had NaN gets none even if NaN shows up later.
 */
export const imputeTransformer: Transformer<ImputeParams, ImputeState> = {
  name: NAME,
  stateVersion: 1,
  params: (given) => resolveParams(NAME, defaults, rules, given),
  fit(frame: Frame, given: unknown, context: FitContext): ImputeState {
    const params = imputeTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const fill = new Float64Array(columns.length);
    const indicator = new Uint8Array(columns.length);
    const moments = new Float64Array(3);
    for (let j = 0; j < columns.length; j++) {
      const values = numberValues(NAME, frame, columns[j]);
      fill[j] = learnFill(values, params, moments);
      if (!params.addIndicator) continue;
      for (let i = 0; i < values.length; i++) {
        if (Number.isNaN(values[i])) {
          indicator[j] = 1;
          break;
        }
      }
      const name = indicatorName(columns[j]);
      if (indicator[j] === 1 && findColumn(frame, name)) {
        throw new AimassError('DATA_INVALID', `${NAME}: indicator column "${name}" already exists`, {
          column: name,
        });
      }
    }
    return { columns, fill, indicator };
  },
  transform(state: ImputeState, frame: Frame): Frame {
    const { columns, fill, indicator } = state;
    const indicators: NumberColumn[] = [];
    for (let j = 0; j < columns.length; j++) {
      if (indicator[j] === 0) continue;
      const values = numberValues(NAME, frame, columns[j]);
      const flags = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) flags[i] = Number.isNaN(values[i]) ? 1 : 0;
      indicators.push({ type: 'number', name: indicatorName(columns[j]), values: flags });
    }
    return mapNumberColumns(
      NAME,
      frame,
      columns,
      (j, input, output) => {
        const value = fill[j];
        for (let i = 0; i < input.length; i++) {
          const x = input[i];
          output[i] = Number.isNaN(x) ? value : x;
        }
      },
      indicators,
    );
  },
  encode(state: ImputeState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    // Exact floats, not `weights`: a most_frequent or constant fill must stay the observed value.
    writer.f64Array(state.fill);
    writer.u8Array(state.indicator);
  },
  decode(reader: BinaryReader): ImputeState {
    const columns = readColumnNames(reader);
    const fill = reader.f64Array();
    if (fill.length !== columns.length)
      throw reader.corrupt(`${fill.length} fill values for ${columns.length} columns`);
    for (let j = 0; j < fill.length; j++)
      if (!Number.isFinite(fill[j])) throw reader.corrupt(`fill[${j}] is ${fill[j]}`);
    const indicator = reader.u8Array();
    if (indicator.length !== columns.length)
      throw reader.corrupt(`${indicator.length} indicator flags for ${columns.length} columns`);
    for (let j = 0; j < indicator.length; j++)
      if (indicator[j] > 1) throw reader.corrupt(`indicator flag ${indicator[j]}`);
    return { columns, fill, indicator };
  },
};
