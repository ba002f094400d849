/**
 * Centred Gram matrix Xc'Xc, Xc'yc and the column means in ONE pass over a row-major X, the hot path
 * of every per-entity linear fit. Values are shifted by the first row before the products (the
 * "shifted data" algorithm): as exact as a two-pass centring when a column has a large offset, yet
 * the data is read once. Columns are taken in 2×3 register tiles so each loaded value feeds several
 * products and nothing is stored per row.
 *
 * NaN rule: NaN/±Infinity in X or y propagate into the results; callers test the returned centred
 * y'y and the diagonal for finiteness and only then run a cell-by-cell check to name the culprit.
 */

let shift = new Float64Array(16);
let sums = new Float64Array(16);
let yProducts = new Float64Array(16);

/** Values per row block (32 KB of doubles): big enough for a per-entity fit to be one block. */
const BLOCK_VALUES = 4096;

/**
 * Fills the upper triangle (i <= j) of `gram` (cols × cols), `xty` (cols) and `means` (cols + 1: the
 * column means of X, then the mean of y). Returns the centred sum of squares of y. rows >= 1.
 */
export function centredGram(
  x: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  gram: Float64Array,
  xty: Float64Array,
  means: Float64Array,
): number {
  if (shift.length < cols) {
    shift = new Float64Array(cols * 2);
    sums = new Float64Array(cols * 2);
    yProducts = new Float64Array(cols * 2);
  }
  const p = cols;
  for (let j = 0; j < p; j++) shift[j] = x[j];
  const ky = y[0];
  let sy = 0;
  let syy = 0;
  for (let r = 0; r < rows; r++) {
    const v = y[r] - ky;
    sy += v;
    syy += v * v;
  }
  gram.fill(0, 0, p * p);
  sums.fill(0, 0, p);
  yProducts.fill(0, 0, p);
  // Row blocks that stay in L1 while every column tile sweeps them (a per-entity fit is one block).
  const blockRows = Math.max(64, Math.floor(BLOCK_VALUES / Math.max(p, 1)));
  for (let start = 0; start < rows; start += blockRows)
    accumulate(x, start, Math.min(rows, start + blockRows), p, y, ky, gram);
  // Shifted sums → centred moments: sum (a - mean_a)(b - mean_b) = sum a'b' - sum a' * sum b' / n.
  const inverseRows = 1 / rows;
  for (let a = 0; a < p; a++) {
    const sa = sums[a];
    means[a] = shift[a] + sa * inverseRows;
    xty[a] = yProducts[a] - sa * sy * inverseRows;
    const row = a * p;
    for (let b = a; b < p; b++) gram[row + b] -= sa * sums[b] * inverseRows;
  }
  means[p] = ky + sy * inverseRows;
  return syy - sy * sy * inverseRows;
}

/** Adds rows [first, last) of the shifted products into gram, sums and yProducts. */
function accumulate(
  x: Float64Array,
  first: number,
  last: number,
  p: number,
  y: Float64Array,
  ky: number,
  gram: Float64Array,
): void {
  const K = shift;
  const begin = first * p;
  const end = last * p;
  let i = 0;
  for (; i + 2 <= p; i += 2) {
    const ka = K[i];
    const kb = K[i + 1];
    // Diagonal 2×2 block, the column sums and the products with y share one sweep.
    let aa = 0;
    let ab = 0;
    let bb = 0;
    let sa = 0;
    let sb = 0;
    let ya = 0;
    let yb = 0;
    for (let b = begin, r = first; b < end; b += p, r++) {
      const u = x[b + i] - ka;
      const v = x[b + i + 1] - kb;
      const w = y[r] - ky;
      aa += u * u;
      ab += u * v;
      bb += v * v;
      sa += u;
      sb += v;
      ya += u * w;
      yb += v * w;
    }
    gram[i * p + i] += aa;
    gram[i * p + i + 1] += ab;
    gram[(i + 1) * p + i + 1] += bb;
    sums[i] += sa;
    sums[i + 1] += sb;
    yProducts[i] += ya;
    yProducts[i + 1] += yb;
    let j = i + 2;
    for (; j + 3 <= p; j += 3) {
      const k0 = K[j];
      const k1 = K[j + 1];
      const k2 = K[j + 2];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      for (let b = begin; b < end; b += p) {
        const u = x[b + i] - ka;
        const v = x[b + i + 1] - kb;
        const c0 = x[b + j] - k0;
        const c1 = x[b + j + 1] - k1;
        const c2 = x[b + j + 2] - k2;
        s0 += u * c0;
        s1 += u * c1;
        s2 += u * c2;
        t0 += v * c0;
        t1 += v * c1;
        t2 += v * c2;
      }
      gram[i * p + j] += s0;
      gram[i * p + j + 1] += s1;
      gram[i * p + j + 2] += s2;
      gram[(i + 1) * p + j] += t0;
      gram[(i + 1) * p + j + 1] += t1;
      gram[(i + 1) * p + j + 2] += t2;
    }
    for (; j < p; j++) {
      const k0 = K[j];
      let s0 = 0;
      let t0 = 0;
      for (let b = begin; b < end; b += p) {
        const c0 = x[b + j] - k0;
        s0 += (x[b + i] - ka) * c0;
        t0 += (x[b + i + 1] - kb) * c0;
      }
      gram[i * p + j] += s0;
      gram[(i + 1) * p + j] += t0;
    }
  }
  if (i < p) {
    // Odd column count: the last column alone.
    const ka = K[i];
    let aa = 0;
    let sa = 0;
    let ya = 0;
    for (let b = begin, r = first; b < end; b += p, r++) {
      const u = x[b + i] - ka;
      aa += u * u;
      sa += u;
      ya += u * (y[r] - ky);
    }
    gram[i * p + i] += aa;
    sums[i] += sa;
    yProducts[i] += ya;
  }
}

/** Sum of the diagonal of a cols × cols matrix (a cheap finiteness probe for the whole Gram). */
export function trace(gram: Float64Array, cols: number): number {
  let total = 0;
  for (let j = 0; j < cols; j++) total += gram[j * cols + j];
  return total;
}
