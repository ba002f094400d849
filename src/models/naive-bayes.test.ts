import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixFromRows } from '../core/matrix.ts';
import { createRng } from '../core/rng.ts';
import { checkEstimator } from '../testing/check-estimator.ts';
import { expectClose } from '../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { gaussianNbEstimator } from './naive-bayes.ts';

checkEstimator(gaussianNbEstimator, {
  badParams: [
    { params: { varSmoothing: 0 }, field: 'varSmoothing' },
    { params: { varSmoothing: null }, field: 'varSmoothing' },
  ],
  task: 'classification',
});

test('gaussian-nb matches sklearn GaussianNB (gaussian-naive-bayes.json)', () => {
  const fixture = loadFixture('gaussian-naive-bayes');
  const X = fixtureMatrix(fixture.inputs.X_train);
  const y = fixtureVector(fixture.inputs.y_train);
  const Xtest = fixtureMatrix(fixture.inputs.X_test);
  const state = gaussianNbEstimator.fit(X, y, { varSmoothing: 1e-9 }, createRng(0));
  const e = fixture.expected;
  const tol = (key: string) => toleranceFor(fixture, key);
  assert.deepEqual(Array.from(state.classes), e.classes_);
  expectClose(state.theta, e.theta_ as number[][], tol('theta_'), 'theta_');
  expectClose(state.variance, e.var_ as number[][], tol('var_'), 'var_');
  expectClose(state.epsilon, e.epsilon_ as number, tol('epsilon_'), 'epsilon_');
  expectClose(state.priors, e.class_prior_ as number[], tol('class_prior_'), 'class_prior_');
  expectClose(
    gaussianNbEstimator.predictProba!(state, Xtest).data,
    e.predict_proba_test as number[][],
    tol('predict_proba_test'),
    'predict_proba_test',
  );
  assert.deepEqual(Array.from(gaussianNbEstimator.predict(state, Xtest)), e.predict_test);
});

test('all-constant features fall back to epsilon = varSmoothing', () => {
  const X = matrixFromRows([[2], [2], [2]]);
  const state = gaussianNbEstimator.fit(X, Float64Array.of(0, 1, 1), {}, createRng(0));
  assert.equal(state.epsilon, 1e-9);
  expectClose(gaussianNbEstimator.predictProba!(state, X).data, [1 / 3, 2 / 3, 1 / 3, 2 / 3, 1 / 3, 2 / 3], {
    rtol: 1e-12,
  });
});
