import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixFromRows } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../../testing/fixtures.ts';
import { logisticEstimator } from './logistic.ts';

checkEstimator(logisticEstimator, {
  badParams: [
    { params: { C: 0 }, field: 'C' },
    { params: { tol: -1 }, field: 'tol' },
    { params: { maxIter: 1.5 }, field: 'maxIter' },
  ],
  task: 'classification',
});

for (const name of ['logistic-regression-binary', 'logistic-regression-multinomial']) {
  test(`logistic matches sklearn and the exact optimum (${name}.json)`, () => {
    const fixture = loadFixture(name);
    const X = fixtureMatrix(fixture.inputs.X_train);
    const y = fixtureVector(fixture.inputs.y_train);
    const Xtest = fixtureMatrix(fixture.inputs.X_test);
    const params = fixture.inputs.params as { C: number; tol: number };
    const state = logisticEstimator.fit(X, y, { C: params.C, tol: params.tol }, createRng(0));
    const e = fixture.expected;
    assert.deepEqual(Array.from(state.classes), e.classes_);
    const optimum = e.newton_optimum as { coef: number[] | number[][]; intercept: number | number[] };
    const tight = toleranceFor(fixture, 'newton_optimum');
    expectClose(state.coef, optimum.coef, tight, 'coef vs newton_optimum');
    expectClose(state.intercept, optimum.intercept, tight, 'intercept vs newton_optimum');
    expectClose(state.coef, e.coef_ as number[][], toleranceFor(fixture, 'coef_'), 'coef_ vs sklearn');
    expectClose(state.intercept, e.intercept_ as number[], toleranceFor(fixture, 'intercept_'), 'intercept_');
    expectClose(
      logisticEstimator.predictProba!(state, Xtest).data,
      e.predict_proba_test as number[][],
      toleranceFor(fixture, 'predict_proba_test'),
      'predict_proba_test',
    );
    assert.deepEqual(Array.from(logisticEstimator.predict(state, Xtest)), e.predict_test);
    if (state.classes.length > 2) {
      const sum = state.intercept.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum) < 1e-12, `multinomial intercepts sum to 0, got ${sum}`);
    }
  });
}

test('default tol lands within the fixture tolerance of sklearn in a few iterations', () => {
  const fixture = loadFixture('logistic-regression-binary');
  const state = logisticEstimator.fit(
    fixtureMatrix(fixture.inputs.X_train),
    fixtureVector(fixture.inputs.y_train),
    {},
    createRng(0),
  );
  expectClose(state.coef, fixture.expected.coef_ as number[][], toleranceFor(fixture, 'coef_'), 'coef_');
  assert.ok(state.iterations <= 8, `iterations ${state.iterations}`);
});

test('labels may be any numbers; predictions use the original labels', () => {
  const fixture = loadFixture('logistic-regression-multinomial');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const relabel = [7.5, -3, 100]; // not sorted: class order follows the sorted labels
  const mapped = y.map((v) => relabel[v]);
  const a = logisticEstimator.fit(X, y, {}, createRng(0));
  const b = logisticEstimator.fit(X, mapped, {}, createRng(0));
  assert.deepEqual(Array.from(b.classes), [-3, 7.5, 100]);
  const predictionsA = logisticEstimator.predict(a, X);
  const predictionsB = logisticEstimator.predict(b, X);
  for (let i = 0; i < X.rows; i++) assert.equal(predictionsB[i], relabel[predictionsA[i]]);
  // Class -3 is original class 1: its probability column moved to position 0.
  const pa = logisticEstimator.predictProba!(a, X);
  const pb = logisticEstimator.predictProba!(b, X);
  expectClose(pb.data[0], pa.data[1], { rtol: 1e-9, atol: 1e-12 }, 'probability follows its class');
});

test('separable data stays finite thanks to the L2 penalty', () => {
  const X = matrixFromRows([[-2], [-1], [1], [2]]);
  const y = Float64Array.of(0, 0, 1, 1);
  const state = logisticEstimator.fit(X, y, { C: 1e4 }, createRng(0));
  assert.ok(Number.isFinite(state.coef[0]) && state.coef[0] > 1);
  assert.deepEqual(Array.from(logisticEstimator.predict(state, X)), [0, 0, 1, 1]);
});
