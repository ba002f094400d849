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
let columnsPool = new Float64Array(0);
let sortedPool = new Int32Array(0);

/**
 * The result lives in module buffers reused by the next call: use it within one fit (a forest shares
 * it across its trees; nothing in a fit calls presort twice).
 */
export function presort(X: Matrix): Presorted {
  const { rows, cols, data } = X;
  if (columnsPool.length < rows * cols) {
    columnsPool = new Float64Array(rows * cols);
    sortedPool = new Int32Array(rows * cols);
  }
  const columns = columnsPool;
  const sorted = sortedPool;
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
