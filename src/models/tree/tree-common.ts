import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { paramError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';

/**
 * sklearn-style max_features: null = all features, 'sqrt' / 'log2', a number in (0, 1] = a fraction
 * of the features (so 1 and 1.0 both mean all), an integer >= 2 = a count.
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

export function checkMaxFeatures(owner: string, value: unknown): void {
  if (value === null || value === 'sqrt' || value === 'log2') return;
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value > 0 && value <= 1) return;
    if (Number.isInteger(value) && value >= 2) return;
  }
  throw paramError(
    owner,
    'maxFeatures',
    value,
    "null, 'sqrt', 'log2', a fraction in (0, 1] or an integer >= 2",
  );
}

/** The number of features examined per split, at least 1 and at most `cols`. */
export function resolveMaxFeatures(value: MaxFeatures, cols: number): number {
  let count: number;
  if (value === null) count = cols;
  else if (value === 'sqrt') count = Math.floor(Math.sqrt(cols));
  else if (value === 'log2') count = Math.floor(Math.log2(cols));
  else if (value <= 1) count = Math.floor(value * cols);
  else count = value;
  return Math.max(1, Math.min(cols, count));
}

/** Sorted distinct labels and each row's class code (as float64 so it can share the target slot). */
export function encodeLabels(y: Float64Array): { classes: Float64Array; codes: Float64Array } {
  const sortedLabels = Float64Array.from(y).sort();
  let distinct = 0;
  for (let i = 0; i < sortedLabels.length; i++)
    if (i === 0 || sortedLabels[i] !== sortedLabels[i - 1]) sortedLabels[distinct++] = sortedLabels[i];
  const classes = sortedLabels.slice(0, distinct);
  const codes = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = lowerBound(classes, y[i]);
  return { classes, codes };
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A rows × cols output matrix, in the caller's buffer when given (checked for size). */
export function outputMatrix(owner: string, rows: number, cols: number, out?: Float64Array): Matrix {
  if (out !== undefined && out.length !== rows * cols)
    throw new RangeError(`${owner}: out has ${out.length} values, expected ${rows * cols}`);
  return { data: out ?? new Float64Array(rows * cols), rows, cols };
}

export function outputVector(owner: string, rows: number, out?: Float64Array): Float64Array {
  if (out !== undefined && out.length !== rows)
    throw new RangeError(`${owner}: out has ${out.length} values, expected ${rows}`);
  return out ?? new Float64Array(rows);
}

/** Writes class labels exactly (not quantizable: they are identities, not weights). */
export function encodeClasses(classes: Float64Array, writer: BinaryWriter): void {
  writer.f64Array(classes);
}

/** Reads sorted, distinct, finite class labels (at least one). */
export function decodeClasses(reader: BinaryReader): Float64Array {
  const classes = reader.f64Array();
  if (classes.length === 0) throw reader.corrupt('no classes');
  for (let k = 0; k < classes.length; k++) {
    if (!Number.isFinite(classes[k]) || (k > 0 && !(classes[k] > classes[k - 1])))
      throw reader.corrupt('classes are not sorted distinct finite labels');
  }
  return classes;
}

/** Index of the largest value in values[offset, offset + count) (first on ties, like numpy). */
export function argmax(values: Float64Array, offset: number, count: number): number {
  let best = 0;
  let bestValue = values[offset];
  for (let k = 1; k < count; k++) {
    if (values[offset + k] > bestValue) {
      bestValue = values[offset + k];
      best = k;
    }
  }
  return best;
}
