import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import type { Matrix } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { checkEstimator } from '../../testing/check-estimator.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { isolationForest } from '../tree/isolation-forest.ts';
import { calibrateThreshold } from './calibrate-threshold.ts';
import { robustDetector } from './robust-detector.ts';
import { robustLocationScale } from './robust-scale.ts';

checkEstimator(robustDetector, {
  task: 'anomaly',
  badParams: [
    { params: { targetFalseAlarmRate: 0 }, field: 'targetFalseAlarmRate' },
    { params: { method: 'pca' }, field: 'method' },
    { params: { margin: 0.5 }, field: 'margin' },
  ],
  skip: { 'single-class': 'anomaly detector: predict() returns 0/1 outlier flags, not labels' },
});

function gaussian(rows: number, cols: number, seed: number, correlated = false): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const common = rng.normal();
    for (let j = 0; j < cols; j++)
      data[i * cols + j] = correlated ? common + 0.1 * rng.normal() : rng.normal();
  }
  return { data, rows, cols };
}

function flaggedShare(flags: Float64Array): number {
  let count = 0;
  for (const f of flags) count += f;
  return count / flags.length;
}

test('median and MAD of known data; MAD = 0 falls back to the mean absolute deviation', () => {
  const out = new Float64Array(2);
  const values = Float64Array.of(1, 2, 3, 4, 100);
  robustLocationScale(values, 5, new Float64Array(5), out);
  // median 3; |x - 3| = 2,1,0,1,97 → MAD 1.
  assert.equal(out[0], 3);
  expectClose(out[1], 1.4826, { rtol: 1e-15 });
  robustLocationScale(Float64Array.of(5, 5, 5, 5, 10), 5, new Float64Array(5), out);
  assert.equal(out[0], 5);
  expectClose(out[1], Math.sqrt(Math.PI / 2) * 1, { rtol: 1e-12 }); // mean |x - 5| = 5 / 5
  robustLocationScale(Float64Array.of(2, 2, 2), 3, new Float64Array(3), out);
  assert.ok(out[1] > 0 && out[1] < 1e-5, `constant column spread ${out[1]}`);
});

test('threshold: the (1 - rate) quantile with enough rows, max × margin with few', () => {
  const scores = new Float64Array(1000);
  for (let i = 0; i < 1000; i++) scores[i] = i; // quantile 0.99 at position 989.01
  const q = calibrateThreshold(scores, 0.01, 2, 0);
  assert.equal(q.rule, 'quantile');
  expectClose(q.threshold, 989.01, { rtol: 1e-12 });
  const few = calibrateThreshold(Float64Array.of(1, 3, 2), 0.001, 1.25, 0);
  assert.deepEqual(few, { threshold: 3.75, rule: 'max-margin' });
  assert.equal(calibrateThreshold(Float64Array.of(1, 2), 0.001, 1.25, 3).threshold, 3);
  // A spike among the held-back rows (beyond Q3 + 6 IQR) does not lift the threshold over itself.
  const spiked = calibrateThreshold(Float64Array.of(1, 1.2, 1.4, 1.1, 1.3, 40), 0.001, 1.25, 0);
  expectClose(spiked.threshold, 1.4 * 1.25, { rtol: 1e-12 });
});

test('10,000 clean Gaussian rows: at most 1% flagged, vs isolation forest contamination auto', () => {
  const X = gaussian(10_000, 4, 7);
  const state = robustDetector.fit(X, null, {}, createRng(1));
  const fresh = gaussian(10_000, 4, 8);
  const share = flaggedShare(robustDetector.predict(state, fresh));
  const forest = isolationForest.fit(X, null, {}, createRng(1));
  const forestShare = flaggedShare(isolationForest.predict(forest, fresh));
  console.log(`flagged on normal rows: robust-detector ${share}, isolation-forest(auto) ${forestShare}`);
  assert.ok(share <= 0.01, `robust detector flagged ${share}`);
  assert.ok(share < forestShare, 'fewer false alarms than the isolation forest default');
});

test('injected spikes are detected; correlated sensors pick the virtual sensor', () => {
  for (const correlated of [false, true]) {
    const X = gaussian(2000, 3, 11, correlated);
    const state = robustDetector.fit(X, null, {}, createRng(2));
    if (correlated) assert.equal(state.method, 1, 'virtual sensor on correlated features');
    const test = gaussian(500, 3, 12, correlated);
    const rng = createRng(3);
    const spikes: number[] = [];
    for (let r = 0; r < 500; r += 10) {
      test.data[r * 3 + rng.int(3)] += (rng.next() < 0.5 ? -1 : 1) * 8;
      spikes.push(r);
    }
    const flags = robustDetector.predict(state, test);
    const caught = spikes.filter((r) => flags[r] === 1).length;
    console.log(`recall on 8-sd spikes (correlated=${correlated}): ${caught}/${spikes.length}`);
    assert.ok(caught / spikes.length >= 0.95, `recall ${caught}/${spikes.length}`);
  }
});

test('same seed, same thresholds; bundle bytes vs isolation forest', () => {
  const X = gaussian(1000, 5, 21, true);
  const a = robustDetector.fit(X, null, {}, createRng(5));
  const b = robustDetector.fit(X, null, {}, createRng(5));
  assert.equal(a.threshold, b.threshold);
  assert.equal(a.method, b.method);
  const writer = new BinaryWriter();
  robustDetector.encode(a, writer);
  const bytes = writer.finish();
  const decoded = robustDetector.decode(new BinaryReader(bytes));
  assert.deepEqual(robustDetector.score!(decoded, X), robustDetector.score!(a, X));
  const forestWriter = new BinaryWriter();
  isolationForest.encode(isolationForest.fit(X, null, {}, createRng(5)), forestWriter);
  const old = new BinaryWriter();
  isolationForest.encode(
    isolationForest.fit(X, null, { nEstimators: 100, maxSamples: 256 }, createRng(5)),
    old,
  );
  console.log(
    `state bytes: robust-detector ${bytes.length}, isolation-forest default ${forestWriter.finish().length}, old default (100 trees, 256) ${old.finish().length}`,
  );
  assert.ok(bytes.length < 1000);
});
