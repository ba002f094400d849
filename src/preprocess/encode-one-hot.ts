import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type CategoryColumn, type Column, type Frame, getColumn } from '../data/frame.ts';
import type { FitContext, Transformer } from './transformer.ts';

/**
 * One-hot encoding of category columns (like sklearn's OneHotEncoder with
 * handle_unknown='infrequent_if_exist'). Per column the kept categories are sorted by UTF-16 code
 * units (sklearn sorts the same way for BMP text); each becomes a 0/1 number column named
 * `<column>=<category>` (sklearn names it `<column>_<category>`), placed where the source column
 * was, which is removed.
 * - `maxCategories` caps the output columns per source column, the `<column>=__other__` bucket
 *   included (sklearn's meaning). The most frequent categories are kept; ties keep the category
 *   that sorts first (sklearn instead marks the first-sorted of a tie infrequent).
 * - Unseen categories at transform time go to the `__other__` bucket when it exists, else all zeros.
 * - Missing values (-1) encode as all zeros, never as `__other__`. Nothing here throws on data.
 */
export interface OneHotParams {
  /** Category columns to encode; null = every category column except the target and the key. Default null. */
  columns: string[] | null;
  /** Output columns per source column including `__other__`; null = no cap. Default null. */
  maxCategories: number | null;
}

export const OTHER_CATEGORY = '__other__';

const defaults: OneHotParams = { columns: null, maxCategories: null };
const rules: ParamRules<OneHotParams> = {
  columns: { type: 'stringArray', nullable: true },
  maxCategories: { type: 'number', integer: true, min: 1, nullable: true },
};

export interface OneHotColumnState {
  readonly column: string;
  /** Kept categories in output order (sorted). */
  readonly categories: readonly string[];
  /** Whether a `<column>=__other__` column follows the kept categories. */
  readonly other: boolean;
}

export interface OneHotState {
  readonly columns: readonly OneHotColumnState[];
}

const resolveOneHotParams = (given?: unknown) => resolveParams('one-hot', defaults, rules, given);

function categoryColumnOf(frame: Frame, name: string): CategoryColumn {
  const column = getColumn(frame, name);
  if (column.type !== 'category')
    throw new AimassError('DATA_INVALID', `one-hot: column "${name}" is ${column.type}, expected category`, {
      column: name,
      expected: 'category',
    });
  return column;
}

/** Counts by category text (dictionaries may hold unused or, in odd frames, repeated entries). */
function fitColumn(column: CategoryColumn, maxCategories: number | null): OneHotColumnState {
  const byCode = new Float64Array(column.dictionary.length);
  for (const code of column.codes) if (code >= 0) byCode[code]++;
  const counts = new Map<string, number>();
  for (let code = 0; code < byCode.length; code++)
    if (byCode[code] > 0)
      counts.set(column.dictionary[code], (counts.get(column.dictionary[code]) ?? 0) + byCode[code]);
  const sorted = [...counts.keys()].sort();
  if (counts.has(OTHER_CATEGORY))
    throw new AimassError(
      'DATA_INVALID',
      `one-hot: column "${column.name}" holds the reserved category "${OTHER_CATEGORY}"`,
      {
        column: column.name,
      },
    );
  if (maxCategories === null || sorted.length <= maxCategories)
    return { column: column.name, categories: sorted, other: false };
  // Stable sort by count (descending) over the sorted list: ties keep the earlier-sorted category.
  const frequent = new Set(
    [...sorted].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0)).slice(0, maxCategories - 1),
  );
  return { column: column.name, categories: sorted.filter((c) => frequent.has(c)), other: true };
}

/** Output block of one source column: one Float64Array per output column, filled in one pass. */
function encodeColumn(state: OneHotColumnState, column: CategoryColumn): Column[] {
  const width = state.categories.length + (state.other ? 1 : 0);
  const position = new Map(state.categories.map((c, k) => [c, k]));
  const unseen = state.other ? width - 1 : -1;
  const slot = new Int32Array(column.dictionary.length);
  for (let code = 0; code < slot.length; code++) slot[code] = position.get(column.dictionary[code]) ?? unseen;
  const n = column.codes.length;
  const outputs: Float64Array[] = [];
  for (let k = 0; k < width; k++) outputs.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const code = column.codes[i];
    if (code < 0) continue;
    const k = slot[code];
    if (k >= 0) outputs[k][i] = 1;
  }
  return outputs.map((values, k) => ({
    type: 'number' as const,
    name: `${state.column}=${k < state.categories.length ? state.categories[k] : OTHER_CATEGORY}`,
    values,
  }));
}

/** The output column names of one encoded source column, in order. */
export function oneHotColumnNames(state: OneHotColumnState): string[] {
  const names = state.categories.map((c) => `${state.column}=${c}`);
  if (state.other) names.push(`${state.column}=${OTHER_CATEGORY}`);
  return names;
}

export const oneHotTransformer: Transformer<OneHotParams, OneHotState> = {
  name: 'one-hot',
  stateVersion: 1,
  params: resolveOneHotParams,
  fit(frame: Frame, given: unknown, context: FitContext): OneHotState {
    const params = resolveOneHotParams(given);
    const names =
      params.columns ??
      frame.columns
        .filter((c) => c.type === 'category' && c.name !== context.target && c.name !== context.key)
        .map((c) => c.name);
    return { columns: names.map((name) => fitColumn(categoryColumnOf(frame, name), params.maxCategories)) };
  },
  transform(state: OneHotState, frame: Frame): Frame {
    const blocks = new Map<string, Column[]>();
    for (const column of state.columns)
      blocks.set(column.column, encodeColumn(column, categoryColumnOf(frame, column.column)));
    const columns: Column[] = [];
    for (const column of frame.columns) {
      const block = blocks.get(column.name);
      if (block) columns.push(...block);
      else columns.push(column);
    }
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column.name))
        throw new AimassError('SCHEMA_INVALID', `one-hot: output column "${column.name}" already exists`, {
          column: column.name,
        });
      seen.add(column.name);
    }
    return { rowCount: frame.rowCount, columns };
  },
  encode(state: OneHotState, writer: BinaryWriter): void {
    writer.u32(state.columns.length);
    for (const column of state.columns) {
      writer.string(column.column);
      writer.bool(column.other);
      writer.strings(column.categories);
    }
  },
  decode(reader: BinaryReader): OneHotState {
    const count = reader.count(reader.remaining / 9, 'column count');
    const columns: OneHotColumnState[] = [];
    for (let k = 0; k < count; k++) {
      const column = reader.string();
      const other = reader.bool();
      const categories = reader.strings();
      // fit writes each column's categories sorted and distinct; anything else is not ours.
      for (let c = 1; c < categories.length; c++)
        if (!(categories[c - 1] < categories[c]))
          throw reader.corrupt(`categories of "${column}" not sorted`);
      if (categories.includes(OTHER_CATEGORY)) throw reader.corrupt(`reserved category in "${column}"`);
      columns.push({ column, other, categories });
    }
    return { columns };
  },
};
