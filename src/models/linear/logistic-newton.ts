import { solveNormalEquations } from '../kernels/solve-normal-equations.ts';
import { columnMeans, weightedGram } from '../kernels/weighted-gram.ts';

/**
 * Penalised maximum likelihood for logistic regression by Newton's method (IRLS) with a backtracking
 * line search: sklearn's objective C·Σ logloss + ½||W||² (intercept not penalised), divided by C.
 * Binary: one sigmoid block (w, b). Multinomial (K >= 3): K softmax blocks; the intercepts' shift
 * invariance is pinned by the gauge term ½(Σ_k b_k)², which is zero at the optimum and leaves the
 * probabilities unchanged, so the Hessian stays positive definite and the intercepts sum to 0.
 * Features are centred internally (the intercept decouples from the slopes); results are reported in
 * the original coordinates. Cost per iteration: K(K+1)/2 weighted Gram passes of O(n p²).
 */
export interface LogisticFit {
  /** blocks × cols, row-major (blocks = 1 for binary, K otherwise). */
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;

/** Scratch reused across fits (grown on demand): a fit allocates only its result arrays. */
interface Workspace {
  means: Float64Array;
  eta: Float64Array;
  etaTrial: Float64Array;
  deltaEta: Float64Array;
  prob: Float64Array;
  probTrial: Float64Array;
  weights: Float64Array;
  residual: Float64Array;
  hessian: Float64Array;
  gradient: Float64Array;
  step: Float64Array;
  theta: Float64Array;
  trialTheta: Float64Array;
  block: Float64Array;
  blockV: Float64Array;
}

const empty = new Float64Array(0);
const work: Workspace = {
  means: empty,
  eta: empty,
  etaTrial: empty,
  deltaEta: empty,
  prob: empty,
  probTrial: empty,
  weights: empty,
  residual: empty,
  hessian: empty,
  gradient: empty,
  step: empty,
  theta: empty,
  trialTheta: empty,
  block: empty,
  blockV: empty,
};

function ensure(rows: number, cols: number, blocks: number): Workspace {
  const q = cols + 1;
  const size = blocks * q;
  if (work.means.length < cols) work.means = new Float64Array(cols * 2);
  if (work.eta.length < rows * blocks) {
    const n = rows * blocks * 2;
    work.eta = new Float64Array(n);
    work.etaTrial = new Float64Array(n);
    work.deltaEta = new Float64Array(n);
    work.prob = new Float64Array(n);
    work.probTrial = new Float64Array(n);
  }
  if (work.weights.length < rows) {
    work.weights = new Float64Array(rows * 2);
    work.residual = new Float64Array(rows * 2);
  }
  if (work.hessian.length < size * size) work.hessian = new Float64Array(size * size * 2);
  if (work.gradient.length < size) {
    work.gradient = new Float64Array(size * 2);
    work.step = new Float64Array(size * 2);
    work.theta = new Float64Array(size * 2);
    work.trialTheta = new Float64Array(size * 2);
  }
  if (work.block.length < q * q) {
    work.block = new Float64Array(q * q * 2);
    work.blockV = new Float64Array(q * 2);
  }
  return work;
}

/** out[r*blocks + k] = b_k + (x_r - means) · w_k for parameters laid out as blocks of [w_k, b_k]. */
function linearScores(
  means: Float64Array,
  x: Float64Array,
  rows: number,
  cols: number,
  blocks: number,
  params: Float64Array,
  out: Float64Array,
): void {
  const q = cols + 1;
  for (let k = 0; k < blocks; k++) {
    const o = k * q;
    let intercept = params[o + cols];
    for (let j = 0; j < cols; j++) intercept -= means[j] * params[o + j];
    for (let r = 0, b = 0; r < rows; r++, b += cols) {
      let value = intercept;
      for (let j = 0; j < cols; j++) value += x[b + j] * params[o + j];
      out[r * blocks + k] = value;
    }
  }
}

/** Negative log-likelihood at scores `scores`, writing the probabilities into `probabilities`. */
function negativeLogLikelihood(
  scores: Float64Array,
  labels: Int32Array,
  rows: number,
  blocks: number,
  probabilities: Float64Array,
): number {
  let total = 0;
  if (blocks === 1) {
    for (let r = 0; r < rows; r++) {
      const s = scores[r];
      // softplus(s) - y s and sigmoid(s), both without overflow.
      if (s > 0) {
        const e = Math.exp(-s);
        total += s + Math.log1p(e) - (labels[r] === 1 ? s : 0);
        probabilities[r] = 1 / (1 + e);
      } else {
        const e = Math.exp(s);
        total += Math.log1p(e) - (labels[r] === 1 ? s : 0);
        probabilities[r] = e / (1 + e);
      }
    }
    return total;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * blocks;
    let max = scores[o];
    for (let k = 1; k < blocks; k++) if (scores[o + k] > max) max = scores[o + k];
    let sum = 0;
    for (let k = 0; k < blocks; k++) {
      const e = Math.exp(scores[o + k] - max);
      probabilities[o + k] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let k = 0; k < blocks; k++) probabilities[o + k] *= inverse;
    total += max + Math.log(sum) - scores[o + labels[r]];
  }
  return total;
}

/** Class probabilities only (sigmoid or softmax), without the log-likelihood. */
function probabilities(scores: Float64Array, rows: number, blocks: number, out: Float64Array): void {
  if (blocks === 1) {
    for (let r = 0; r < rows; r++) out[r] = 1 / (1 + Math.exp(-scores[r]));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * blocks;
    let max = scores[o];
    for (let k = 1; k < blocks; k++) if (scores[o + k] > max) max = scores[o + k];
    let sum = 0;
    for (let k = 0; k < blocks; k++) {
      const e = Math.exp(scores[o + k] - max);
      out[o + k] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let k = 0; k < blocks; k++) out[o + k] *= inverse;
  }
}

/** φ'(1): the objective's slope along the step at the trial point (gradient · step). */
function slopeAtTrial(
  probabilities: Float64Array,
  deltaEta: Float64Array,
  labels: Int32Array,
  rows: number,
  blocks: number,
  cols: number,
  params: Float64Array,
  step: Float64Array,
  inverseC: number,
): number {
  let slope = 0;
  if (blocks === 1) {
    for (let r = 0; r < rows; r++) slope += (probabilities[r] - labels[r]) * deltaEta[r];
  } else {
    for (let r = 0; r < rows; r++) {
      const o = r * blocks;
      for (let k = 0; k < blocks; k++) slope += probabilities[o + k] * deltaEta[o + k];
      slope -= deltaEta[o + labels[r]];
    }
  }
  const q = cols + 1;
  let interceptSum = 0;
  let interceptStep = 0;
  for (let k = 0; k < blocks; k++) {
    for (let j = 0; j < cols; j++) slope += inverseC * params[k * q + j] * step[k * q + j];
    interceptSum += params[k * q + cols];
    interceptStep += step[k * q + cols];
  }
  return blocks > 1 ? slope + interceptSum * interceptStep : slope;
}

function penalty(params: Float64Array, cols: number, blocks: number, inverseC: number): number {
  const q = cols + 1;
  let squares = 0;
  let interceptSum = 0;
  for (let k = 0; k < blocks; k++) {
    for (let j = 0; j < cols; j++) squares += params[k * q + j] ** 2;
    interceptSum += params[k * q + cols];
  }
  return 0.5 * inverseC * squares + (blocks > 1 ? 0.5 * interceptSum * interceptSum : 0);
}

/** Fills the upper triangle of the Hessian and the gradient at the current probabilities. */
function assemble(
  w: Workspace,
  prob: Float64Array,
  x: Float64Array,
  rows: number,
  cols: number,
  blocks: number,
  labels: Int32Array,
  inverseC: number,
): void {
  const { theta, weights, residual, hessian, gradient, block, blockV, means } = w;
  const q = cols + 1;
  const size = blocks * q;
  let interceptSum = 0;
  for (let k = 0; k < blocks; k++) interceptSum += theta[k * q + cols];
  for (let k = 0; k < blocks; k++) {
    for (let l = k; l < blocks; l++) {
      for (let r = 0; r < rows; r++) {
        const pk = prob[r * blocks + k];
        if (blocks === 1) {
          weights[r] = pk * (1 - pk);
          residual[r] = pk - labels[r];
        } else {
          weights[r] = k === l ? pk * (1 - pk) : -pk * prob[r * blocks + l];
          residual[r] = pk - (labels[r] === k ? 1 : 0);
        }
      }
      weightedGram(x, rows, cols, means, weights, residual, block, blockV);
      for (let i = 0; i < q; i++) {
        const row = (k * q + i) * size + l * q;
        for (let j = k === l ? i : 0; j < q; j++)
          hessian[row + j] = i <= j ? block[i * q + j] : block[j * q + i];
      }
      if (blocks > 1) hessian[(k * q + cols) * size + l * q + cols] += 1; // gauge term
      if (k === l) {
        for (let j = 0; j < cols; j++) {
          hessian[(k * q + j) * size + k * q + j] += inverseC;
          gradient[k * q + j] = blockV[j] + inverseC * theta[k * q + j];
        }
        gradient[k * q + cols] = blockV[cols] + (blocks > 1 ? interceptSum : 0);
      }
    }
  }
}

/**
 * Fits on row-major X with class indices `labels` (0..classCount-1, classCount >= 2, all present).
 * Stops after taking a step whose Newton decrement g'H⁻¹g (affine-invariant: about twice the
 * remaining objective gap, in log-likelihood units) is at most `tol`. Convergence is quadratic by
 * then, so the gap left after that step is of order tol² (the decrement roughly squares each step).
 */
export function fitLogisticNewton(
  x: Float64Array,
  rows: number,
  cols: number,
  labels: Int32Array,
  classCount: number,
  C: number,
  tol: number,
  maxIter: number,
): LogisticFit {
  const blocks = classCount === 2 ? 1 : classCount;
  const q = cols + 1;
  const size = blocks * q;
  const inverseC = 1 / C;
  const w = ensure(rows, cols, blocks);
  const { means, theta, trialTheta, deltaEta, gradient, step, hessian } = w;
  let { eta, etaTrial, prob, probTrial } = w;
  columnMeans(x, rows, cols, means);
  theta.fill(0, 0, size);
  // Start from the intercept-only model's log-odds: saves about one Newton step.
  const counts = new Float64Array(classCount);
  for (let r = 0; r < rows; r++) counts[labels[r]]++;
  if (blocks === 1) theta[cols] = Math.log(counts[1] / counts[0]);
  else {
    let meanLog = 0;
    for (let k = 0; k < classCount; k++) meanLog += Math.log(counts[k]) / classCount;
    for (let k = 0; k < classCount; k++) theta[k * q + cols] = Math.log(counts[k]) - meanLog;
  }
  // At the intercept-only start every row has the class frequencies as probabilities, so the scores,
  // the probabilities and the objective (n × the label entropy) need no pass over X.
  let objective = blocks > 1 ? penalty(theta, cols, blocks, inverseC) : 0;
  for (let k = 0; k < classCount; k++) if (counts[k] > 0) objective -= counts[k] * Math.log(counts[k] / rows);
  for (let r = 0; r < rows; r++) {
    if (blocks === 1) {
      eta[r] = theta[cols];
      prob[r] = counts[1] / rows;
    } else {
      for (let k = 0; k < blocks; k++) {
        eta[r * blocks + k] = theta[k * q + cols];
        prob[r * blocks + k] = counts[k] / rows;
      }
    }
  }
  let objectiveStale = false;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    assemble(w, prob, x, rows, cols, blocks, labels, inverseC);
    for (let i = 0; i < size; i++) gradient[i] = -gradient[i];
    solveNormalEquations(hessian, gradient, size, 0, step);
    let decrement = 0;
    for (let i = 0; i < size; i++) decrement += gradient[i] * step[i];
    if (decrement <= tol) {
      // The last step: nothing after it needs the scores, so skip evaluating them.
      for (let i = 0; i < size; i++) theta[i] += step[i];
      converged = true;
      break;
    }
    linearScores(means, x, rows, cols, blocks, step, deltaEta);
    // The scores are linear in the parameters, so eta(t) = eta + t·deltaEta: no pass over X per trial.
    // Full Newton step first, judged by the slope at its end: φ(t) = f(θ + tΔ) is convex, so
    // φ'(1) <= 0 means the step stops short of the line minimum and f decreased. That needs only the
    // probabilities (wanted next anyway), not the log-likelihood (a log per row); near the optimum
    // rounding can make φ'(1) slightly positive, hence the tolerance.
    for (let i = 0; i < rows * blocks; i++) etaTrial[i] = eta[i] + deltaEta[i];
    for (let i = 0; i < size; i++) trialTheta[i] = theta[i] + step[i];
    probabilities(etaTrial, rows, blocks, probTrial);
    if (
      slopeAtTrial(probTrial, deltaEta, labels, rows, blocks, cols, trialTheta, step, inverseC) <=
      1e-3 * decrement
    ) {
      objectiveStale = true;
    } else {
      if (objectiveStale) {
        objective =
          negativeLogLikelihood(eta, labels, rows, blocks, prob) + penalty(theta, cols, blocks, inverseC);
        objectiveStale = false;
      }
      let t = 1;
      let accepted = false;
      for (let halvings = 0; halvings < 40; halvings++, t *= 0.5) {
        for (let i = 0; i < rows * blocks; i++) etaTrial[i] = eta[i] + t * deltaEta[i];
        for (let i = 0; i < size; i++) trialTheta[i] = theta[i] + t * step[i];
        const trial =
          negativeLogLikelihood(etaTrial, labels, rows, blocks, probTrial) +
          penalty(trialTheta, cols, blocks, inverseC);
        if (trial <= objective - ARMIJO * t * decrement) {
          objective = trial;
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        converged = true; // no representable decrease left along the Newton direction
        break;
      }
    }
    theta.set(trialTheta);
    let swap = eta;
    eta = etaTrial;
    etaTrial = swap;
    swap = prob;
    prob = probTrial;
    probTrial = swap;
  }
  const coef = new Float64Array(blocks * cols);
  const intercept = new Float64Array(blocks);
  for (let k = 0; k < blocks; k++) {
    let b = theta[k * q + cols];
    for (let j = 0; j < cols; j++) {
      coef[k * cols + j] = theta[k * q + j];
      b -= means[j] * theta[k * q + j];
    }
    intercept[k] = b;
  }
  if (blocks > 1) {
    let mean = 0;
    for (let k = 0; k < blocks; k++) mean += intercept[k] / blocks;
    for (let k = 0; k < blocks; k++) intercept[k] -= mean;
  }
  return { coef, intercept, iterations, converged };
}
