import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { isAimassError } from '../../core/errors.ts';
import { matrixFromRows } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator, syntheticData } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../../testing/fixtures.ts';
import { decisionTreeClassifier, decisionTreeRegressor } from './decision-tree.ts';

checkEstimator(decisionTreeRegressor, {
  task: 'regression',
  params: { maxDepth: 5 },
  badParams: [
    { params: { maxDepth: 0 }, field: 'maxDepth' },
    { params: { minSamplesLeaf: 0 }, field: 'minSamplesLeaf' },
    { params: { criterion: 'gini' }, field: 'criterion' },
    { params: { maxFeatures: 1.5 }, field: 'maxFeatures' },
    { params: { ccpAlpha: -1 }, field: 'ccpAlpha' },
  ],
});

checkEstimator(decisionTreeClassifier, {
  task: 'classification',
  params: { maxDepth: 5 },
  badParams: [
    { params: { criterion: 'squared_error' }, field: 'criterion' },
    { params: { minSamplesSplit: 1 }, field: 'minSamplesSplit' },
    { params: { maxFeatures: 'all' }, field: 'maxFeatures' },
  ],
});

function treeOf(fixtureName: string) {
  const fixture = loadFixture(fixtureName);
  const p = fixture.inputs.params as Record<string, number | string>;
  return {
    fixture,
    params: {
      criterion: p.criterion,
      maxDepth: p.max_depth,
      minSamplesLeaf: p.min_samples_leaf,
      minSamplesSplit: p.min_samples_split,
    },
  };
}

function checkStructure(
  fixture: ReturnType<typeof loadFixture>,
  state: ReturnType<typeof decisionTreeRegressor.fit>,
) {
  const e = fixture.expected as Record<string, unknown>;
  const tree = e.tree as Record<string, number[]>;
  assert.equal(state.depth, e.depth);
  assert.equal(state.leaves, e.n_leaves);
  assert.equal(state.tree.feature.length, e.node_count);
  assert.deepEqual(Array.from(state.tree.left), tree.children_left);
  assert.deepEqual(Array.from(state.tree.right), tree.children_right);
  assert.deepEqual(Array.from(state.tree.feature), tree.feature);
  assert.deepEqual(Array.from(state.nSamples), tree.n_node_samples);
  // Leaves hold threshold 0 in the fixture (sklearn's -2 replaced); compare split nodes only.
  const internal = tree.feature.map((f, i) => (f >= 0 ? i : -1)).filter((i) => i >= 0);
  expectClose(
    internal.map((i) => state.tree.threshold[i]),
    internal.map((i) => tree.threshold[i]),
    toleranceFor(fixture, 'tree.threshold'),
    'threshold',
  );
  expectClose(state.impurity, tree.impurity, toleranceFor(fixture, 'tree.impurity'), 'impurity');
  expectClose(state.tree.value, tree.value.flat(), toleranceFor(fixture, 'tree.value'), 'value');
  expectClose(
    state.importances,
    e.feature_importances_ as number[],
    toleranceFor(fixture, 'feature_importances_'),
    'importances',
  );
}

test('decision-tree matches sklearn DecisionTreeRegressor (fixture)', () => {
  const { fixture, params } = treeOf('decision-tree-regressor');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const state = decisionTreeRegressor.fit(X, y, params, createRng(0));
  checkStructure(fixture, state);
  const e = fixture.expected;
  expectClose(
    decisionTreeRegressor.predict(state, fixtureMatrix(fixture.inputs.X_test)),
    e.predictions_test as number[],
    toleranceFor(fixture, 'predictions_test'),
    'predictions_test',
  );
  const train = decisionTreeRegressor.predict(state, X);
  expectClose(train, e.predictions_train as number[], toleranceFor(fixture, 'predictions_train'), 'train');
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - train[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  expectClose(1 - ssRes / ssTot, e.r2_train as number, toleranceFor(fixture, 'r2_train'), 'r2');
});

test('decision-tree-classifier matches sklearn DecisionTreeClassifier (fixture)', () => {
  const { fixture, params } = treeOf('decision-tree-classifier');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const state = decisionTreeClassifier.fit(X, y, params, createRng(0));
  checkStructure(fixture, state);
  const e = fixture.expected;
  assert.deepEqual(Array.from(decisionTreeClassifier.classes!(state)), e.classes_);
  const Xt = fixtureMatrix(fixture.inputs.X_test);
  assert.deepEqual(Array.from(decisionTreeClassifier.predict(state, Xt)), e.predict_test);
  expectClose(
    decisionTreeClassifier.predictProba!(state, Xt).data,
    (e.predict_proba_test as number[][]).flat(),
    toleranceFor(fixture, 'predict_proba_test'),
    'proba',
  );
  const train = decisionTreeClassifier.predict(state, X);
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (train[i] === y[i]) correct++;
  expectClose(correct / y.length, e.accuracy_train as number, toleranceFor(fixture, 'accuracy_train'));
});

test('entropy criterion separates a clean two-class problem in one split', () => {
  const X = matrixFromRows([[0], [1], [2], [3], [10], [11], [12], [13]]);
  const y = Float64Array.of(0, 0, 0, 0, 1, 1, 1, 1);
  const state = decisionTreeClassifier.fit(X, y, { criterion: 'entropy' }, createRng(0));
  assert.equal(state.tree.feature.length, 3);
  assert.equal(state.tree.threshold[0], 6.5);
  assert.equal(state.impurity[0], 1); // log2 entropy of a 50/50 split
});

test('NaN is native: missing rows go to the side the criterion prefers', () => {
  // Missing x behave like large x (target 10): the learned split must send NaN right.
  const X = matrixFromRows([[1], [2], [3], [4], [null], [null], [7], [8]]);
  const y = Float64Array.of(0, 0, 0, 0, 10, 10, 10, 10);
  const state = decisionTreeRegressor.fit(X, y, {}, createRng(0));
  assert.equal(state.tree.missingLeft[0], 0);
  assert.deepEqual(
    Array.from(decisionTreeRegressor.predict(state, matrixFromRows([[null], [2], [9]]))),
    [10, 0, 10],
  );
  // Missing x behave like small x: NaN must go left.
  const y2 = Float64Array.of(0, 0, 10, 10, 0, 0, 10, 10);
  const state2 = decisionTreeRegressor.fit(X, y2, { maxDepth: 1 }, createRng(0));
  assert.equal(state2.tree.missingLeft[0], 1);
  assert.equal(decisionTreeRegressor.predict(state2, matrixFromRows([[null]]))[0], 0);
  // No NaN in training: NaN follows the child with more rows.
  const X3 = matrixFromRows([[1], [2], [3], [4], [5]]);
  const state3 = decisionTreeRegressor.fit(X3, Float64Array.of(1, 1, 1, 5, 5), { maxDepth: 1 }, createRng(0));
  assert.equal(decisionTreeRegressor.predict(state3, matrixFromRows([[null]]))[0], 1);
});

test('ccpAlpha prunes the weakest links first (closed form on a tiny tree)', () => {
  // y: two well separated groups, each with a tiny inner split. Root split removes most of the risk;
  // inner splits are worth little and go first as alpha grows.
  const X = matrixFromRows([[0], [1], [2], [3], [10], [11], [12], [13]]);
  const y = Float64Array.of(0, 0, 1, 1, 100, 100, 101, 101);
  const full = decisionTreeRegressor.fit(X, y, {}, createRng(0));
  assert.equal(full.leaves, 4);
  // Each inner split lowers R by (4/8)*0.25 - 0 = 0.125 with one extra leaf: alpha_eff = 0.125.
  const keepAll = decisionTreeRegressor.fit(X, y, { ccpAlpha: 0.12 }, createRng(0));
  assert.equal(keepAll.leaves, 4);
  const pruned = decisionTreeRegressor.fit(X, y, { ccpAlpha: 0.13 }, createRng(0));
  assert.equal(pruned.leaves, 2);
  assert.deepEqual(Array.from(pruned.tree.left), [1, -1, -1]);
  assert.deepEqual(
    Array.from(decisionTreeRegressor.predict(pruned, X)),
    [0.5, 0.5, 0.5, 0.5, 100.5, 100.5, 100.5, 100.5],
  );
  // Root: R(root) = 2500.25 (variance), R(branch) = 0.25: alpha_eff ≈ 2500 / 1 after the inner prune.
  const stump = decisionTreeRegressor.fit(X, y, { ccpAlpha: 3000 }, createRng(0));
  assert.equal(stump.leaves, 1);
});

test('maxFeatures and minSamplesLeaf are honoured', () => {
  const { X, y } = syntheticData(200, 6, 'regression');
  const state = decisionTreeRegressor.fit(X, y, { minSamplesLeaf: 30 }, createRng(0));
  for (let i = 0; i < state.nSamples.length; i++)
    if (state.tree.left[i] === -1) assert.ok(state.nSamples[i] >= 30);
  const a = decisionTreeRegressor.fit(X, y, { maxFeatures: 'sqrt', maxDepth: 4 }, createRng(1));
  const b = decisionTreeRegressor.fit(X, y, { maxFeatures: 'sqrt', maxDepth: 4 }, createRng(2));
  assert.notDeepEqual(
    Array.from(a.tree.feature),
    Array.from(b.tree.feature),
    'different seeds pick different features',
  );
});

test('decode rejects hostile structures with CODEC_CORRUPT', () => {
  const { X, y } = syntheticData(50, 3, 'regression');
  const state = decisionTreeRegressor.fit(X, y, { maxDepth: 3 }, createRng(0));
  const corrupt = (mutate: (s: typeof state) => void) => {
    const copy = {
      ...state,
      tree: {
        ...state.tree,
        left: state.tree.left.slice(),
        right: state.tree.right.slice(),
        feature: state.tree.feature.slice(),
      },
    };
    mutate(copy);
    const writer = new BinaryWriter();
    decisionTreeRegressor.encode(copy, writer);
    assert.throws(
      () => decisionTreeRegressor.decode(new BinaryReader(writer.finish())),
      (error: unknown) => isAimassError(error, 'CODEC_CORRUPT'),
    );
  };
  corrupt((s) => {
    s.tree.left[0] = 0; // self loop
  });
  corrupt((s) => {
    s.tree.right[0] = s.tree.feature.length; // out of range
  });
  corrupt((s) => {
    s.tree.feature[0] = 3; // feature >= featureCount
  });
  corrupt((s) => {
    s.tree.left[1] = 0; // back edge to an ancestor
    s.tree.feature[1] = 0;
  });
});
