/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export function matrix(
  rows: number,
  cols: number,
  data: Float64Array = new Float64Array(rows * cols),
): Matrix {
  if (data.length !== rows * cols)
    throw new RangeError(`matrix: data length ${data.length} != ${rows}x${cols}`);
  return { data, rows, cols };
}

/** From nested arrays (tests, fixtures); `null` becomes NaN. */
export function matrixFromRows(rows: readonly (readonly (number | null)[])[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length !== cols)
      throw new RangeError(`matrixFromRows: row ${i} has ${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j] ?? Number.NaN;
  }
  return { data, rows: rows.length, cols };
}

/** Rows [start, end) as a view that shares memory with `m`. */
export function rowSlice(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/** Copies the listed rows (in order) into a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>, out?: Float64Array): Matrix {
  const cols = m.cols;
  const data = out ?? new Float64Array(indices.length * cols);
  for (let k = 0; k < indices.length; k++) {
    const source = indices[k] * cols;
    data.set(m.data.subarray(source, source + cols), k * cols);
  }
  return { data, rows: indices.length, cols };
}

export function takeValues(values: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}
