import { choleskyInPlace, choleskySolve } from './cholesky.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/**
 * Relative singularity threshold on the equilibrated (unit-diagonal) system: a Cholesky pivot or an
 * eigenvalue below RANK_TOLERANCE × the largest counts as zero. The Gram matrix squares the condition
 * number of X, so 1e-10 here is ~1e-5 relative in X's singular values: near-collinear columns below
 * that are treated as exactly collinear rather than solved into huge opposing coefficients.
 */
export const RANK_TOLERANCE = 1e-10;

let scaled = new Float64Array(64);
let scale = new Float64Array(8);
let rhs = new Float64Array(8);
let vectors = new Float64Array(64);

function ensure(p: number): void {
  if (scale.length < p) {
    scale = new Float64Array(p * 2);
    rhs = new Float64Array(p * 2);
  }
  if (scaled.length < p * p) {
    scaled = new Float64Array(p * p * 4);
    vectors = new Float64Array(p * p * 4);
  }
}

/** Writes the equilibrated system D(G + ridge I)D, D b into the scratch buffers (upper triangle). */
function equilibrate(gram: Float64Array, b: Float64Array, p: number, ridge: number, full: boolean): void {
  for (let j = 0; j < p; j++) {
    const diagonal = gram[j * p + j] + ridge;
    // A zero diagonal is a constant (centred-to-zero) column: it gets coefficient 0.
    scale[j] = diagonal > 0 ? 1 / Math.sqrt(diagonal) : 0;
    rhs[j] = b[j] * scale[j];
  }
  for (let i = 0; i < p; i++) {
    const si = scale[i];
    for (let j = i; j < p; j++) {
      const value = (gram[i * p + j] + (i === j ? ridge : 0)) * si * scale[j];
      scaled[i * p + j] = value;
      if (full) scaled[j * p + i] = value;
    }
    if (si === 0) scaled[i * p + i] = 1;
  }
}

/**
 * Solves (G + ridge·I) w = b for a symmetric positive semi-definite G (upper triangle read), the
 * normal equations of least squares / ridge. The system is first equilibrated to a unit diagonal
 * (scale-free, so a feature in millimetres and one in kilometres are treated alike), then:
 * - Cholesky when every pivot clears RANK_TOLERANCE (the fast, usual path);
 * - otherwise the pseudo-inverse of the equilibrated matrix through a Jacobi eigen-decomposition:
 *   the minimum-norm solution in the equilibrated metric, i.e. the ridge → 0 limit on standardised
 *   columns (it equals plain minimum-norm least squares when the columns have equal variance).
 * Constant columns (zero diagonal) get 0. Returns true when the pseudo-inverse path was taken.
 */
export function solveNormalEquations(
  gram: Float64Array,
  b: Float64Array,
  p: number,
  ridge: number,
  out: Float64Array,
): boolean {
  ensure(p);
  equilibrate(gram, b, p, ridge, false);
  if (choleskyInPlace(scaled, p, RANK_TOLERANCE)) {
    choleskySolve(scaled, p, rhs, out);
    for (let j = 0; j < p; j++) out[j] *= scale[j];
    return false;
  }
  equilibrate(gram, b, p, ridge, true);
  symmetricEigen(scaled, p, vectors);
  let largest = 0;
  for (let k = 0; k < p; k++) largest = Math.max(largest, scaled[k * p + k]);
  const cutoff = largest * RANK_TOLERANCE;
  out.fill(0, 0, p);
  for (let k = 0; k < p; k++) {
    const lambda = scaled[k * p + k];
    if (!(lambda > cutoff)) continue;
    let projection = 0;
    for (let i = 0; i < p; i++) projection += vectors[i * p + k] * rhs[i];
    const factor = projection / lambda;
    for (let i = 0; i < p; i++) out[i] += factor * vectors[i * p + k];
  }
  for (let j = 0; j < p; j++) out[j] *= scale[j];
  return true;
}
