import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';

/**
 * A columnar table on typed arrays. Missing values: NaN in number/time columns, -1 in category
 * codes and boolean values. Frames are treated as immutable: transforms return new frames that may
 * share unchanged columns (and slices share memory with their parent).
 */
export type ColumnType = 'number' | 'category' | 'time' | 'boolean';

export interface NumberColumn {
  readonly type: 'number';
  readonly name: string;
  readonly values: Float64Array;
}
/** Epoch milliseconds (UTC); NaN = missing. */
export interface TimeColumn {
  readonly type: 'time';
  readonly name: string;
  readonly values: Float64Array;
}
/** 1 = true, 0 = false, -1 = missing. */
export interface BooleanColumn {
  readonly type: 'boolean';
  readonly name: string;
  readonly values: Int8Array;
}
/** Dictionary-encoded strings: `dictionary[codes[i]]`, code -1 = missing. */
export interface CategoryColumn {
  readonly type: 'category';
  readonly name: string;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}
export type Column = NumberColumn | TimeColumn | BooleanColumn | CategoryColumn;

export interface Frame {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

export function columnLength(column: Column): number {
  return column.type === 'category' ? column.codes.length : column.values.length;
}

export function createFrame(columns: readonly Column[], rowCount?: number): Frame {
  const rows = rowCount ?? (columns.length > 0 ? columnLength(columns[0]) : 0);
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name))
      throw new AimassError('SCHEMA_INVALID', `duplicate column name "${column.name}"`, {
        column: column.name,
      });
    seen.add(column.name);
    if (columnLength(column) !== rows) {
      throw new AimassError(
        'SCHEMA_INVALID',
        `column "${column.name}" has ${columnLength(column)} rows, expected ${rows}`,
        { column: column.name },
      );
    }
  }
  return { rowCount: rows, columns };
}

export function findColumn(frame: Frame, name: string): Column | undefined {
  for (const column of frame.columns) if (column.name === name) return column;
  return undefined;
}

export function getColumn(frame: Frame, name: string): Column {
  const column = findColumn(frame, name);
  if (!column) {
    throw new AimassError(
      'COLUMN_NOT_FOUND',
      `no column "${name}" (columns: ${frame.columns.map((c) => c.name).join(', ')})`,
      { column: name },
    );
  }
  return column;
}

/** A number or time column's values; throws DATA_INVALID for other types. */
export function numericValues(frame: Frame, name: string): Float64Array {
  const column = getColumn(frame, name);
  if (column.type === 'number' || column.type === 'time') return column.values;
  throw new AimassError('DATA_INVALID', `column "${name}" is ${column.type}, expected number`, {
    column: name,
    expected: 'number',
  });
}

/** Rows [start, end) as views sharing memory with `frame` (no copy). */
export function sliceFrame(frame: Frame, start: number, end: number): Frame {
  const columns = frame.columns.map((column): Column => {
    if (column.type === 'category') return { ...column, codes: column.codes.subarray(start, end) };
    if (column.type === 'boolean') return { ...column, values: column.values.subarray(start, end) };
    return { ...column, values: column.values.subarray(start, end) } as NumberColumn | TimeColumn;
  });
  return { rowCount: end - start, columns };
}

/** Copies the listed rows, in order, into a new frame (dictionaries are shared). */
export function takeFrameRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  const columns = frame.columns.map((column): Column => {
    if (column.type === 'category') {
      const codes = new Int32Array(n);
      for (let k = 0; k < n; k++) codes[k] = column.codes[indices[k]];
      return { ...column, codes };
    }
    if (column.type === 'boolean') {
      const values = new Int8Array(n);
      for (let k = 0; k < n; k++) values[k] = column.values[indices[k]];
      return { ...column, values };
    }
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) values[k] = column.values[indices[k]];
    return { ...column, values } as NumberColumn | TimeColumn;
  });
  return { rowCount: n, columns };
}

/** Keeps the named columns, in the given order. */
export function selectColumns(frame: Frame, names: readonly string[]): Frame {
  return { rowCount: frame.rowCount, columns: names.map((name) => getColumn(frame, name)) };
}

/** Replaces same-named columns in place and appends new ones. */
export function withColumns(frame: Frame, columns: readonly Column[]): Frame {
  const replacements = new Map(columns.map((c) => [c.name, c]));
  const kept = frame.columns.map((c) => replacements.get(c.name) ?? c);
  const existing = new Set(frame.columns.map((c) => c.name));
  return createFrame([...kept, ...columns.filter((c) => !existing.has(c.name))], frame.rowCount);
}

export function withoutColumns(frame: Frame, names: readonly string[]): Frame {
  const drop = new Set(names);
  return { rowCount: frame.rowCount, columns: frame.columns.filter((c) => !drop.has(c.name)) };
}

/**
 * The named columns as a row-major matrix. Number/time values as they are, booleans as 0/1/NaN,
 * category codes as numbers (-1 → NaN); encode categories first if a model needs one-hot.
 */
export function toMatrix(frame: Frame, names: readonly string[], out?: Float64Array): Matrix {
  const rows = frame.rowCount;
  const cols = names.length;
  const data = out ?? new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const column = getColumn(frame, names[j]);
    if (column.type === 'number' || column.type === 'time') {
      const values = column.values;
      for (let i = 0; i < rows; i++) data[i * cols + j] = values[i];
    } else if (column.type === 'boolean') {
      const values = column.values;
      for (let i = 0; i < rows; i++) data[i * cols + j] = values[i] < 0 ? Number.NaN : values[i];
    } else {
      const codes = column.codes;
      for (let i = 0; i < rows; i++) data[i * cols + j] = codes[i] < 0 ? Number.NaN : codes[i];
    }
  }
  return { data, rows, cols };
}

export function numberColumn(name: string, values: Float64Array | readonly (number | null)[]): NumberColumn {
  return {
    type: 'number',
    name,
    values: values instanceof Float64Array ? values : Float64Array.from(values, (v) => v ?? Number.NaN),
  };
}

export function timeColumn(name: string, values: Float64Array | readonly (number | null)[]): TimeColumn {
  return {
    type: 'time',
    name,
    values: values instanceof Float64Array ? values : Float64Array.from(values, (v) => v ?? Number.NaN),
  };
}

export function booleanColumn(name: string, values: readonly (boolean | null)[]): BooleanColumn {
  return { type: 'boolean', name, values: Int8Array.from(values, (v) => (v === null ? -1 : v ? 1 : 0)) };
}

/** Builds a category column from strings; `null` = missing. Codes follow first appearance. */
export function categoryColumn(name: string, values: readonly (string | null)[]): CategoryColumn {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(value);
    if (code === undefined) {
      code = dictionary.length;
      index.set(value, code);
      dictionary.push(value);
    }
    codes[i] = code;
  }
  return { type: 'category', name, codes, dictionary };
}

/** The string at row i of a category column, or null when missing. */
export function categoryValue(column: CategoryColumn, row: number): string | null {
  const code = column.codes[row];
  return code < 0 ? null : column.dictionary[code];
}

/** Approximate bytes held by the frame's arrays and dictionaries (for memory reports). */
export function frameBytes(frame: Frame): number {
  let total = 0;
  for (const column of frame.columns) {
    if (column.type === 'category') {
      total += column.codes.byteLength;
      for (const s of column.dictionary) total += 16 + s.length * 2;
    } else total += column.values.byteLength;
  }
  return total;
}
