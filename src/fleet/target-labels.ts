import { type Frame, findColumn, getColumn, numberColumn, withColumns } from '../data/frame.ts';

/**
 * String class labels: a category target is learned as label codes (the index of each label in the
 * entity's sorted label list) and the list travels in the bundle, so answers give the labels back.
 * Sorting by UTF-16 code units (not locale) keeps codes the same on every machine.
 */

/** The distinct labels of a category column, sorted by code units (missing values left out). */
export function sortedLabels(codes: Int32Array, dictionary: readonly string[]): string[] {
  const present = new Uint8Array(dictionary.length);
  for (const code of codes) if (code >= 0) present[code] = 1;
  return dictionary.filter((_, d) => present[d] === 1).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The frame with its target as numbers: a category target becomes label codes (with `labels`, the
 * sorted distinct labels), a boolean one 0/1; NaN where the target is missing. Other targets are
 * left as they are (`labels` null).
 */
export function encodeTargetLabels(frame: Frame, target: string): { frame: Frame; labels: string[] | null } {
  const column = findColumn(frame, target);
  // Rows without the target column fail later with the usual "no target" reasons.
  if (column === undefined) return { frame, labels: null };
  if (column.type === 'boolean') {
    const values = Float64Array.from(column.values, (v) => (v < 0 ? Number.NaN : v));
    return { frame: withColumns(frame, [numberColumn(target, values)]), labels: null };
  }
  if (column.type !== 'category') return { frame, labels: null };
  const labels = sortedLabels(column.codes, column.dictionary);
  return { frame: withColumns(frame, [numberColumn(target, targetCodes(frame, target, labels))]), labels };
}

/**
 * The target of `frame` in the code space of a model's labels: for a category target, each row's
 * label's index in `labels` (-1 for a label the model never saw: never predicted, always wrong; NaN
 * when missing); booleans as 0/1; numbers as they are. What a model's predictions are scored on.
 */
export function targetCodes(frame: Frame, target: string, labels: readonly string[] | null): Float64Array {
  const column = getColumn(frame, target);
  if (column.type === 'number' || column.type === 'time') return column.values;
  if (column.type === 'boolean') return Float64Array.from(column.values, (v) => (v < 0 ? Number.NaN : v));
  const index = new Map((labels ?? []).map((label, code) => [label, code]));
  const remap = Float64Array.from(column.dictionary, (label) => index.get(label) ?? -1);
  return Float64Array.from(column.codes, (code) => (code < 0 ? Number.NaN : remap[code]));
}
