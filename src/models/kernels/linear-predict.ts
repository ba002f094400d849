/**
 * out[i] = intercept + x_i · coef over a row-major X. NaN/±Infinity in X propagate into `out`;
 * the return value is the sum of the outputs, so one finiteness test tells the caller whether to run
 * a cell-by-cell check.
 */
export function linearPredict(
  x: Float64Array,
  rows: number,
  cols: number,
  coef: Float64Array,
  intercept: number,
  out: Float64Array,
): number {
  let total = 0;
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    let value = intercept;
    for (let j = 0; j < cols; j++) value += x[b + j] * coef[j];
    out[r] = value;
    total += value;
  }
  return total;
}
