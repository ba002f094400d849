/**
 * Cholesky factorisation and solves on a small dense symmetric matrix stored row-major, of which only
 * the upper triangle (i <= j) is read. No NaN handling: callers pass finite matrices.
 */

/**
 * In place A = R'R with R upper triangular (written over the upper triangle). Returns false when a
 * pivot falls to `minPivot` or below (not positive definite, or too close to singular to trust).
 */
export function choleskyInPlace(a: Float64Array, n: number, minPivot = 0): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) {
      const r = a[k * n + j];
      d -= r * r;
    }
    if (!(d > minPivot)) return false;
    const root = Math.sqrt(d);
    a[j * n + j] = root;
    const inverse = 1 / root;
    for (let i = j + 1; i < n; i++) {
      let s = a[j * n + i];
      for (let k = 0; k < j; k++) s -= a[k * n + j] * a[k * n + i];
      a[j * n + i] = s * inverse;
    }
  }
  return true;
}

/** Solves R'R x = b with the factor from `choleskyInPlace`; `out` may alias `b`. */
export function choleskySolve(r: Float64Array, n: number, b: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= r[k * n + i] * out[k];
    out[i] = s / r[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < n; k++) s -= r[i * n + k] * out[k];
    out[i] = s / r[i * n + i];
  }
  return out;
}
