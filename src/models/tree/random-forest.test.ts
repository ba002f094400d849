import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../core/rng.ts';
import { checkEstimator, syntheticData } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { decisionTreeRegressor } from './decision-tree.ts';
import { treeCount } from './flat-trees.ts';
import { randomForestClassifier, randomForestRegressor } from './random-forest.ts';

checkEstimator(randomForestRegressor, {
  task: 'regression',
  params: { nEstimators: 8, maxDepth: 5 },
  badParams: [
    { params: { nEstimators: 0 }, field: 'nEstimators' },
    { params: { maxSamples: 2.5 }, field: 'maxSamples' },
    { params: { bootstrap: 'yes' }, field: 'bootstrap' },
  ],
});

checkEstimator(randomForestClassifier, {
  task: 'classification',
  params: { nEstimators: 8, maxDepth: 5 },
  badParams: [
    { params: { criterion: 'squared_error' }, field: 'criterion' },
    { params: { maxFeatures: 0 }, field: 'maxFeatures' },
  ],
});

test('without bootstrap and with all features every tree equals the single CART tree', () => {
  const { X, y } = syntheticData(120, 4, 'regression', 3);
  const forest = randomForestRegressor.fit(
    X,
    y,
    { nEstimators: 3, bootstrap: false, maxDepth: 4 },
    createRng(0),
  );
  const single = decisionTreeRegressor.fit(X, y, { maxDepth: 4 }, createRng(0));
  assert.equal(treeCount(forest.trees), 3);
  expectClose(randomForestRegressor.predict(forest, X), decisionTreeRegressor.predict(single, X), {
    rtol: 1e-12,
  });
});

test('bagging reduces test error against a single deep tree', () => {
  const train = syntheticData(300, 6, 'regression', 4);
  const testSet = syntheticData(200, 6, 'regression', 5);
  const rmse = (p: Float64Array) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (p[i] - testSet.y[i]) ** 2;
    return Math.sqrt(s / p.length);
  };
  const forest = randomForestRegressor.fit(train.X, train.y, { nEstimators: 30 }, createRng(0));
  const tree = decisionTreeRegressor.fit(train.X, train.y, {}, createRng(0));
  const forestError = rmse(randomForestRegressor.predict(forest, testSet.X));
  const treeError = rmse(decisionTreeRegressor.predict(tree, testSet.X));
  assert.ok(forestError < 0.85 * treeError, `forest ${forestError} vs tree ${treeError}`);
  let sum = 0;
  for (const v of forest.importances) sum += v;
  expectClose(sum, 1, { rtol: 1e-12 });
});

test('classifier probabilities are averages of leaf class fractions', () => {
  const { X, y } = syntheticData(150, 4, 'classification', 6);
  const state = randomForestClassifier.fit(X, y, { nEstimators: 10 }, createRng(2));
  const proba = randomForestClassifier.predictProba!(state, X);
  const labels = randomForestClassifier.predict(state, X);
  let correct = 0;
  for (let r = 0; r < proba.rows; r++) {
    const row = proba.data.subarray(r * 3, r * 3 + 3);
    expectClose(row[0] + row[1] + row[2], 1, { rtol: 1e-12 });
    if (labels[r] === y[r]) correct++;
  }
  assert.ok(correct / y.length > 0.9);
  // Different seeds give different forests (bootstrap + feature sampling).
  const other = randomForestClassifier.fit(X, y, { nEstimators: 10 }, createRng(3));
  assert.notDeepEqual(Array.from(other.trees.feature), Array.from(state.trees.feature));
});
