import { AimassError, paramError } from '../core/errors.ts';
import { type Column, type Frame, getColumn, withColumns } from '../data/frame.ts';
import type { FitContext } from './transformer.ts';

/**
 * The columns a numeric step works on: the `columns` param as given (each must be a number
 * column), or with `null` every number column except the context's target, key and time.
 */
export function resolveNumberColumns(
  owner: string,
  frame: Frame,
  columns: readonly string[] | null,
  context: FitContext,
): string[] {
  if (columns === null) {
    const names: string[] = [];
    for (const column of frame.columns) {
      if (column.type !== 'number') continue;
      if (column.name === context.target || column.name === context.key || column.name === context.time)
        continue;
      names.push(column.name);
    }
    return names;
  }
  if (new Set(columns).size !== columns.length)
    throw paramError(owner, 'columns', columns, 'a list of distinct column names');
  for (const name of columns) numberValues(owner, frame, name);
  return [...columns];
}

/** A number column's values; COLUMN_NOT_FOUND when absent, DATA_INVALID for another type. */
export function numberValues(owner: string, frame: Frame, name: string): Float64Array {
  const column = getColumn(frame, name);
  if (column.type !== 'number') {
    throw new AimassError('DATA_INVALID', `${owner}: column "${name}" is ${column.type}, expected number`, {
      column: name,
      expected: 'number',
    });
  }
  return column.values;
}

/**
 * Applies `kernel(j, input, output)` to every fitted column, each into a fresh array, and returns
 * a frame with those columns replaced in place (other columns shared, input never mutated).
 */
export function mapNumberColumns(
  owner: string,
  frame: Frame,
  names: readonly string[],
  kernel: (j: number, input: Float64Array, output: Float64Array) => void,
  extra: readonly Column[] = [],
): Frame {
  const replaced: Column[] = new Array(names.length);
  for (let j = 0; j < names.length; j++) {
    const input = numberValues(owner, frame, names[j]);
    const output = new Float64Array(input.length);
    kernel(j, input, output);
    replaced[j] = { type: 'number', name: names[j], values: output };
  }
  return withColumns(frame, extra.length === 0 ? replaced : [...replaced, ...extra]);
}
