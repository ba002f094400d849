/**
 * Boosting losses on raw predictions. Multiclass raw predictions are class-major: class k of row i
 * at raw[k * rows + i]. Gradients and hessians follow sklearn's half losses (squared: raw - y, h = 1).
 */
export type RegressionLoss = 'squared_error' | 'absolute_error' | 'huber';

let sortScratch = new Float64Array(0);

function scratch(n: number): Float64Array {
  if (sortScratch.length < n) sortScratch = new Float64Array(n);
  return sortScratch;
}

/** Median of values[0, n) (mean of the two middle values for even n, as numpy.median). */
export function median(values: Float64Array, n: number): number {
  const sorted = scratch(n).subarray(0, n);
  sorted.set(values.subarray(0, n));
  sorted.sort();
  return n % 2 === 1 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/** q-quantile with linear interpolation (numpy's default) of values[0, n). */
export function quantile(values: Float64Array, n: number, q: number): number {
  const sorted = scratch(n).subarray(0, n);
  sorted.set(values.subarray(0, n));
  sorted.sort();
  const position = q * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, n - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** sklearn's `_weighted_percentile(…, 50)` with unit weights: the lower median. */
export function lowerMedian(values: Float64Array, n: number): number {
  const sorted = scratch(n).subarray(0, n);
  sorted.set(values.subarray(0, n));
  sorted.sort();
  return sorted[Math.ceil(n / 2) - 1];
}

export function regressionBaseline(loss: RegressionLoss, y: Float64Array): number {
  if (loss === 'squared_error') {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    return sum / y.length;
  }
  return median(y, y.length);
}

/**
 * Regression gradients (constant hessian 1). Huber uses delta = the `huberQuantile` quantile of
 * |y - raw| (as GradientBoostingRegressor), recomputed each iteration, and returns it.
 */
export function regressionGradients(
  loss: RegressionLoss,
  y: Float64Array,
  raw: Float64Array,
  gradients: Float64Array,
  huberQuantile: number,
  residualScratch: Float64Array,
): number {
  const n = y.length;
  if (loss === 'squared_error') {
    for (let i = 0; i < n; i++) gradients[i] = raw[i] - y[i];
    return 0;
  }
  if (loss === 'absolute_error') {
    for (let i = 0; i < n; i++) gradients[i] = raw[i] > y[i] ? 1 : raw[i] < y[i] ? -1 : 0;
    return 0;
  }
  for (let i = 0; i < n; i++) residualScratch[i] = Math.abs(y[i] - raw[i]);
  const delta = quantile(residualScratch, n, huberQuantile);
  for (let i = 0; i < n; i++) {
    const r = raw[i] - y[i];
    gradients[i] = Math.min(delta, Math.max(-delta, r));
  }
  return delta;
}

/** Mean loss of raw predictions (validation score for early stopping; lower is better). */
export function regressionLoss(
  loss: RegressionLoss,
  y: Float64Array,
  raw: Float64Array,
  delta: number,
): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const r = Math.abs(y[i] - raw[i]);
    if (loss === 'squared_error') total += 0.5 * r * r;
    else if (loss === 'absolute_error') total += r;
    else total += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
  }
  return total / y.length;
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Baseline raw scores from class priors (clipped away from 0 and 1): binary log-odds, or
 * multiclass log-priors centred to sum 0 (sklearn's HalfMultinomialLoss.fit_intercept_only).
 */
export function classificationBaseline(codes: Int32Array, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  const eps = 2.220446049250313e-16;
  if (classes === 2) {
    const p = Math.min(Math.max(counts[1] / codes.length, eps), 1 - eps);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const out = new Float64Array(classes);
  let mean = 0;
  for (let k = 0; k < classes; k++) {
    out[k] = Math.log(Math.min(Math.max(counts[k] / codes.length, eps), 1 - eps));
    mean += out[k] / classes;
  }
  for (let k = 0; k < classes; k++) out[k] -= mean;
  return out;
}

/**
 * Log-loss gradients for every tree of an iteration: binary (one raw column) p - y, p(1 - p); or
 * multiclass softmax p_k - [y = k], p_k(1 - p_k), class-major like `raw`.
 */
export function classificationGradients(
  codes: Int32Array,
  raw: Float64Array,
  trees: number,
  gradients: Float64Array,
  hessians: Float64Array,
): void {
  const n = codes.length;
  if (trees === 1) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]);
      gradients[i] = p - codes[i];
      hessians[i] = p * (1 - p);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let max = raw[i];
    for (let k = 1; k < trees; k++) max = Math.max(max, raw[k * n + i]);
    let sum = 0;
    for (let k = 0; k < trees; k++) {
      const e = Math.exp(raw[k * n + i] - max);
      gradients[k * n + i] = e;
      sum += e;
    }
    for (let k = 0; k < trees; k++) {
      const p = gradients[k * n + i] / sum;
      gradients[k * n + i] = p - (codes[i] === k ? 1 : 0);
      hessians[k * n + i] = p * (1 - p);
    }
  }
}

export function classificationLoss(codes: Int32Array, raw: Float64Array, trees: number): number {
  const n = codes.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (trees === 1) total += softplus(raw[i]) - codes[i] * raw[i];
    else {
      let max = raw[i];
      for (let k = 1; k < trees; k++) max = Math.max(max, raw[k * n + i]);
      let sum = 0;
      for (let k = 0; k < trees; k++) sum += Math.exp(raw[k * n + i] - max);
      total += max + Math.log(sum) - raw[codes[i] * n + i];
    }
  }
  return total / n;
}
