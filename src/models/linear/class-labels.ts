/**
 * Class label bookkeeping for classifiers: labels are any finite numbers; the state keeps them sorted
 * ascending and rows are mapped to their index by binary search (no per-row allocation).
 */

const FEW = 16;
const few = new Float64Array(FEW);

/** Sorted distinct values of y: a scan against the few seen so far (the usual case), then a Set. */
export function sortedClasses(y: Float64Array): Float64Array {
  let count = 0;
  let last = Number.NaN;
  for (let i = 0; i < y.length; i++) {
    const value = y[i];
    if (value === last) continue;
    last = value;
    let known = false;
    for (let c = 0; c < count; c++) {
      if (few[c] === value) {
        known = true;
        break;
      }
    }
    if (known) continue;
    if (count === FEW) return Float64Array.from(new Set(y)).sort();
    few[count++] = value;
  }
  return few.slice(0, count).sort();
}

/** Index of `value` in sorted `classes`, or -1. */
export function classIndex(classes: Float64Array, value: number): number {
  let low = 0;
  let high = classes.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const c = classes[mid];
    if (c === value) return mid;
    if (c < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** out[i] = index of y[i] in classes (every y[i] must be a class). */
export function classIndices(y: Float64Array, classes: Float64Array, out: Int32Array): Int32Array {
  if (classes.length === 2) {
    const second = classes[1];
    for (let i = 0; i < y.length; i++) out[i] = y[i] === second ? 1 : 0;
    return out;
  }
  for (let i = 0; i < y.length; i++) out[i] = classIndex(classes, y[i]);
  return out;
}
