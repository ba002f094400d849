import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { isAimassError } from '../../core/errors.ts';
import { matrixFromRows } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator, syntheticData } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { treeCount } from './flat-trees.ts';
import { hgbClassifier, hgbRegressor } from './hgb.ts';
import { setSortedModeMaxRows } from './hgb-boost.ts';

const small = { maxIter: 10, minSamplesLeaf: 3 };

checkEstimator(hgbRegressor, {
  task: 'regression',
  params: small,
  badParams: [
    { params: { learningRate: 0 }, field: 'learningRate' },
    { params: { maxBins: 256 }, field: 'maxBins' },
    { params: { loss: 'log_loss' }, field: 'loss' },
    { params: { earlyStopping: 'yes' }, field: 'earlyStopping' },
    { params: { subsample: 0 }, field: 'subsample' },
  ],
});

checkEstimator(hgbClassifier, {
  task: 'classification',
  params: small,
  badParams: [
    { params: { loss: 'squared_error' }, field: 'loss' },
    { params: { maxLeafNodes: 1 }, field: 'maxLeafNodes' },
  ],
});

function encode(state: unknown, estimator: typeof hgbRegressor | typeof hgbClassifier): Uint8Array {
  const writer = new BinaryWriter();
  estimator.encode(state as never, writer);
  return writer.finish();
}

test('one squared-error stump with learning rate 1 fits a step exactly', () => {
  const X = matrixFromRows([[1], [2], [3], [4], [5], [6]]);
  const y = Float64Array.of(0, 0, 0, 10, 10, 10);
  const state = hgbRegressor.fit(X, y, { maxIter: 1, learningRate: 1, minSamplesLeaf: 1 }, createRng(0));
  // Baseline 5, then leaves -5 / +5; the split threshold is the midpoint 3.5 in raw units.
  assert.equal(state.baseline[0], 5);
  assert.equal(state.trees.threshold[0], 3.5);
  expectClose(hgbRegressor.predict(state, matrixFromRows([[3], [3.6], [-100], [100]])), [0, 10, 0, 10], {
    atol: 1e-12,
  });
});

test('sorted mode and histogram mode grow identical models', () => {
  for (const params of [
    { maxIter: 8, minSamplesLeaf: 5 },
    { maxIter: 6, minSamplesLeaf: 4, maxDepth: 3, growPolicy: 'depthwise', l2Regularization: 1 },
  ]) {
    const { X, y } = syntheticData(300, 4, 'regression', 5);
    X.data[7] = Number.NaN;
    X.data[42] = Number.NaN;
    const sorted = encode(hgbRegressor.fit(X, y, params, createRng(1)), hgbRegressor);
    setSortedModeMaxRows(0);
    try {
      const histogram = encode(hgbRegressor.fit(X, y, params, createRng(1)), hgbRegressor);
      assert.deepEqual(histogram.length, sorted.length);
      const a = hgbRegressor.decode(new BinaryReader(sorted));
      const b = hgbRegressor.decode(new BinaryReader(histogram));
      assert.deepEqual(Array.from(a.trees.feature), Array.from(b.trees.feature));
      assert.deepEqual(Array.from(a.trees.threshold), Array.from(b.trees.threshold));
      expectClose(b.trees.value, a.trees.value, { rtol: 1e-9, atol: 1e-12 }, 'leaf values');
    } finally {
      setSortedModeMaxRows(4096);
    }
  }
});

test('NaN rows go to the side their targets belong to', () => {
  const rows: (number | null)[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const missing = i % 3 === 0;
    rows.push([missing ? null : i]);
    // Missing rows behave like large x.
    y.push(missing || i >= 30 ? 10 : 0);
  }
  const state = hgbRegressor.fit(
    matrixFromRows(rows),
    Float64Array.from(y),
    { maxIter: 30, minSamplesLeaf: 2, learningRate: 0.5 },
    createRng(0),
  );
  const p = hgbRegressor.predict(state, matrixFromRows([[null], [1], [59]]));
  assert.ok(p[0] > 9, `NaN predicted ${p[0]}`);
  assert.ok(p[1] < 1 && p[2] > 9);
});

test('early stopping on an explicit validation set stops before maxIter', () => {
  const train = syntheticData(300, 4, 'regression', 2);
  const valid = syntheticData(100, 4, 'regression', 3);
  const state = hgbRegressor.fitWithValidation(
    train.X,
    train.y,
    valid.X,
    valid.y,
    { maxIter: 500, learningRate: 0.3, minSamplesLeaf: 2, nIterNoChange: 5 },
    createRng(0),
  );
  const iterations = treeCount(state.trees);
  assert.ok(iterations < 500 && iterations > 5, `stopped after ${iterations} iterations`);
  // earlyStopping: false ignores the validation set.
  const full = hgbRegressor.fitWithValidation(
    train.X,
    train.y,
    valid.X,
    valid.y,
    { maxIter: 40, earlyStopping: false },
    createRng(0),
  );
  assert.equal(treeCount(full.trees), 40);
  // earlyStopping: true holds out validationFraction of the rows itself.
  const auto = hgbRegressor.fit(
    train.X,
    train.y,
    { maxIter: 500, learningRate: 0.3, earlyStopping: true },
    createRng(0),
  );
  assert.ok(treeCount(auto.trees) < 500);
  // 'auto' is off at 300 rows (sklearn: on above 10,000).
  assert.equal(treeCount(hgbRegressor.fit(train.X, train.y, { maxIter: 30 }, createRng(0)).trees), 30);
});

test('binary and multiclass log-loss learn separable classes', () => {
  const { X, y } = syntheticData(300, 3, 'classification', 4);
  const multi = hgbClassifier.fit(X, y, { maxIter: 30 }, createRng(0));
  assert.equal(multi.treesPerIteration, 3);
  const predicted = hgbClassifier.predict(multi, X);
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
  assert.ok(correct / y.length > 0.9, `train accuracy ${correct / y.length}`);
  const proba = hgbClassifier.predictProba!(multi, X);
  for (let r = 0; r < proba.rows; r++) {
    const sum = proba.data[r * 3] + proba.data[r * 3 + 1] + proba.data[r * 3 + 2];
    assert.ok(Math.abs(sum - 1) < 1e-12);
  }
  const labels = Float64Array.from(y, (v) => (v === 2 ? 7 : -1));
  const binary = hgbClassifier.fit(X, labels, { maxIter: 30 }, createRng(0));
  assert.equal(binary.treesPerIteration, 1);
  // Baseline = log-odds of the prior.
  let positives = 0;
  for (const v of labels) if (v === 7) positives++;
  const p = positives / labels.length;
  expectClose(binary.baseline[0], Math.log(p / (1 - p)), { rtol: 1e-12 });
  assert.deepEqual(Array.from(hgbClassifier.classes!(binary)), [-1, 7]);
});

test('absolute error starts from the median and resists outliers; huber runs', () => {
  const { X, y } = syntheticData(200, 3, 'regression', 6);
  const noisy = y.slice();
  for (let i = 0; i < 200; i += 20) noisy[i] += 1000;
  const l1 = hgbRegressor.fit(X, noisy, { loss: 'absolute_error', maxIter: 30 }, createRng(0));
  const sorted = Float64Array.from(noisy).sort();
  assert.equal(l1.baseline[0], (sorted[99] + sorted[100]) / 2);
  const l2 = hgbRegressor.fit(X, noisy, { maxIter: 30 }, createRng(0));
  const huber = hgbRegressor.fit(X, noisy, { loss: 'huber', maxIter: 30 }, createRng(0));
  const error = (state: typeof l1) => {
    const p = hgbRegressor.predict(state, X);
    let s = 0;
    for (let i = 0; i < 200; i++) if (i % 20 !== 0) s += Math.abs(p[i] - y[i]);
    return s;
  };
  assert.ok(error(l1) < error(l2), 'L1 beats L2 on clean rows');
  assert.ok(error(huber) < error(l2), 'Huber beats L2 on clean rows');
});

test('subsample is seeded and changes the model', () => {
  const { X, y } = syntheticData(200, 3, 'regression', 8);
  const a = encode(hgbRegressor.fit(X, y, { maxIter: 5, subsample: 0.5 }, createRng(1)), hgbRegressor);
  const b = encode(hgbRegressor.fit(X, y, { maxIter: 5, subsample: 0.5 }, createRng(1)), hgbRegressor);
  const c = encode(hgbRegressor.fit(X, y, { maxIter: 5 }, createRng(1)), hgbRegressor);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('maxLeafNodes and maxDepth bound every tree', () => {
  const { X, y } = syntheticData(400, 5, 'regression', 9);
  const state = hgbRegressor.fit(X, y, { maxIter: 5, maxLeafNodes: 4, minSamplesLeaf: 1 }, createRng(0));
  let leaves = 0;
  for (const f of state.trees.feature) if (f < 0) leaves++;
  assert.equal(leaves, 5 * 4);
  const deep = hgbRegressor.fit(X, y, { maxIter: 3, maxDepth: 2, maxLeafNodes: null }, createRng(0));
  assert.equal(deep.trees.feature.length, 3 * 7);
});

test('validation labels unseen in training are rejected', () => {
  const { X, y } = syntheticData(60, 3, 'classification', 1);
  assert.throws(
    () =>
      hgbClassifier.fitWithValidation(
        X,
        y,
        X,
        y.map((v) => v + 10),
        { maxIter: 3 },
        createRng(0),
      ),
    (error: unknown) => isAimassError(error, 'DATA_INVALID'),
  );
});

test('the internal early-stopping hold-out is stratified: a rare class stays in training', () => {
  const { X, y } = syntheticData(200, 3, 'classification', 11);
  const labels = y.slice();
  labels[17] = 9; // a class with a single row
  for (let seed = 0; seed < 5; seed++) {
    const state = hgbClassifier.fit(X, labels, { maxIter: 5, earlyStopping: true }, createRng(seed));
    assert.deepEqual(Array.from(hgbClassifier.classes!(state)), [0, 1, 2, 9]);
  }
});
