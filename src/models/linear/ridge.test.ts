import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixFromRows } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../../testing/fixtures.ts';
import { olsEstimator, ridgeEstimator } from './ridge.ts';

checkEstimator(ridgeEstimator, {
  params: { alpha: 0.5 },
  badParams: [
    { params: { alpha: -1 }, field: 'alpha' },
    { params: { alpha: 'x' }, field: 'alpha' },
  ],
  task: 'regression',
});
checkEstimator(olsEstimator, { badParams: [], task: 'regression' });

test('ridge matches sklearn Ridge for alpha 0.1, 1, 10 (ridge.json)', () => {
  const fixture = loadFixture('ridge');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const Xtest = fixtureMatrix(fixture.inputs.X_test);
  const fits = fixture.expected.fits as {
    alpha: number;
    coef_: number[];
    intercept_: number;
    predictions_test: number[];
  }[];
  assert.equal(fits.length, 3);
  for (const expected of fits) {
    const state = ridgeEstimator.fit(X, y, { alpha: expected.alpha }, createRng(0));
    expectClose(state.coef, expected.coef_, toleranceFor(fixture, 'fits'), `coef alpha=${expected.alpha}`);
    expectClose(state.intercept, expected.intercept_, toleranceFor(fixture, 'fits'), 'intercept');
    expectClose(
      ridgeEstimator.predict(state, Xtest),
      expected.predictions_test,
      toleranceFor(fixture, 'fits'),
      'predictions',
    );
  }
});

test('ols matches sklearn LinearRegression (linear-regression.json)', () => {
  const fixture = loadFixture('linear-regression');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const state = olsEstimator.fit(X, y, {}, createRng(0));
  const e = fixture.expected;
  expectClose(state.coef, e.coef_ as number[], toleranceFor(fixture, 'coef_'), 'coef_');
  expectClose(state.intercept, e.intercept_ as number, toleranceFor(fixture, 'intercept_'), 'intercept_');
  expectClose(
    olsEstimator.predict(state, fixtureMatrix(fixture.inputs.X_test)),
    e.predictions_test as number[],
    toleranceFor(fixture, 'predictions_test'),
    'predictions_test',
  );
  const fitted = olsEstimator.predict(state, X);
  let rss = 0;
  for (let i = 0; i < y.length; i++) rss += (y[i] - fitted[i]) ** 2;
  expectClose(
    rss,
    e.residual_sum_of_squares as number,
    toleranceFor(fixture, 'residual_sum_of_squares'),
    'rss',
  );
});

test('centring is exact for columns with a huge offset', () => {
  // y = 2 x0 - x1 + 5 exactly; x0 sits near 1e9, where a raw (uncentred) Gram would lose ~all digits.
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 50; i++) {
    const x0 = 1e9 + ((i * 37) % 11);
    const x1 = Math.sin(i);
    rows.push([x0, x1]);
    y.push(2 * (x0 - 1e9) - x1 + 5);
  }
  const state = olsEstimator.fit(matrixFromRows(rows), Float64Array.from(y), {}, createRng(0));
  expectClose(state.coef, [2, -1], { rtol: 1e-9, atol: 1e-9 }, 'coef');
});

test('ols: constant column gets 0, duplicated columns share equally (minimum norm)', () => {
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 30; i++) {
    const a = Math.cos(i * 1.3);
    const b = Math.sin(i * 0.7);
    rows.push([a, 4, a, b]);
    y.push(3 * a + 0.5 * b - 1);
  }
  const state = olsEstimator.fit(matrixFromRows(rows), Float64Array.from(y), {}, createRng(0));
  expectClose(state.coef, [1.5, 0, 1.5, 0.5], { rtol: 1e-9, atol: 1e-9 }, 'coef');
  expectClose(state.intercept, -1, { atol: 1e-9 }, 'intercept');
});

test('ols with more features than rows interpolates the training data', () => {
  const rng = createRng(5);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 4; i++) {
    rows.push(Array.from({ length: 7 }, () => rng.normal()));
    y.push(rng.normal());
  }
  const X = matrixFromRows(rows);
  const state = olsEstimator.fit(X, Float64Array.from(y), {}, createRng(0));
  expectClose(olsEstimator.predict(state, X), y, { atol: 1e-8 }, 'fitted = y');
});

test('ridge rejects NaN in y naming the row', () => {
  const X = matrixFromRows([[1], [2], [3]]);
  assert.throws(
    () => ridgeEstimator.fit(X, Float64Array.from([1, Number.NaN, 3]), {}, createRng(0)),
    (error: unknown) => (error as { context: { row: number } }).context.row === 1,
  );
});

test('a resolved params object is accepted as is (the per-entity fast path)', () => {
  const resolved = ridgeEstimator.params({ alpha: 2 });
  assert.equal(ridgeEstimator.params(resolved), resolved, 'no re-validation, same frozen object');
  const X = matrixFromRows([[1], [2], [4]]);
  const y = Float64Array.of(1, 2, 3);
  assert.deepEqual(
    ridgeEstimator.fit(X, y, resolved, createRng(0)),
    ridgeEstimator.fit(X, y, { alpha: 2 }, createRng(0)),
  );
  // A look-alike plain object is validated normally.
  assert.throws(() => ridgeEstimator.fit(X, y, { alpha: -2 }, createRng(0)));
});
