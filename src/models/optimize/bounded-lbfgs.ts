/**
 * Box-constrained quasi-Newton minimisation: projected L-BFGS with an active set. Variables sitting
 * on a bound whose gradient pushes outward are frozen for the step; the two-loop recursion runs on
 * the rest; a projected backtracking (Armijo) line search keeps every iterate feasible. Simpler
 * than Byrd et al.'s L-BFGS-B (no generalised Cauchy point) and, on the small smooth problems here
 * (exponential smoothing, < 100 variables), reaches the same optima.
 * A variable with lower === upper is fixed. Non-finite objective values make the line search
 * back off, so an objective may return Infinity outside its admissible region.
 */

/** Writes the gradient into `gradient` and returns the objective at `x`. Must not keep `x`. */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface BoundedLbfgsOptions {
  /** Maximum quasi-Newton iterations. Default 200. */
  maxIterations?: number;
  /** Maximum objective evaluations (line-search trials included). Default 20 * maxIterations. */
  maxEvaluations?: number;
  /** Correction pairs kept. Default 8. */
  memory?: number;
  /** Stop when max |projected gradient| <= gradientTolerance. Default 1e-8. */
  gradientTolerance?: number;
  /** Stop when the relative decrease of one iteration is below this (scipy's `ftol`). Default 1e-12. */
  functionTolerance?: number;
  /** Distance to a bound under which a variable pushed outward counts as active. Default 1e-3. */
  activeMargin?: number;
  /** Largest move of any variable on the first iteration (later steps are scaled by curvature). Default 0.1. */
  initialStep?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export function minimizeBounded(
  objective: ObjectiveWithGradient,
  start: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: BoundedLbfgsOptions = {},
): MinimizeResult {
  const maxIterations = options.maxIterations ?? 200;
  const maxEvaluations = options.maxEvaluations ?? 20 * maxIterations;
  const memory = options.memory ?? 8;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const functionTolerance = options.functionTolerance ?? 1e-12;
  const initialStep = options.initialStep ?? 0.1;
  const activeMargin = options.activeMargin ?? 1e-3;
  const n = start.length;

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clamp(start[i], lower[i], upper[i]);
  const g = new Float64Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);
  const direction = new Float64Array(n);
  const projected = new Float64Array(n);
  const activeSide = new Int8Array(n);
  const sHistory = new Float64Array(memory * n);
  const yHistory = new Float64Array(memory * n);
  const rho = new Float64Array(memory);
  const alphaBuffer = new Float64Array(memory);
  let stored = 0;
  let head = 0;
  let evaluations = 1;
  let value = objective(x, g);
  if (!Number.isFinite(value)) return { x, value, iterations: 0, evaluations, converged: false };

  let iteration = 0;
  let converged = false;
  while (iteration < maxIterations && evaluations < maxEvaluations) {
    iteration++;
    // Bertsekas' epsilon-active set: a variable within epsilon of a bound, with the gradient pushing
    // outward, is sent straight to that bound and left out of the quasi-Newton step. Without the
    // margin, a direction that leans out of the box is cut by the projection at every iteration and
    // the line search crawls.
    let stationarity = 0;
    for (let i = 0; i < n; i++) {
      const moved = Math.abs(clamp(x[i] - g[i], lower[i], upper[i]) - x[i]);
      if (moved > stationarity) stationarity = moved;
    }
    const margin = Math.min(activeMargin, stationarity);
    let largest = 0;
    let offBound = false;
    for (let i = 0; i < n; i++) {
      let p = g[i];
      let side = 0;
      if (lower[i] === upper[i]) side = 2;
      else if (x[i] <= lower[i] + margin && p > 0) side = -1;
      else if (x[i] >= upper[i] - margin && p < 0) side = 1;
      if (side !== 0) {
        p = 0;
        if (side !== 2 && x[i] !== (side < 0 ? lower[i] : upper[i])) offBound = true;
      }
      activeSide[i] = side;
      projected[i] = p;
      const a = Math.abs(p);
      if (a > largest) largest = a;
    }
    if (largest <= gradientTolerance && !offBound) {
      converged = true;
      break;
    }
    computeDirection(projected, direction, sHistory, yHistory, rho, alphaBuffer, stored, head, memory, n);
    let slope = 0;
    for (let i = 0; i < n; i++) if (activeSide[i] === 0) slope += direction[i] * g[i];
    if (largest > 0 && (stored === 0 || !(slope < 0))) {
      // Steepest descent, scaled so the largest move is `initialStep`.
      stored = 0;
      for (let i = 0; i < n; i++) direction[i] = (-projected[i] / largest) * initialStep;
    }
    slope = 0;
    for (let i = 0; i < n; i++) {
      const side = activeSide[i];
      if (side === 2) direction[i] = 0;
      else if (side !== 0) direction[i] = (side < 0 ? lower[i] : upper[i]) - x[i];
      else if (largest === 0) direction[i] = 0;
      slope += direction[i] * g[i];
    }

    let step = 1;
    let accepted = false;
    let trialValue = value;
    for (let attempt = 0; attempt < 40 && evaluations < maxEvaluations; attempt++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        trial[i] = clamp(x[i] + step * direction[i], lower[i], upper[i]);
        decrease += g[i] * (trial[i] - x[i]);
      }
      trialValue = objective(trial, trialGradient);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue <= value + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      // Quadratic interpolation along the ray when it is informative, halving otherwise.
      const next =
        Number.isFinite(trialValue) && slope < 0
          ? (-slope * step * step) / (2 * (trialValue - value - slope * step))
          : step * 0.5;
      step = Number.isFinite(next) ? Math.min(step * 0.5, Math.max(step * 0.1, next)) : step * 0.5;
    }
    if (!accepted) break;

    // Curvature pair; skipped when s'y is not safely positive (keeps the inverse Hessian positive definite).
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = trial[i] - x[i];
      const y = trialGradient[i] - g[i];
      sy += s * y;
      yy += y * y;
    }
    if (sy > 1e-12 * yy && sy > 0) {
      const offset = head * n;
      for (let i = 0; i < n; i++) {
        sHistory[offset + i] = trial[i] - x[i];
        yHistory[offset + i] = trialGradient[i] - g[i];
      }
      rho[head] = 1 / sy;
      head = (head + 1) % memory;
      if (stored < memory) stored++;
    }

    const previous = value;
    x.set(trial);
    g.set(trialGradient);
    value = trialValue;
    if (previous - value <= functionTolerance * Math.max(Math.abs(previous), Math.abs(value), 1)) {
      converged = true;
      break;
    }
  }
  return { x, value, iterations: iteration, evaluations, converged };
}

/** Two-loop recursion: direction = -H * gradient, H scaled by the newest pair's s'y / y'y. */
function computeDirection(
  gradient: Float64Array,
  direction: Float64Array,
  sHistory: Float64Array,
  yHistory: Float64Array,
  rho: Float64Array,
  alphaBuffer: Float64Array,
  stored: number,
  head: number,
  memory: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) direction[i] = -gradient[i];
  if (stored === 0) return;
  for (let k = 0; k < stored; k++) {
    const slot = (head - 1 - k + memory) % memory;
    const offset = slot * n;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += sHistory[offset + i] * direction[i];
    const a = rho[slot] * dot;
    alphaBuffer[slot] = a;
    for (let i = 0; i < n; i++) direction[i] -= a * yHistory[offset + i];
  }
  const newest = ((head - 1 + memory) % memory) * n;
  let sy = 0;
  let yy = 0;
  for (let i = 0; i < n; i++) {
    sy += sHistory[newest + i] * yHistory[newest + i];
    yy += yHistory[newest + i] * yHistory[newest + i];
  }
  const scale = yy > 0 ? sy / yy : 1;
  for (let i = 0; i < n; i++) direction[i] *= scale;
  for (let k = stored - 1; k >= 0; k--) {
    const slot = (head - 1 - k + memory) % memory;
    const offset = slot * n;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += yHistory[offset + i] * direction[i];
    const b = rho[slot] * dot;
    const a = alphaBuffer[slot];
    for (let i = 0; i < n; i++) direction[i] += (a - b) * sHistory[offset + i];
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
