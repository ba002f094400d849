import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { checkEstimator } from '../testing/check-estimator.ts';
import { majorityBaseline, meanBaseline } from './baseline.ts';

checkEstimator(meanBaseline, {
  task: 'regression',
  badParams: [],
  skip: { 'nan-policy': 'predictions never read X; NaN is accepted and ±Infinity rejected, checked below' },
});
checkEstimator(majorityBaseline, {
  task: 'classification',
  badParams: [],
  skip: { 'nan-policy': 'predictions never read X; checked below' },
});

test('baselines: mean and majority from first principles; NaN in X accepted, Infinity rejected', () => {
  const X = { data: Float64Array.of(Number.NaN, 1, 2, 3), rows: 4, cols: 1 };
  const mean = meanBaseline.fit(X, Float64Array.of(1, 2, 3, 10), {}, createRng(1));
  assert.deepEqual(Array.from(meanBaseline.predict(mean, X)), [4, 4, 4, 4]);
  const majority = majorityBaseline.fit(X, Float64Array.of(7, 3, 7, 7), {}, createRng(1));
  assert.deepEqual(Array.from(majorityBaseline.predict(majority, X)), [7, 7, 7, 7]);
  assert.deepEqual(Array.from(majorityBaseline.predictProba!(majority, X).data.subarray(0, 2)), [0.25, 0.75]);
  assert.throws(() =>
    meanBaseline.fit(
      { data: Float64Array.of(Number.POSITIVE_INFINITY), rows: 1, cols: 1 },
      Float64Array.of(1),
      {},
      createRng(1),
    ),
  );
});
