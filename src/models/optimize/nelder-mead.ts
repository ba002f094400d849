/**
 * Derivative-free minimisation inside a box: Nelder-Mead (standard coefficients 1, 2, 0.5, 0.5)
 * with every vertex clamped into [lower, upper]. For small (< ~10 variables) objectives without a
 * gradient; non-finite values are treated as +Infinity so a vertex leaves that region.
 */

export type Objective = (x: Float64Array) => number;

export interface NelderMeadOptions {
  /** Maximum objective evaluations. Default 200 * dimension. */
  maxEvaluations?: number;
  /** Stop when the spread of simplex values is below this (absolute + relative to the best). Default 1e-10. */
  tolerance?: number;
  /** Initial simplex edge as a fraction of each box width (or absolute 0.1 for unbounded). Default 0.1. */
  initialScale?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  evaluations: number;
  converged: boolean;
}

export function nelderMead(
  objective: Objective,
  start: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = start.length;
  const maxEvaluations = options.maxEvaluations ?? 200 * Math.max(1, n);
  const tolerance = options.tolerance ?? 1e-10;
  const initialScale = options.initialScale ?? 0.1;
  const vertices = new Float64Array((n + 1) * n);
  const values = new Float64Array(n + 1);
  const centroid = new Float64Array(n);
  const candidate = new Float64Array(n);
  const expanded = new Float64Array(n);
  let evaluations = 0;
  const evaluate = (point: Float64Array): number => {
    evaluations++;
    const value = objective(point);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };

  for (let j = 0; j < n; j++) vertices[j] = clamp(start[j], lower[j], upper[j]);
  for (let k = 1; k <= n; k++) {
    const row = k * n;
    for (let j = 0; j < n; j++) vertices[row + j] = vertices[j];
    const j = k - 1;
    const width = upper[j] - lower[j];
    const delta = Number.isFinite(width)
      ? initialScale * width
      : initialScale * Math.max(1, Math.abs(start[j]));
    // Step inward when the start sits on the upper bound, so the simplex is never degenerate.
    const up = vertices[j] + delta;
    vertices[row + j] = up <= upper[j] ? up : vertices[j] - delta;
  }
  for (let k = 0; k <= n; k++) values[k] = evaluate(vertices.subarray(k * n, k * n + n));

  let converged = false;
  while (evaluations < maxEvaluations) {
    // Order: best first (insertion sort of rows; n is small).
    for (let a = 1; a <= n; a++) {
      for (let b = a; b > 0 && values[b] < values[b - 1]; b--) swapRows(vertices, values, b, b - 1, n);
    }
    const best = values[0];
    const worst = values[n];
    if (Math.abs(worst - best) <= tolerance * (1 + Math.abs(best))) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) centroid[j] += vertices[k * n + j] / n;
    const worstRow = n * n;
    const move = (target: Float64Array, coefficient: number): number => {
      for (let j = 0; j < n; j++)
        target[j] = clamp(
          centroid[j] + coefficient * (vertices[worstRow + j] - centroid[j]),
          lower[j],
          upper[j],
        );
      return evaluate(target);
    };
    const reflectedValue = move(candidate, -1);
    if (reflectedValue < values[0]) {
      const expandedValue = move(expanded, -2);
      if (expandedValue < reflectedValue) replaceWorst(vertices, values, expanded, expandedValue, n);
      else replaceWorst(vertices, values, candidate, reflectedValue, n);
    } else if (reflectedValue < values[n - 1]) {
      replaceWorst(vertices, values, candidate, reflectedValue, n);
    } else {
      const outside = reflectedValue < worst;
      const contractedValue = move(expanded, outside ? -0.5 : 0.5);
      if (contractedValue < (outside ? reflectedValue : worst)) {
        replaceWorst(vertices, values, expanded, contractedValue, n);
      } else {
        // Shrink towards the best vertex.
        for (let k = 1; k <= n; k++) {
          for (let j = 0; j < n; j++)
            vertices[k * n + j] = vertices[j] + 0.5 * (vertices[k * n + j] - vertices[j]);
          values[k] = evaluate(vertices.subarray(k * n, k * n + n));
        }
      }
    }
  }
  let bestIndex = 0;
  for (let k = 1; k <= n; k++) if (values[k] < values[bestIndex]) bestIndex = k;
  return {
    x: vertices.slice(bestIndex * n, bestIndex * n + n),
    value: values[bestIndex],
    evaluations,
    converged,
  };
}

function replaceWorst(
  vertices: Float64Array,
  values: Float64Array,
  point: Float64Array,
  value: number,
  n: number,
): void {
  vertices.set(point, n * n);
  values[n] = value;
}

function swapRows(vertices: Float64Array, values: Float64Array, a: number, b: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const t = vertices[a * n + j];
    vertices[a * n + j] = vertices[b * n + j];
    vertices[b * n + j] = t;
  }
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
