import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Matrix } from '../core/matrix.ts';
import { createRng } from '../core/rng.ts';
import { checkEstimator } from '../testing/check-estimator.ts';
import { expectClose } from '../testing/expect-close.ts';
import { mlpClassifier, mlpRegressor } from './mlp.ts';
import {
  activationBuffers,
  batchGradient,
  glorotInit,
  layout,
  type MlpNetwork,
  squaredWeights,
  type Workspace,
} from './mlp-network.ts';

const small = { hiddenLayerSizes: [8], maxIter: 30 };

checkEstimator(mlpRegressor, {
  task: 'regression',
  params: small,
  badParams: [
    { params: { hiddenLayerSizes: [] }, field: 'hiddenLayerSizes' },
    { params: { hiddenLayerSizes: [4, 4, 4] }, field: 'hiddenLayerSizes' },
    { params: { activation: 'sigmoid' }, field: 'activation' },
    { params: { learningRate: 0 }, field: 'learningRate' },
    { params: { beta2: 1 }, field: 'beta2' },
    { params: { alpha: -1 }, field: 'alpha' },
    { params: { batchSize: 0 }, field: 'batchSize' },
    { params: { validationFraction: 1 }, field: 'validationFraction' },
  ],
});

checkEstimator(mlpClassifier, {
  task: 'classification',
  params: { ...small, hiddenLayerSizes: [6, 5], activation: 'tanh' },
  badParams: [{ params: { maxIter: 0 }, field: 'maxIter' }],
});

/** x on a grid over [-3, 3], y = sin(x). */
function sineData(rows: number, offset = 0): { X: Matrix; y: Float64Array } {
  const data = new Float64Array(rows);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    data[i] = -3 + (6 * (i + offset)) / (rows - 1);
    y[i] = Math.sin(data[i]);
  }
  return { X: { data, rows, cols: 1 }, y };
}

function rmse(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

test('mlp learns y = sin(x) on [-3, 3] far better than any straight line can', () => {
  const { X, y } = sineData(200);
  // Best straight line (least squares, closed form for one feature): its RMSE is the floor a
  // linear model cannot go below on this data.
  let mx = 0;
  let my = 0;
  for (let i = 0; i < 200; i++) {
    mx += X.data[i] / 200;
    my += y[i] / 200;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < 200; i++) {
    sxy += (X.data[i] - mx) * (y[i] - my);
    sxx += (X.data[i] - mx) ** 2;
  }
  const line = X.data.map((x) => my + (sxy / sxx) * (x - mx));
  const linearRmse = rmse(line, y);
  assert.ok(linearRmse > 0.25, `the line fits too well (${linearRmse}); the test would prove nothing`);

  for (const activation of ['tanh', 'relu'] as const) {
    const state = mlpRegressor.fit(
      X,
      y,
      { hiddenLayerSizes: [16, 16], activation, learningRate: 0.01, maxIter: 400, batchSize: 32 },
      createRng(3),
    );
    const test = sineData(57, 0.37);
    const error = rmse(mlpRegressor.predict(state, test.X), test.y);
    assert.ok(error < 0.08, `${activation}: held-out RMSE ${error} (a line reaches ${linearRmse})`);
  }
});

test('mlp early stopping holds out rows and stops long before maxIter, still fitting well', () => {
  const rng = createRng(4);
  const rows = 300;
  const data = new Float64Array(rows);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    data[i] = -3 + 6 * rng.next();
    y[i] = Math.sin(data[i]) + 0.1 * rng.normal();
  }
  const X = { data, rows, cols: 1 };
  const state = mlpRegressor.fit(
    X,
    y,
    {
      hiddenLayerSizes: [16],
      activation: 'tanh',
      learningRate: 0.01,
      batchSize: 16,
      maxIter: 2000,
      earlyStopping: true,
      nIterNoChange: 20,
    },
    createRng(1),
  );
  assert.ok(state.epochs < 500, `stopped after ${state.epochs} epochs`);
  // Against the noiseless sine (noise sd 0.1): a line cannot go below ~0.3 here.
  const truth = data.map(Math.sin);
  assert.ok(rmse(mlpRegressor.predict(state, X), truth) < 0.15);
});

test('mlp classifier separates a nonlinear (XOR-like) pattern and gives valid probabilities', () => {
  const rng = createRng(9);
  const rows = 300;
  const data = new Float64Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = 2 * rng.next() - 1;
    const b = 2 * rng.next() - 1;
    data[2 * i] = a;
    data[2 * i + 1] = b;
    // Labels 10 / 20 / 30 (not 0..k-1): quadrants with the same sign are 10, else by the sign of a.
    y[i] = a * b > 0 ? 10 : a > 0 ? 20 : 30;
  }
  const X = { data, rows, cols: 2 };
  const state = mlpClassifier.fit(
    X,
    y,
    { hiddenLayerSizes: [16], activation: 'tanh', learningRate: 0.02, maxIter: 300 },
    createRng(2),
  );
  assert.deepEqual(Array.from(mlpClassifier.classes!(state)), [10, 20, 30]);
  const predicted = mlpClassifier.predict(state, X);
  let correct = 0;
  for (let i = 0; i < rows; i++) if (predicted[i] === y[i]) correct++;
  // No linear classifier exceeds ~75% here (the same-sign class sits in two opposite quadrants).
  assert.ok(correct / rows > 0.9, `accuracy ${correct / rows}`);
  const proba = mlpClassifier.predictProba!(state, X);
  for (let i = 0; i < rows; i++) {
    const sum = proba.data[3 * i] + proba.data[3 * i + 1] + proba.data[3 * i + 2];
    assert.ok(Math.abs(sum - 1) < 1e-12);
  }
  // Binary: one logistic output, two probability columns.
  const binary = y.map((v) => (v === 10 ? 1 : 0));
  const two = mlpClassifier.fit(
    X,
    binary,
    { hiddenLayerSizes: [16], activation: 'tanh', learningRate: 0.02, maxIter: 300 },
    createRng(2),
  );
  assert.equal(two.layerSizes[two.layerSizes.length - 1], 1);
  assert.equal(mlpClassifier.predictProba!(two, X).cols, 2);
  let binaryCorrect = 0;
  const binaryPredicted = mlpClassifier.predict(two, X);
  for (let i = 0; i < rows; i++) if (binaryPredicted[i] === binary[i]) binaryCorrect++;
  assert.ok(binaryCorrect / rows > 0.9, `binary accuracy ${binaryCorrect / rows}`);
});

test('backpropagation matches central finite differences (regression, logistic, softmax; relu, tanh)', () => {
  const cases: { classification: boolean; outputs: number; activation: 'relu' | 'tanh'; hidden: number[] }[] =
    [
      { classification: false, outputs: 1, activation: 'tanh', hidden: [5, 4] },
      { classification: false, outputs: 1, activation: 'relu', hidden: [6] },
      { classification: true, outputs: 1, activation: 'tanh', hidden: [4] },
      { classification: true, outputs: 3, activation: 'relu', hidden: [5, 3] },
    ];
  const rows = 7;
  const inputs = 3;
  const alpha = 0.3;
  for (const c of cases) {
    const rng = createRng(11);
    const layerSizes = Int32Array.from([inputs, ...c.hidden, c.outputs]);
    const offsets = layout(layerSizes);
    const network: MlpNetwork = {
      classification: c.classification,
      activation: c.activation,
      layerSizes,
      weights: new Float64Array(offsets.total),
      xMean: new Float64Array(inputs),
      xScale: new Float64Array(inputs).fill(1),
    };
    glorotInit(network, offsets, rng);
    const work: Workspace = {
      acts: activationBuffers(layerSizes, rows),
      deltas: activationBuffers(layerSizes, rows),
      targets: new Float64Array(rows * c.outputs),
      gradient: new Float64Array(offsets.total),
    };
    const x = Float64Array.from({ length: rows * inputs }, () => rng.normal());
    for (let r = 0; r < rows; r++) {
      if (!c.classification) work.targets[r] = rng.normal();
      else if (c.outputs === 1) work.targets[r] = r % 2;
      else work.targets[r * c.outputs + (r % c.outputs)] = 1;
    }
    // The objective batchGradient differentiates: mean data loss + alpha/2 * |W|^2 / rows.
    const objective = (): number => {
      work.acts[0].set(x);
      const loss = batchGradient(network, offsets, work, rows, alpha);
      return loss / rows + (0.5 * alpha * squaredWeights(network, offsets)) / rows;
    };
    objective();
    const analytic = work.gradient.slice();
    const numeric = new Float64Array(offsets.total);
    for (let i = 0; i < offsets.total; i++) {
      const keep = network.weights[i];
      network.weights[i] = keep + 1e-6;
      const plus = objective();
      network.weights[i] = keep - 1e-6;
      const minus = objective();
      network.weights[i] = keep;
      numeric[i] = (plus - minus) / 2e-6;
    }
    expectClose(analytic, numeric, { rtol: 1e-5, atol: 1e-7 }, `gradient ${JSON.stringify(c)}`);
  }
});
