import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError, paramError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import type { Rng } from '../core/rng.ts';
import type { Estimator } from './estimator.ts';
import { cachedParams } from './linear/cached-params.ts';
import { checkFeatureCount, checkMatrix } from './validate-input.ts';

export interface KmeansParams {
  /** Number of clusters k; capped at the number of rows when centres are drawn from the data. Default 8. */
  nClusters: number;
  /** k-means++ restarts; the lowest inertia wins. Default 1 (sklearn >= 1.4's 'auto' for k-means++). */
  nInit: number;
  /** Lloyd iterations at most per restart. Default 300. */
  maxIter: number;
  /** Stop when the summed squared centre shift is <= tol × mean feature variance. Default 1e-4. */
  tol: number;
  /** Fixed initial centres (nClusters rows × features), replacing k-means++ (nInit is then 1). Default null. */
  initCenters: readonly (readonly number[])[] | null;
}

/** `centers` is k × featureCount; inertia = Σ squared distance to the assigned centre (training data). */
export interface KmeansState {
  /** Number of centres k (may be below nClusters when there were fewer rows). */
  readonly clusters: number;
  readonly centers: Float64Array;
  readonly featureCount: number;
  readonly inertia: number;
  readonly iterations: number;
}

function refine(params: Readonly<KmeansParams>): Readonly<KmeansParams> {
  const init = params.initCenters;
  if (init === null) return params;
  const valid =
    Array.isArray(init) &&
    init.length === params.nClusters &&
    init.every(
      (row) =>
        Array.isArray(row) &&
        row.length === (init[0] as unknown[]).length &&
        row.every((v) => typeof v === 'number' && Number.isFinite(v)),
    );
  if (!valid)
    throw paramError(
      'kmeans',
      'initCenters',
      init,
      `null or ${params.nClusters} rows (nClusters) of finite numbers, all of one length`,
    );
  return Object.freeze({ ...params, initCenters: Object.freeze(init.map((row) => Object.freeze([...row]))) });
}

const kmeansParams = cachedParams<KmeansParams>(
  'kmeans',
  { nClusters: 8, nInit: 1, maxIter: 300, tol: 1e-4, initCenters: null },
  {
    nClusters: { type: 'number', min: 1, integer: true },
    nInit: { type: 'number', min: 1, integer: true },
    maxIter: { type: 'number', min: 1, integer: true },
    tol: { type: 'number', min: 0 },
    initCenters: { type: 'any' },
  },
  refine,
);

/** Squared distance between row r of x and centre c (both with `cols` values). */
function distance2(x: Float64Array, b: number, centers: Float64Array, o: number, cols: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const d = x[b + j] - centers[o + j];
    s += d * d;
  }
  return s;
}

/** Nearest centre per row (ties → lowest index) into labels; returns the summed squared distance. */
export function assignNearest(
  x: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  distances: Float64Array,
): number {
  let total = 0;
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    let best = 0;
    let bestDistance = distance2(x, b, centers, 0, cols);
    for (let c = 1; c < k; c++) {
      const d = distance2(x, b, centers, c * cols, cols);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[r] = best;
    distances[r] = bestDistance;
    total += bestDistance;
  }
  return total;
}

/** sklearn's greedy k-means++: each new centre is the best of 2 + ln k candidates drawn ∝ D². */
function kmeansPlusPlus(x: Float64Array, rows: number, cols: number, k: number, rng: Rng): Float64Array {
  const centers = new Float64Array(k * cols);
  const trials = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(rows);
  const candidate = new Float64Array(rows);
  const bestCandidate = new Float64Array(rows);
  const cumulative = new Float64Array(rows);
  const first = rng.int(rows);
  centers.set(x.subarray(first * cols, first * cols + cols), 0);
  let potential = 0;
  for (let r = 0; r < rows; r++) {
    closest[r] = distance2(x, r * cols, centers, 0, cols);
    potential += closest[r];
  }
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let r = 0; r < rows; r++) cumulative[r] = running += closest[r];
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestRow = 0;
    for (let t = 0; t < trials; t++) {
      const target = rng.next() * potential;
      // First row whose cumulative D² reaches the target (numpy searchsorted, side 'left').
      let low = 0;
      let high = rows - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (cumulative[mid] < target) low = mid + 1;
        else high = mid;
      }
      const o = low * cols;
      let candidatePotential = 0;
      for (let r = 0; r < rows; r++) {
        const d = Math.min(closest[r], distance2(x, r * cols, x, o, cols));
        candidate[r] = d;
        candidatePotential += d;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestRow = low;
        bestCandidate.set(candidate);
      }
    }
    centers.set(x.subarray(bestRow * cols, bestRow * cols + cols), c * cols);
    closest.set(bestCandidate);
    potential = bestPotential;
  }
  return centers;
}

interface LloydResult {
  centers: Float64Array;
  inertia: number;
  iterations: number;
}

/**
 * Lloyd iterations as sklearn's _kmeans_single_lloyd: assign, recompute means (an empty cluster
 * takes the point farthest from its centre), stop when labels repeat or the squared centre shift
 * is <= tolerance; then a final assignment so labels match the centres.
 */
function lloyd(
  x: Float64Array,
  rows: number,
  cols: number,
  initial: Float64Array,
  k: number,
  maxIter: number,
  tolerance: number,
): LloydResult {
  let centers = initial.slice();
  let next = new Float64Array(k * cols);
  const labels = new Int32Array(rows);
  const previous = new Int32Array(rows).fill(-1);
  const distances = new Float64Array(rows);
  const weight = new Float64Array(k);
  let iterations = 0;
  let strict = false;
  for (let iteration = 0; iteration < maxIter; iteration++) {
    iterations = iteration + 1;
    assignNearest(x, rows, cols, centers, k, labels, distances);
    next.fill(0);
    weight.fill(0);
    for (let r = 0, b = 0; r < rows; r++, b += cols) {
      const o = labels[r] * cols;
      weight[labels[r]]++;
      for (let j = 0; j < cols; j++) next[o + j] += x[b + j];
    }
    relocateEmpty(x, cols, labels, distances, next, weight);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      const o = c * cols;
      for (let j = 0; j < cols; j++) {
        // A cluster emptied by relocation keeps its previous centre.
        next[o + j] = weight[c] > 0 ? next[o + j] / weight[c] : centers[o + j];
        shift += (next[o + j] - centers[o + j]) ** 2;
      }
    }
    [centers, next] = [next, centers];
    let same = true;
    for (let r = 0; r < rows; r++) {
      if (labels[r] !== previous[r]) {
        same = false;
        break;
      }
    }
    if (same) {
      strict = true;
      break;
    }
    if (shift <= tolerance) break;
    previous.set(labels);
  }
  const inertia = strict
    ? sumOfDistances(x, rows, cols, centers, labels)
    : assignNearest(x, rows, cols, centers, k, labels, distances);
  return { centers, inertia, iterations };
}

function sumOfDistances(
  x: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  labels: Int32Array,
) {
  let total = 0;
  for (let r = 0; r < rows; r++) total += distance2(x, r * cols, centers, labels[r] * cols, cols);
  return total;
}

/** Empty clusters (ascending) take the points farthest from their centres (descending; ties → lower row). */
function relocateEmpty(
  x: Float64Array,
  cols: number,
  labels: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  weight: Float64Array,
): void {
  const empty: number[] = [];
  for (let c = 0; c < weight.length; c++) if (weight[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const order = Array.from(distances.keys()).sort((a, b) => distances[b] - distances[a] || a - b);
  for (let e = 0; e < empty.length && e < order.length; e++) {
    const row = order[e];
    const from = labels[row];
    const to = empty[e];
    for (let j = 0; j < cols; j++) {
      sums[from * cols + j] -= x[row * cols + j];
      sums[to * cols + j] = x[row * cols + j];
    }
    weight[from]--;
    weight[to] = 1;
  }
}

/** Mean of the per-feature population variances (sklearn's scale for tol). */
function meanVariance(x: Float64Array, rows: number, cols: number): number {
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += x[r * cols + j];
    mean /= rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += (x[r * cols + j] - mean) ** 2;
    total += squares / rows;
  }
  return cols === 0 ? 0 : total / cols;
}

function fit(X: Matrix, _y: Float64Array | null, params: unknown, rng: Rng): KmeansState {
  const p = kmeansParams(params);
  checkMatrix('kmeans', X, 'reject');
  const { data, rows, cols } = X;
  if (rows === 0) throw new AimassError('DATA_INVALID', 'kmeans: no training rows', { field: 'X' });
  const tolerance = p.tol * meanVariance(data, rows, cols);
  if (p.initCenters !== null) {
    const k = p.initCenters.length;
    if (p.initCenters[0].length !== cols)
      throw paramError('kmeans', 'initCenters', p.initCenters, `rows of ${cols} values (the feature count)`);
    const initial = Float64Array.from(p.initCenters.flat());
    const result = lloyd(data, rows, cols, initial, k, p.maxIter, tolerance);
    return { ...result, clusters: k, featureCount: cols };
  }
  const k = Math.min(p.nClusters, rows);
  let best: LloydResult | null = null;
  for (let attempt = 0; attempt < p.nInit; attempt++) {
    const initial = kmeansPlusPlus(data, rows, cols, k, rng);
    const result = lloyd(data, rows, cols, initial, k, p.maxIter, tolerance);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  const { centers, inertia, iterations } = best!;
  return { clusters: k, centers, inertia, iterations, featureCount: cols };
}

let labelBuffer = new Int32Array(0);
let distanceBuffer = new Float64Array(0);

function predict(state: KmeansState, X: Matrix, out?: Float64Array): Float64Array {
  checkFeatureCount('kmeans', X, state.featureCount);
  const result = out ?? new Float64Array(X.rows);
  if (labelBuffer.length < X.rows) {
    labelBuffer = new Int32Array(X.rows * 2);
    distanceBuffer = new Float64Array(X.rows * 2);
  }
  const total = assignNearest(
    X.data,
    X.rows,
    X.cols,
    state.centers,
    state.clusters,
    labelBuffer,
    distanceBuffer,
  );
  if (total - total !== 0) checkMatrix('kmeans', X, 'reject');
  for (let r = 0; r < X.rows; r++) result[r] = labelBuffer[r];
  return result;
}

function encode(state: KmeansState, writer: BinaryWriter): void {
  writer.u32(state.clusters);
  writer.u32(state.featureCount);
  writer.u32(state.iterations);
  writer.f64(state.inertia);
  writer.weights(state.centers);
}

function decode(reader: BinaryReader): KmeansState {
  const clusters = reader.count(1 << 24, 'cluster count');
  const featureCount = reader.count(1 << 24, 'feature count');
  const iterations = reader.u32();
  const inertia = reader.finite('inertia');
  const centers = reader.weights();
  if (clusters === 0 || centers.length !== clusters * featureCount)
    throw reader.corrupt(`${centers.length} centre values do not fit ${clusters} × ${featureCount}`);
  for (let i = 0; i < centers.length; i++)
    if (!Number.isFinite(centers[i])) throw reader.corrupt('centre not finite');
  return { clusters, centers, featureCount, inertia, iterations };
}

/**
 * k-means (Lloyd) with seeded greedy k-means++ or fixed initial centres. `predict` returns the index
 * of the nearest centre (0..k-1). Unsupervised: `fit(X, null, params, rng)`.
 */
export const kmeansEstimator: Estimator<KmeansParams, KmeansState> = {
  name: 'kmeans',
  stateVersion: 1,
  tasks: ['clustering'],
  nanPolicy: 'reject',
  params: kmeansParams,
  fit,
  predict,
  featureCount: (state) => state.featureCount,
  encode,
  decode,
};
