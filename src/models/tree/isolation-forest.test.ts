import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixFromRows } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator, syntheticData } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { averagePathLength, isolationForest } from './isolation-forest.ts';

checkEstimator(isolationForest, {
  task: 'anomaly',
  params: { nEstimators: 20 },
  badParams: [
    { params: { nEstimators: 0 }, field: 'nEstimators' },
    { params: { contamination: 0.7 }, field: 'contamination' },
    { params: { maxSamples: 1.5 }, field: 'maxSamples' },
  ],
  skip: { 'single-class': 'anomaly detector: predict() returns 0/1 outlier flags, not labels' },
});

test('c(n) matches the closed form of Liu et al.', () => {
  assert.equal(averagePathLength(1), 0);
  assert.equal(averagePathLength(2), 1);
  // 2 H(255) - 2 * 255 / 256 with H(i) ≈ ln(i) + γ.
  expectClose(averagePathLength(256), 2 * (Math.log(255) + 0.5772156649015329) - (2 * 255) / 256, {
    rtol: 1e-15,
  });
});

test('a far outlier scores higher than inliers; contamination sets the flag rate', () => {
  const { X } = syntheticData(300, 3, 'anomaly', 1);
  X.data[0] = 40;
  X.data[1] = -40;
  const state = isolationForest.fit(X, null, { nEstimators: 100 }, createRng(0));
  const scores = isolationForest.score!(state, X);
  let maxOther = 0;
  for (let i = 1; i < scores.length; i++) maxOther = Math.max(maxOther, scores[i]);
  assert.ok(scores[0] > maxOther, `outlier ${scores[0]} vs ${maxOther}`);
  assert.ok(scores[0] > 0.5 && scores[0] <= 1);
  assert.equal(isolationForest.predict(state, matrixFromRows([[40, -40, 0]]))[0], 1);
  const flagged = isolationForest.fit(X, null, { nEstimators: 50, contamination: 0.1 }, createRng(0));
  const flags = isolationForest.predict(flagged, X);
  let count = 0;
  for (const f of flags) count += f;
  assert.ok(Math.abs(count - 30) <= 1, `${count} of 300 flagged at contamination 0.1`);
});

test('maxSamples bounds the tree size and depth', () => {
  const { X } = syntheticData(500, 2, 'anomaly', 2);
  const state = isolationForest.fit(X, null, { nEstimators: 5, maxSamples: 16 }, createRng(0));
  assert.equal(state.sampleSize, 16);
  for (let t = 0; t < 5; t++) assert.ok(state.trees.roots[t + 1] - state.trees.roots[t] <= 31);
  for (const v of state.trees.value) assert.ok(v <= 4 + averagePathLength(16));
});
