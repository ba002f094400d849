import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Matrix } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../../testing/fixtures.ts';
import { elasticNetEstimator, lassoEstimator } from './elastic-net.ts';
import { ridgeEstimator } from './ridge.ts';

const badCommon = [
  { params: { alpha: -0.1 }, field: 'alpha' },
  { params: { tol: 0 }, field: 'tol' },
  { params: { maxIter: 0 }, field: 'maxIter' },
];
checkEstimator(lassoEstimator, { params: { alpha: 0.05 }, badParams: badCommon, task: 'regression' });
checkEstimator(elasticNetEstimator, {
  params: { alpha: 0.05, l1Ratio: 0.3 },
  badParams: [...badCommon, { params: { l1Ratio: 1.5 }, field: 'l1Ratio' }],
  task: 'regression',
});

function objective(
  X: Matrix,
  y: Float64Array,
  fitted: Float64Array,
  coef: Float64Array,
  alpha: number,
  l1Ratio: number,
) {
  let rss = 0;
  for (let i = 0; i < y.length; i++) rss += (y[i] - fitted[i]) ** 2;
  let l1 = 0;
  let l2 = 0;
  for (const c of coef) {
    l1 += Math.abs(c);
    l2 += c * c;
  }
  return rss / (2 * X.rows) + alpha * l1Ratio * l1 + 0.5 * alpha * (1 - l1Ratio) * l2;
}

for (const [name, estimator] of [
  ['lasso', lassoEstimator],
  ['elastic-net', elasticNetEstimator],
] as const) {
  test(`${name} matches sklearn (${name}.json): coefficients, exact zeros, objective`, () => {
    const fixture = loadFixture(name);
    const X = fixtureMatrix(fixture.inputs.X_train);
    const y = fixtureVector(fixture.inputs.y_train);
    const given = fixture.inputs.params as { alpha: number; l1_ratio: number; tol: number; max_iter: number };
    const params: Record<string, number> = { alpha: given.alpha, tol: given.tol, maxIter: given.max_iter };
    if (name === 'elastic-net') params.l1Ratio = given.l1_ratio;
    const state = estimator.fit(X, y, params, createRng(0));
    const e = fixture.expected;
    expectClose(state.coef, e.coef_ as number[], toleranceFor(fixture, 'coef_'), 'coef_');
    expectClose(state.intercept, e.intercept_ as number, toleranceFor(fixture, 'intercept_'), 'intercept_');
    const zeros = Array.from(state.coef.keys()).filter((j) => state.coef[j] === 0);
    assert.deepEqual(zeros, e.zero_coef_indices, 'exact zeros');
    expectClose(
      estimator.predict(state, fixtureMatrix(fixture.inputs.X_test)),
      e.predictions_test as number[],
      toleranceFor(fixture, 'predictions_test'),
      'predictions_test',
    );
    const value = objective(X, y, estimator.predict(state, X), state.coef, given.alpha, given.l1_ratio);
    expectClose(value, e.objective as number, toleranceFor(fixture, 'objective'), 'objective');
  });
}

test('elastic net with l1Ratio 0 is ridge with alpha·n', () => {
  const fixture = loadFixture('lasso');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const enet = elasticNetEstimator.fit(
    X,
    y,
    { alpha: 0.2, l1Ratio: 0, tol: 1e-12, maxIter: 10000 },
    createRng(0),
  );
  const ridge = ridgeEstimator.fit(X, y, { alpha: 0.2 * X.rows }, createRng(0));
  expectClose(enet.coef, ridge.coef, { rtol: 1e-8, atol: 1e-10 }, 'coef');
  expectClose(enet.intercept, ridge.intercept, { rtol: 1e-8, atol: 1e-10 }, 'intercept');
});

test('a large alpha zeroes every coefficient and predicts the mean', () => {
  const fixture = loadFixture('lasso');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const state = lassoEstimator.fit(X, y, { alpha: 1e6 }, createRng(0));
  assert.deepEqual(Array.from(state.coef), new Array(X.cols).fill(0));
  expectClose(state.intercept, y.reduce((a, b) => a + b, 0) / y.length, { rtol: 1e-12 }, 'mean');
  assert.equal(state.iterations, 1);
});
