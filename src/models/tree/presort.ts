import type { Matrix } from '../../core/matrix.ts';
import { sortPairs } from './sort-pairs.ts';

/**
 * X once more in the two layouts exact split search wants: `columns` is column-major (feature f of row
 * i at f * rows + i) and `sorted` holds, per feature, the row indices in ascending value order with
 * NaN rows last (feature f's block is sorted[f * rows .. (f + 1) * rows)). Trees keep these orders by
 * stable partitioning, so each fit (and each forest) sorts only once.
 */
export interface Presorted {
  readonly rows: number;
  readonly cols: number;
  readonly columns: Float64Array;
  readonly sorted: Int32Array;
}

let keyScratch = new Float64Array(0);

/** Fills fresh arrays (the result outlives the call: forests share it across trees). */
export function presort(X: Matrix): Presorted {
  const { rows, cols, data } = X;
  const columns = new Float64Array(rows * cols);
  const sorted = new Int32Array(rows * cols);
  if (keyScratch.length < rows) keyScratch = new Float64Array(rows);
  const keys = keyScratch;
  for (let f = 0; f < cols; f++) {
    const base = f * rows;
    let head = 0;
    let tail = rows;
    // Non-missing rows fill the block from the front, NaN rows from the back (kept in row order).
    for (let i = 0; i < rows; i++) {
      const x = data[i * cols + f];
      columns[base + i] = x;
      if (Number.isNaN(x)) sorted[base + --tail] = i;
      else {
        keys[head] = x;
        sorted[base + head++] = i;
      }
    }
    // The back was filled in reverse: restore row order for determinism of ties in NaN handling.
    for (let a = base + tail, b = base + rows - 1; a < b; a++, b--) {
      const t = sorted[a];
      sorted[a] = sorted[b];
      sorted[b] = t;
    }
    sortPairs(keys, sorted.subarray(base, base + head), 0, head);
  }
  return { rows, cols, columns, sorted };
}
