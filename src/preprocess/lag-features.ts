import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError, paramError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type Column, type Frame, findColumn, getColumn, withColumns } from '../data/frame.ts';
import type { FitContext, Transformer, TransformOptions } from './transformer.ts';

/**
 * Lags and trailing rolling statistics, per entity (context.key; without it the frame is one
 * entity), in time order (context.time; without it, row order). Row r's features use only rows
 * strictly before r in its entity's order, so a row's own value (the target) never leaks.
 * - `<col>_lag<k>`: the value k rows earlier (row shifts: a regular series is assumed, gaps are
 *   not filled). `<col>_mean<w>` / `<col>_std<w>`: mean and sample std (ddof 1) of the w previous
 *   values. Too little history, or a missing value in the window, gives NaN (pandas' rolling
 *   default): a later impute step fills them, or the training split drops them.
 * - The state keeps, per entity seen in training, the tail of the last `history` =
 *   max(lags, windows) values of each column. Prediction mode prepends that tail, so a frame of
 *   rows that follow the training data continues the sequence exactly (bit for bit as if the
 *   series had been transformed in one piece). Training mode treats the frame as the start of
 *   the series (the fit frame's own rows provide its history). A per-entity bundle stores one
 *   tail; a state fit on many entities stores one per entity.
 * - Because rows of one batch see earlier rows of the same batch, transforming one row alone is
 *   NOT the same as transforming it inside a batch (it sees the tail only).
 * - In prediction mode a lagged column absent from the frame (the target, typically) counts as
 *   missing: the first rows use the tail, later ones get NaN. Time-ordering ties keep row order;
 *   rows with a missing time sort last within their entity.
 */
export interface LagFeaturesParams {
  /** Number or boolean columns to lag; null = [context.target]. Default null. */
  columns: string[] | null;
  /** Lags in rows (integers ≥ 1). Default [1]. */
  lags: number[];
  /** Rolling window lengths in rows (integers ≥ 2). Default []. */
  windows: number[];
  /** Rolling statistics per window, from 'mean', 'std'. Default ['mean', 'std']. */
  statistics: string[];
}

const defaults: LagFeaturesParams = { columns: null, lags: [1], windows: [], statistics: ['mean', 'std'] };
const rules: ParamRules<LagFeaturesParams> = {
  columns: { type: 'stringArray', nullable: true, minLength: 1 },
  lags: { type: 'numberArray', integer: true, min: 1 },
  windows: { type: 'numberArray', integer: true, min: 2 },
  statistics: { type: 'stringArray' },
};

const MEAN = 1;
const STD = 2;
/** Guards against absurd histories (the tail is stored per entity and per column). */
const MAX_HISTORY = 100_000;

export interface LagFeaturesState {
  readonly columns: readonly string[];
  readonly lags: Int32Array;
  readonly windows: Int32Array;
  /** Bit mask: 1 = mean, 2 = std. */
  readonly statistics: number;
  readonly keyColumn: string | null;
  readonly timeColumn: string | null;
  /** max(lags, windows): tail length per entity and column. */
  readonly history: number;
  /** Entity keys as text (null = missing key / no key column). */
  readonly entities: readonly (string | null)[];
  /** [entity][column][history] values, oldest first; NaN where training had fewer rows. */
  readonly tails: Float64Array;
}

function resolveLagParams(given?: unknown): Readonly<LagFeaturesParams> {
  const params = resolveParams('lag-features', defaults, rules, given);
  for (const field of ['lags', 'windows'] as const) {
    if (new Set(params[field]).size !== params[field].length)
      throw paramError('lag-features', field, params[field], 'no repeated values');
    if (params[field].some((v) => v > MAX_HISTORY))
      throw paramError('lag-features', field, params[field], `values <= ${MAX_HISTORY}`);
  }
  if (
    params.statistics.some((s) => s !== 'mean' && s !== 'std') ||
    new Set(params.statistics).size !== params.statistics.length
  )
    throw paramError('lag-features', 'statistics', params.statistics, "distinct names from 'mean', 'std'");
  if (params.lags.length === 0 && (params.windows.length === 0 || params.statistics.length === 0))
    throw paramError('lag-features', 'lags', params.lags, 'at least one lag, or windows with statistics');
  return params;
}

/** Rows grouped by entity (counting sort), each group in time order. */
interface EntityOrder {
  readonly order: Int32Array;
  /** Group g is order[starts[g] .. starts[g + 1]). */
  readonly starts: Int32Array;
  readonly keys: (string | null)[];
}

function entityOrder(frame: Frame, keyName: string | null, timeName: string | null): EntityOrder {
  const n = frame.rowCount;
  const group = new Int32Array(n);
  const keys: (string | null)[] = [];
  const keyColumn = keyName === null ? undefined : findColumn(frame, keyName);
  if (keyColumn === undefined) keys.push(null);
  else {
    const ids = new Map<string | null, number>();
    const idOf = (key: string | null): number => {
      let id = ids.get(key);
      if (id === undefined) {
        id = keys.length;
        ids.set(key, id);
        keys.push(key);
      }
      return id;
    };
    if (keyColumn.type === 'category') {
      // One lookup per dictionary entry, not per row.
      const table = Int32Array.from(keyColumn.dictionary, () => -2);
      let missing = -2;
      for (let i = 0; i < n; i++) {
        const code = keyColumn.codes[i];
        if (code < 0) group[i] = missing < 0 ? (missing = idOf(null)) : missing;
        else group[i] = table[code] < 0 ? (table[code] = idOf(keyColumn.dictionary[code])) : table[code];
      }
    } else {
      const byValue = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const v = keyColumn.values[i];
        const missing = keyColumn.type === 'boolean' ? v < 0 : Number.isNaN(v);
        let id = byValue.get(missing ? Number.NaN : v);
        if (id === undefined) {
          id = idOf(missing ? null : String(v));
          byValue.set(missing ? Number.NaN : v, id);
        }
        group[i] = id;
      }
    }
  }
  const starts = new Int32Array(keys.length + 1);
  for (let i = 0; i < n; i++) starts[group[i] + 1]++;
  for (let g = 0; g < keys.length; g++) starts[g + 1] += starts[g];
  const fill = starts.slice(0, keys.length);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[group[i]]++] = i;
  const timeColumn = timeName === null ? undefined : findColumn(frame, timeName);
  if (timeColumn && timeColumn.type !== 'category' && timeColumn.type !== 'boolean') {
    const t = timeColumn.values;
    const at = (row: number) => (Number.isNaN(t[row]) ? Number.POSITIVE_INFINITY : t[row]);
    for (let g = 0; g < keys.length; g++) {
      let sorted = true;
      for (let k = starts[g] + 1; k < starts[g + 1] && sorted; k++) {
        const next = t[order[k]];
        sorted = t[order[k - 1]] <= next || Number.isNaN(next); // NaN times belong last
      }
      // Already-ordered data (the usual case) costs one linear check; ties keep row order.
      if (!sorted) order.subarray(starts[g], starts[g + 1]).sort((a, b) => at(a) - at(b) || a - b);
    }
  }
  return { order, starts, keys };
}

/** A lagged column's values as float64 (booleans 0/1, missing NaN); undefined if absent. */
function sourceValues(frame: Frame, name: string, required: boolean): Float64Array | undefined {
  const column = required ? getColumn(frame, name) : findColumn(frame, name);
  if (column === undefined) return undefined;
  if (column.type === 'number' || column.type === 'time') return column.values;
  if (column.type === 'boolean') return Float64Array.from(column.values, (v) => (v < 0 ? Number.NaN : v));
  throw new AimassError('DATA_INVALID', `lag-features: column "${name}" is category, expected number`, {
    column: name,
    expected: 'number',
  });
}

export function lagFeatureNames(
  state: Pick<LagFeaturesState, 'columns' | 'lags' | 'windows' | 'statistics'>,
): string[] {
  const names: string[] = [];
  for (const column of state.columns) {
    for (const lag of state.lags) names.push(`${column}_lag${lag}`);
    for (const window of state.windows) {
      if (state.statistics & MEAN) names.push(`${column}_mean${window}`);
      if (state.statistics & STD) names.push(`${column}_std${window}`);
    }
  }
  return names;
}

/**
 * Features at positions [from, series.length) of one entity's series, written to
 * `outputs[k][rows[p - from]]`. Each value reads only series[p - window .. p - 1]: direct sums
 * (not running sums) make the bits independent of where the series starts, which is what lets a
 * prediction frame continue the training series exactly. O(rows × window) per column.
 */
export function lagKernel(
  series: Float64Array,
  from: number,
  to: number,
  rows: Int32Array,
  lags: Int32Array,
  windows: Int32Array,
  statistics: number,
  outputs: readonly Float64Array[],
  firstOutput: number,
): void {
  let k = firstOutput;
  for (let l = 0; l < lags.length; l++) {
    const out = outputs[k++];
    const lag = lags[l];
    for (let p = from; p < to; p++) out[rows[p - from]] = p - lag >= 0 ? series[p - lag] : Number.NaN;
  }
  for (let w = 0; w < windows.length; w++) {
    const window = windows[w];
    const meanOut = statistics & MEAN ? outputs[k++] : null;
    const stdOut = statistics & STD ? outputs[k++] : null;
    for (let p = from; p < to; p++) {
      const row = rows[p - from];
      if (p - window < 0) {
        if (meanOut) meanOut[row] = Number.NaN;
        if (stdOut) stdOut[row] = Number.NaN;
        continue;
      }
      let sum = 0;
      for (let q = p - window; q < p; q++) sum += series[q];
      const mean = sum / window;
      if (meanOut) meanOut[row] = mean;
      if (stdOut) {
        let squares = 0;
        for (let q = p - window; q < p; q++) squares += (series[q] - mean) * (series[q] - mean);
        stdOut[row] = Math.sqrt(squares / (window - 1));
      }
    }
  }
}

function fitLag(frame: Frame, given: unknown, context: FitContext): LagFeaturesState {
  const params = resolveLagParams(given);
  const columns = params.columns ?? (context.target === undefined ? null : [context.target]);
  if (columns === null) throw paramError('lag-features', 'columns', null, 'column names (no context.target)');
  const values = columns.map((name) => sourceValues(frame, name, true) as Float64Array);
  if (context.time !== undefined) getColumn(frame, context.time);
  const keyColumn = context.key !== undefined && findColumn(frame, context.key) ? context.key : null;
  const timeColumn = context.time ?? null;
  const history = Math.max(0, ...params.lags, ...params.windows);
  const { order, starts, keys } = entityOrder(frame, keyColumn, timeColumn);
  const tails = new Float64Array(keys.length * columns.length * history).fill(Number.NaN);
  for (let g = 0; g < keys.length; g++) {
    const available = Math.min(history, starts[g + 1] - starts[g]);
    for (let c = 0; c < columns.length; c++) {
      const base = (g * columns.length + c) * history + history - available;
      for (let k = 0; k < available; k++) tails[base + k] = values[c][order[starts[g + 1] - available + k]];
    }
  }
  return {
    columns,
    lags: Int32Array.from(params.lags),
    windows: Int32Array.from(params.windows),
    statistics:
      (params.statistics.includes('mean') ? MEAN : 0) | (params.statistics.includes('std') ? STD : 0),
    keyColumn,
    timeColumn,
    history,
    entities: keys,
    tails,
  };
}

// Built once per state (a fleet-wide state may hold millions of entities; a batch holds a few).
const entityIndexes = new WeakMap<LagFeaturesState, Map<string | null, number>>();
function entityIndexOf(state: LagFeaturesState): Map<string | null, number> {
  let index = entityIndexes.get(state);
  if (!index) {
    index = new Map();
    for (let e = 0; e < state.entities.length; e++) index.set(state.entities[e], e);
    entityIndexes.set(state, index);
  }
  return index;
}

function transformLag(state: LagFeaturesState, frame: Frame, options?: TransformOptions): Frame {
  const training = options?.training === true;
  const n = frame.rowCount;
  const { history, columns } = state;
  let keyColumn = state.keyColumn;
  if (keyColumn !== null && !findColumn(frame, keyColumn)) {
    // A per-entity frame may come without its key: fine when the state holds one entity.
    if (state.entities.length > 1)
      throw new AimassError(
        'COLUMN_NOT_FOUND',
        `lag-features: no key column "${keyColumn}" and the state holds ${state.entities.length} entities`,
        { column: keyColumn },
      );
    keyColumn = null;
  }
  const { order, starts, keys } = entityOrder(frame, keyColumn, state.timeColumn);
  const entityIndex = training ? undefined : entityIndexOf(state);
  const names = lagFeatureNames(state);
  const perColumn = names.length / Math.max(1, columns.length);
  const outputs = names.map(() => new Float64Array(n));
  let longest = 0;
  for (let g = 0; g < keys.length; g++) longest = Math.max(longest, starts[g + 1] - starts[g]);
  const series = new Float64Array(history + longest);
  for (let c = 0; c < columns.length; c++) {
    const values = sourceValues(frame, columns[c], training);
    for (let g = 0; g < keys.length; g++) {
      const start = starts[g];
      const count = starts[g + 1] - start;
      const entity = training
        ? undefined
        : keyColumn === null && state.entities.length === 1
          ? 0
          : entityIndex?.get(keys[g]);
      if (entity === undefined) series.fill(Number.NaN, 0, history);
      else {
        const base = (entity * columns.length + c) * history;
        series.set(state.tails.subarray(base, base + history), 0);
      }
      for (let k = 0; k < count; k++) series[history + k] = values ? values[order[start + k]] : Number.NaN;
      lagKernel(
        series,
        history,
        history + count,
        order.subarray(start, start + count),
        state.lags,
        state.windows,
        state.statistics,
        outputs,
        c * perColumn,
      );
    }
  }
  return withColumns(
    frame,
    outputs.map((values, k): Column => ({ type: 'number', name: names[k], values })),
  );
}

export const lagFeaturesTransformer: Transformer<LagFeaturesParams, LagFeaturesState> = {
  name: 'lag-features',
  stateVersion: 1,
  params: resolveLagParams,
  fit: fitLag,
  transform: transformLag,
  encode(state: LagFeaturesState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.i32Array(state.lags);
    writer.i32Array(state.windows);
    writer.u8(state.statistics);
    writer.nullableString(state.keyColumn);
    writer.nullableString(state.timeColumn);
    writer.u32(state.entities.length);
    for (const key of state.entities) writer.nullableString(key);
    writer.f64Array(state.tails);
  },
  decode(reader: BinaryReader): LagFeaturesState {
    const columns = reader.strings();
    const lags = reader.i32Array();
    const windows = reader.i32Array();
    const statistics = reader.u8();
    const keyColumn = reader.nullableString();
    const timeColumn = reader.nullableString();
    const entityCount = reader.count(reader.remaining / 4, 'entity count');
    const entities: (string | null)[] = [];
    for (let e = 0; e < entityCount; e++) entities.push(reader.nullableString());
    const tails = reader.f64Array();
    try {
      resolveLagParams({
        columns,
        lags: Array.from(lags),
        windows: Array.from(windows),
        statistics: [...(statistics & MEAN ? ['mean'] : []), ...(statistics & STD ? ['std'] : [])],
      });
    } catch (error) {
      throw reader.corrupt(`invalid params (${(error as Error).message})`);
    }
    if (statistics > 3) throw reader.corrupt(`statistics mask ${statistics}`);
    if (new Set(entities).size !== entities.length) throw reader.corrupt('repeated entity key');
    if (keyColumn === null && entities.length > 1)
      throw reader.corrupt('several entities without a key column');
    const history = Math.max(0, ...lags, ...windows);
    if (tails.length !== entities.length * columns.length * history)
      throw reader.corrupt(
        `tails hold ${tails.length} values, expected ${entities.length * columns.length * history}`,
      );
    return { columns, lags, windows, statistics, keyColumn, timeColumn, history, entities, tails };
  },
};
