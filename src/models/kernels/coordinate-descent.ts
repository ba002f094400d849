/**
 * Elastic-net coordinate descent on the Gram form (sklearn's enet_coordinate_descent_gram): with
 * Q = Xc'Xc and q = Xc'yc precomputed, one cyclic sweep costs O(p²) whatever the row count, so a
 * per-entity lasso costs one Gram pass plus microseconds of sweeps.
 *
 * Minimises ½||yc - Xc w||² + l1·||w||₁ + ½·l2·||w||² (sklearn's objective times n: l1 = n·alpha·ρ,
 * l2 = n·alpha·(1-ρ)). Soft-thresholding leaves exact zeros. Stopping as sklearn: when the largest
 * coordinate change relative to the largest coefficient drops below `tol` (or on the last sweep),
 * compute the duality gap and stop once it is <= tol·||yc||². No NaN handling: finite inputs only.
 */
export interface CoordinateDescentResult {
  iterations: number;
  dualityGap: number;
  converged: boolean;
}

let gradient = new Float64Array(8);

/**
 * `gram` is the FULL symmetric p×p Q; `w` holds the start and receives the solution. `yy` = ||yc||².
 */
export function elasticNetCoordinateDescent(
  gram: Float64Array,
  xty: Float64Array,
  yy: number,
  p: number,
  l1: number,
  l2: number,
  tol: number,
  maxIter: number,
  w: Float64Array,
): CoordinateDescentResult {
  if (gradient.length < p) gradient = new Float64Array(p * 2);
  // H = Q w, maintained incrementally: coordinate j's update needs q_j - (Q w)_j + Q_jj w_j.
  const H = gradient;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += gram[i * p + j] * w[j];
    H[i] = s;
  }
  const gapTolerance = tol * yy;
  let dualityGap = Number.POSITIVE_INFINITY;
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    let largest = 0;
    let largestChange = 0;
    for (let j = 0; j < p; j++) {
      const diagonal = gram[j * p + j];
      if (diagonal === 0) continue; // a constant column stays at 0
      const old = w[j];
      if (old !== 0) for (let i = 0; i < p; i++) H[i] -= old * gram[j * p + i];
      const z = xty[j] - H[j];
      const magnitude = Math.abs(z) - l1;
      const value = magnitude > 0 ? (z > 0 ? magnitude : -magnitude) / (diagonal + l2) : 0;
      w[j] = value;
      if (value !== 0) for (let i = 0; i < p; i++) H[i] += value * gram[j * p + i];
      const change = Math.abs(value - old);
      if (change > largestChange) largestChange = change;
      if (Math.abs(value) > largest) largest = Math.abs(value);
    }
    if (largest === 0 || largestChange / largest < tol || iteration === maxIter) {
      dualityGap = elasticNetDualityGap(xty, yy, p, l1, l2, w, H);
      if (dualityGap <= gapTolerance) return { iterations: iteration, dualityGap, converged: true };
    }
  }
  return { iterations: maxIter, dualityGap, converged: false };
}

/** sklearn's duality gap for the Gram form; `qw` = Q w. */
export function elasticNetDualityGap(
  xty: Float64Array,
  yy: number,
  p: number,
  l1: number,
  l2: number,
  w: Float64Array,
  qw: Float64Array,
): number {
  let qDotW = 0;
  let wQw = 0;
  let wNorm2 = 0;
  let l1Norm = 0;
  let dualNorm = 0;
  for (let j = 0; j < p; j++) {
    qDotW += xty[j] * w[j];
    wQw += w[j] * qw[j];
    wNorm2 += w[j] * w[j];
    l1Norm += Math.abs(w[j]);
    dualNorm = Math.max(dualNorm, Math.abs(xty[j] - qw[j] - l2 * w[j]));
  }
  const residualNorm2 = Math.max(0, yy + wQw - 2 * qDotW);
  let scale = 1;
  let gap = residualNorm2;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * residualNorm2 * (1 + scale * scale);
  }
  return gap + l1 * l1Norm - scale * (yy - qDotW) + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}
