/** Values per row block (32 KB of doubles). */
const BLOCK_VALUES = 4096;

/**
 * Weighted Gram of the shifted design with a constant column, the Hessian kernel of IRLS / Newton:
 * with x̃_r = [x_r - shift, 1] it fills the upper triangle of Σ_r w_r x̃_r x̃_r' ((cols+1)², the last
 * row/column belongs to the constant) and xv = Σ_r v_r x̃_r (cols + 1). One pass over a row-major X
 * in 2×3 register tiles, nothing allocated. NaN rule: none; callers pass finite inputs.
 */
export function weightedGram(
  x: Float64Array,
  rows: number,
  cols: number,
  shift: Float64Array,
  weights: Float64Array,
  v: Float64Array,
  gram: Float64Array,
  xv: Float64Array,
): void {
  const p = cols;
  const q = p + 1;
  let totalWeight = 0;
  let totalV = 0;
  for (let r = 0; r < rows; r++) {
    totalWeight += weights[r];
    totalV += v[r];
  }
  gram.fill(0, 0, q * q);
  xv.fill(0, 0, q);
  gram[p * q + p] = totalWeight;
  xv[p] = totalV;
  // Row blocks that stay in L1 while every column tile sweeps them (a per-entity fit is one block).
  const blockRows = Math.max(64, Math.floor(BLOCK_VALUES / Math.max(p, 1)));
  for (let start = 0; start < rows; start += blockRows)
    accumulate(x, start, Math.min(rows, start + blockRows), p, shift, weights, v, gram, xv);
}

/** Adds rows [first, last) into gram and xv. */
function accumulate(
  x: Float64Array,
  first: number,
  last: number,
  p: number,
  shift: Float64Array,
  weights: Float64Array,
  v: Float64Array,
  gram: Float64Array,
  xv: Float64Array,
): void {
  const q = p + 1;
  const begin = first * p;
  const end = last * p;
  let i = 0;
  for (; i + 2 <= p; i += 2) {
    const ka = shift[i];
    const kb = shift[i + 1];
    let aa = 0;
    let ab = 0;
    let bb = 0;
    let sa = 0;
    let sb = 0;
    let va = 0;
    let vb = 0;
    for (let b = begin, r = first; b < end; b += p, r++) {
      const u = x[b + i] - ka;
      const z = x[b + i + 1] - kb;
      const w = weights[r];
      const wu = w * u;
      const wz = w * z;
      aa += wu * u;
      ab += wu * z;
      bb += wz * z;
      sa += wu;
      sb += wz;
      va += v[r] * u;
      vb += v[r] * z;
    }
    gram[i * q + i] += aa;
    gram[i * q + i + 1] += ab;
    gram[(i + 1) * q + i + 1] += bb;
    gram[i * q + p] += sa;
    gram[(i + 1) * q + p] += sb;
    xv[i] += va;
    xv[i + 1] += vb;
    let j = i + 2;
    for (; j + 3 <= p; j += 3) {
      const k0 = shift[j];
      const k1 = shift[j + 1];
      const k2 = shift[j + 2];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      for (let b = begin, r = first; b < end; b += p, r++) {
        const w = weights[r];
        const u = (x[b + i] - ka) * w;
        const z = (x[b + i + 1] - kb) * w;
        const c0 = x[b + j] - k0;
        const c1 = x[b + j + 1] - k1;
        const c2 = x[b + j + 2] - k2;
        s0 += u * c0;
        s1 += u * c1;
        s2 += u * c2;
        t0 += z * c0;
        t1 += z * c1;
        t2 += z * c2;
      }
      gram[i * q + j] += s0;
      gram[i * q + j + 1] += s1;
      gram[i * q + j + 2] += s2;
      gram[(i + 1) * q + j] += t0;
      gram[(i + 1) * q + j + 1] += t1;
      gram[(i + 1) * q + j + 2] += t2;
    }
    for (; j < p; j++) {
      const k0 = shift[j];
      let s0 = 0;
      let t0 = 0;
      for (let b = begin, r = first; b < end; b += p, r++) {
        const c0 = (x[b + j] - k0) * weights[r];
        s0 += (x[b + i] - ka) * c0;
        t0 += (x[b + i + 1] - kb) * c0;
      }
      gram[i * q + j] += s0;
      gram[(i + 1) * q + j] += t0;
    }
  }
  if (i < p) {
    const ka = shift[i];
    let aa = 0;
    let sa = 0;
    let va = 0;
    for (let b = begin, r = first; b < end; b += p, r++) {
      const u = x[b + i] - ka;
      const wu = weights[r] * u;
      aa += wu * u;
      sa += wu;
      va += v[r] * u;
    }
    gram[i * q + i] += aa;
    gram[i * q + p] += sa;
    xv[i] += va;
  }
}

/** Column means of a row-major X into `out` (cols). rows >= 1. */
export function columnMeans(x: Float64Array, rows: number, cols: number, out: Float64Array): Float64Array {
  out.fill(0, 0, cols);
  for (let b = 0; b < rows * cols; b += cols) for (let j = 0; j < cols; j++) out[j] += x[b + j];
  for (let j = 0; j < cols; j++) out[j] /= rows;
  return out;
}
