import type { Matrix } from '../core/matrix.ts';
import type { Rng } from '../core/rng.ts';

/**
 * The MLP's numeric kernels over one flat weight vector: layout, forward pass, minibatch gradient
 * (backpropagation), Glorot init. No allocation per row: callers own every buffer.
 */

/** What the kernels read from a fitted (or training) model. */
export interface MlpNetwork {
  classification: boolean;
  activation: 'relu' | 'tanh';
  /** [inputs, hidden..., outputs]. */
  layerSizes: Int32Array;
  /** Per layer: W (fanIn x fanOut, row-major) then b (fanOut). */
  weights: Float64Array;
  xMean: Float64Array;
  xScale: Float64Array;
}

export type MlpLayout = { w: Int32Array; b: Int32Array; total: number };

/** Offsets of each layer's W and b inside the flat weight vector. */
export function layout(sizes: Int32Array): MlpLayout {
  const layers = sizes.length - 1;
  const w = new Int32Array(layers);
  const b = new Int32Array(layers);
  let at = 0;
  for (let k = 0; k < layers; k++) {
    w[k] = at;
    at += sizes[k] * sizes[k + 1];
    b[k] = at;
    at += sizes[k + 1];
  }
  return { w, b, total: at };
}

/**
 * Forward pass of `rows` standardised inputs through every layer. `acts[k]` receives layer k's
 * output (acts[0] is the input). Output: identity (regression), logistic (1 unit) or softmax.
 */
export function forward(state: MlpNetwork, offsets: MlpLayout, acts: Float64Array[], rows: number): void {
  const { layerSizes: sizes, weights } = state;
  const layers = sizes.length - 1;
  const relu = state.activation === 'relu';
  for (let k = 0; k < layers; k++) {
    const fanIn = sizes[k];
    const fanOut = sizes[k + 1];
    const input = acts[k];
    const output = acts[k + 1];
    const w = offsets.w[k];
    const b = offsets.b[k];
    for (let r = 0; r < rows; r++) {
      const o = r * fanOut;
      for (let j = 0; j < fanOut; j++) output[o + j] = weights[b + j];
      for (let i = 0; i < fanIn; i++) {
        const x = input[r * fanIn + i];
        if (x === 0) continue;
        const row = w + i * fanOut;
        for (let j = 0; j < fanOut; j++) output[o + j] += x * weights[row + j];
      }
      if (k < layers - 1) {
        for (let j = 0; j < fanOut; j++) {
          const z = output[o + j];
          output[o + j] = relu ? Math.max(z, 0) : Math.tanh(z);
        }
      } else if (state.classification) {
        if (fanOut === 1) output[o] = 1 / (1 + Math.exp(-output[o]));
        else {
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j < fanOut; j++) max = Math.max(max, output[o + j]);
          let sum = 0;
          for (let j = 0; j < fanOut; j++) sum += output[o + j] = Math.exp(output[o + j] - max);
          for (let j = 0; j < fanOut; j++) output[o + j] /= sum;
        }
      }
    }
  }
}

export function activationBuffers(sizes: Int32Array, rows: number): Float64Array[] {
  return Array.from(sizes, (units) => new Float64Array(rows * units));
}

/** Copies rows of X (by index, or the first `count`) into `into`, standardised. */
export function loadRows(
  X: Matrix,
  state: MlpNetwork,
  indices: Int32Array | null,
  from: number,
  count: number,
  into: Float64Array,
): void {
  const cols = X.cols;
  for (let r = 0; r < count; r++) {
    const source = (indices === null ? from + r : indices[from + r]) * cols;
    for (let j = 0; j < cols; j++)
      into[r * cols + j] = (X.data[source + j] - state.xMean[j]) / state.xScale[j];
  }
}

/** Loss of the output layer against targets, and (when `delta` is given) d loss / d pre-activation. */
export function outputLoss(
  output: Float64Array,
  targets: Float64Array,
  rows: number,
  units: number,
  classification: boolean,
  delta: Float64Array | null,
): number {
  let loss = 0;
  const n = rows * units;
  for (let i = 0; i < n; i++) {
    const p = output[i];
    const t = targets[i];
    if (!classification) loss += 0.5 * (p - t) * (p - t);
    else if (units === 1)
      loss -= t * Math.log(Math.max(p, 1e-15)) + (1 - t) * Math.log(Math.max(1 - p, 1e-15));
    else if (t > 0) loss -= Math.log(Math.max(p, 1e-15));
    // Identity + squared error, logistic + cross-entropy and softmax + cross-entropy all give p - t.
    if (delta !== null) delta[i] = (p - t) / rows;
  }
  return loss;
}

export interface Workspace {
  acts: Float64Array[];
  deltas: Float64Array[];
  targets: Float64Array;
  gradient: Float64Array;
}

/** One minibatch: forward, backward, L2, gradient into `work.gradient`; returns the data loss. */
export function batchGradient(
  state: MlpNetwork,
  offsets: MlpLayout,
  work: Workspace,
  rows: number,
  alpha: number,
): number {
  const { layerSizes: sizes, weights } = state;
  const { acts, deltas, gradient } = work;
  const layers = sizes.length - 1;
  forward(state, offsets, acts, rows);
  const loss = outputLoss(
    acts[layers],
    work.targets,
    rows,
    sizes[layers],
    state.classification,
    deltas[layers],
  );
  gradient.fill(0);
  for (let k = layers - 1; k >= 0; k--) {
    const fanIn = sizes[k];
    const fanOut = sizes[k + 1];
    const input = acts[k];
    const delta = deltas[k + 1];
    const w = offsets.w[k];
    const b = offsets.b[k];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < fanOut; j++) gradient[b + j] += delta[r * fanOut + j];
      for (let i = 0; i < fanIn; i++) {
        const x = input[r * fanIn + i];
        if (x === 0) continue;
        const row = w + i * fanOut;
        for (let j = 0; j < fanOut; j++) gradient[row + j] += x * delta[r * fanOut + j];
      }
    }
    for (let i = 0; i < fanIn * fanOut; i++) gradient[w + i] += (alpha * weights[w + i]) / rows;
    if (k === 0) break;
    // Propagate to the previous hidden layer through W^T and the activation's derivative.
    const previous = deltas[k];
    const relu = state.activation === 'relu';
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < fanIn; i++) {
        const a = input[r * fanIn + i];
        if (relu && a <= 0) {
          previous[r * fanIn + i] = 0;
          continue;
        }
        let sum = 0;
        const row = w + i * fanOut;
        for (let j = 0; j < fanOut; j++) sum += weights[row + j] * delta[r * fanOut + j];
        previous[r * fanIn + i] = relu ? sum : sum * (1 - a * a);
      }
    }
  }
  return loss;
}

/** Writes the training targets of rows [from, from + count) (standardised y, or class coding). */
export function loadTargets(
  coded: Float64Array,
  units: number,
  classification: boolean,
  indices: Int32Array,
  from: number,
  count: number,
  into: Float64Array,
): void {
  if (!classification || units === 1) {
    for (let r = 0; r < count; r++) into[r] = coded[indices[from + r]];
    return;
  }
  into.fill(0, 0, count * units);
  for (let r = 0; r < count; r++) into[r * units + coded[indices[from + r]]] = 1;
}

export function squaredWeights(state: MlpNetwork, offsets: MlpLayout): number {
  let sum = 0;
  for (let k = 0; k < offsets.w.length; k++) {
    const end = offsets.b[k];
    for (let i = offsets.w[k]; i < end; i++) sum += state.weights[i] * state.weights[i];
  }
  return sum;
}

/** Glorot uniform: U(-b, b), b = sqrt(6 / (fanIn + fanOut)) (x sqrt 2 before a logistic output); biases too. */
export function glorotInit(state: MlpNetwork, offsets: MlpLayout, rng: Rng): void {
  const sizes = state.layerSizes;
  for (let k = 0; k < sizes.length - 1; k++) {
    const logistic = state.classification && k === sizes.length - 2 && sizes[k + 1] === 1;
    const bound = Math.sqrt((logistic ? 12 : 6) / (sizes[k] + sizes[k + 1]));
    const end = offsets.b[k] + sizes[k + 1];
    for (let i = offsets.w[k]; i < end; i++) state.weights[i] = (2 * rng.next() - 1) * bound;
  }
}
