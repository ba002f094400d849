// Not under src/ or tests/, so `npm test` does not pick it up: run it with
//   node --import tsx --test bench/lib/bench-lib.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { categoryColumn, createFrame, numberColumn, timeColumn } from '../../src/data/frame.ts';
import { estimators } from '../../src/models/registry.ts';
import { parseBenchArgs } from './args.ts';
import { FEATURES, firstEntities, runDeviceLoop } from './per-device.ts';
import { percentile } from './stats.ts';

test('percentile interpolates linearly between order statistics, as numpy.percentile', () => {
  // numpy.percentile([1, 2, 3, 4], [0, 50, 99, 100]) = [1, 2.5, 3.97, 4]
  const values = [4, 1, 3, 2];
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 50), 2.5);
  assert.ok(Math.abs(percentile(values, 99) - 3.97) < 1e-12);
  assert.equal(percentile(values, 100), 4);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('--threads takes a list; threads is its first value', () => {
  const { names, args } = parseBenchArgs(['train', '--threads', '1,2', '--devices', '200']);
  assert.deepEqual(names, ['train']);
  assert.deepEqual(args.threadList, [1, 2]);
  assert.equal(args.threads, 1);
  assert.equal(args.devices, 200);
  assert.throws(() => parseBenchArgs(['--threads', '1,x']), /positive integer/);
});

/** Two devices of 50 rows; target_reg is exactly linear in the features, target_cls is 1 on 30 of the first 40 rows. */
function tinyFleet() {
  const rows = 100;
  const keys: string[] = [];
  const ts = new Float64Array(rows);
  const features = FEATURES.map(() => new Float64Array(rows));
  const reg = new Float64Array(rows);
  const cls = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const device = i < 50 ? 0 : 1;
    const r = i % 50;
    keys.push(`dev-${device}`);
    ts[i] = r * 3_600_000;
    let y = device === 0 ? 3 : -7;
    features.forEach((column, j) => {
      column[i] = Math.sin(r * (j + 1) * 0.7) + (j === 2 ? r * 0.01 : 0);
      y += (j + 1 - 4.5) * column[i];
    });
    reg[i] = y;
    cls[i] = r % 4 === 0 ? 0 : 1;
  }
  return createFrame([
    categoryColumn('device_id', keys),
    timeColumn('ts', ts),
    ...FEATURES.map((name, j) => numberColumn(name, features[j])),
    numberColumn('target_reg', reg),
    numberColumn('target_cls', cls),
  ]);
}

test('the per-device loop splits 80/20 in time order and scores each device', () => {
  const frame = tinyFleet();
  const ols = estimators.get('ols');
  assert.ok(ols);
  const loop = runDeviceLoop(
    frame,
    { estimator: ols, params: {}, target: 'target_reg', classification: false },
    1,
  );
  assert.equal(loop.devices, 2);
  for (let d = 0; d < 2; d++) {
    assert.ok(loop.metrics.rmse[d] < 1e-8, `device ${d} rmse ${loop.metrics.rmse[d]}`);
    assert.ok(Math.abs(loop.metrics.r2[d] - 1) < 1e-10);
  }
  assert.equal(loop.kept.length, 1);
  assert.equal(loop.kept[0].key, 'dev-0');
  assert.equal(loop.kept[0].trainRows, 40);
  assert.equal(loop.kept[0].test.rowCount, 10);
  assert.deepEqual(loop.kept[0].trainTimeRange, { minTimeMs: 0, maxTimeMs: 39 * 3_600_000 });

  // The majority baseline's accuracy is the share of the train majority class in the test rows.
  const majority = estimators.get('baseline-majority');
  assert.ok(majority);
  const cls = runDeviceLoop(
    frame,
    { estimator: majority, params: {}, target: 'target_cls', classification: true },
    0,
  );
  // Test rows r = 40..49: r % 4 === 0 at 40, 44, 48 → 7 of 10 are class 1 (the train majority).
  assert.deepEqual(Array.from(cls.metrics.accuracy), [0.7, 0.7]);
  assert.deepEqual(Array.from(cls.metrics.majority_accuracy), [0.7, 0.7]);
});

test('firstEntities keeps the first devices of a device-major frame', () => {
  const frame = tinyFleet();
  assert.equal(firstEntities(frame, 'device_id', 1).rowCount, 50);
  assert.equal(firstEntities(frame, 'device_id', 5).rowCount, 100);
});
