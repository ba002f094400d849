import type { BinaryReader } from '../core/binary.ts';

/** Reads column names written with `writer.strings`; duplicates are corruption. */
export function readColumnNames(reader: BinaryReader): string[] {
  const names = reader.strings();
  if (new Set(names).size !== names.length) throw reader.corrupt('duplicate column names');
  return names;
}

/**
 * Reads a per-column statistic written with `writer.weights`: exactly `length` values, none NaN,
 * and finite unless `allowInfinite` (outlier bounds may be ±Infinity).
 */
export function readColumnStatistic(
  reader: BinaryReader,
  length: number,
  what: string,
  allowInfinite = false,
): Float64Array {
  const values = reader.weights();
  if (values.length !== length)
    throw reader.corrupt(`${what}: ${values.length} values for ${length} columns`);
  for (let j = 0; j < length; j++) {
    const v = values[j];
    if (Number.isNaN(v) || (!allowInfinite && !Number.isFinite(v)))
      throw reader.corrupt(`${what}[${j}] is ${v}`);
  }
  return values;
}
