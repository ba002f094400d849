import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { categoryColumn, createFrame, numberColumn, timeColumn } from '../data/frame.ts';
import {
  DEFAULT_SPLIT_FRACTIONS,
  randomSplit,
  resolveSplitFractions,
  type SplitIndices,
  splitFrame,
  stratifiedSplit,
  timeSplit,
} from './split.ts';

/** Sets are disjoint and within range; returns their union size. */
function assertPartition(split: SplitIndices, n: number): number {
  const seen = new Uint8Array(n);
  for (const set of [split.train, split.validation, split.test])
    for (const i of set) {
      assert.ok(i >= 0 && i < n, `index ${i} in range`);
      assert.equal(seen[i], 0, `index ${i} in one set only`);
      seen[i] = 1;
    }
  return seen.reduce((a, b) => a + b, 0);
}

test('split: fractions validated, naming the field', () => {
  assert.deepEqual(resolveSplitFractions(undefined), DEFAULT_SPLIT_FRACTIONS);
  assert.deepEqual(
    { ...resolveSplitFractions({ train: 0.8, test: 0.2 }) },
    { train: 0.8, validation: 0, test: 0.2 },
  );
  const cases: [unknown, string][] = [
    [{ train: -0.1 }, 'fractions.train'],
    [{ validation: 1.5 }, 'fractions.validation'],
    [{ test: '0.2' }, 'fractions.test'],
    [{ train: Number.NaN }, 'fractions.train'],
    [{ train: 0.6, validation: 0.3, test: 0.2 }, 'fractions'],
    [{ training: 0.5 }, 'fractions.training'],
    [[0.5], 'fractions'],
    [null, 'fractions'],
  ];
  for (const [given, field] of cases)
    assert.throws(
      () => randomSplit(10, given, createRng(1)),
      (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === field,
      JSON.stringify(given),
    );
  // 0.7 + 0.2 + 0.1 is 1.0000000000000002 in floating point: accepted.
  assert.equal(
    assertPartition(randomSplit(10, { train: 0.7, validation: 0.2, test: 0.1 }, createRng(1)), 10),
    10,
  );
});

test('split: random sizes, seeded determinism, sorted sets, remainder left out', () => {
  const a = randomSplit(1000, { train: 0.6, validation: 0.25, test: 0.15 }, createRng(7));
  assert.deepEqual([a.train.length, a.validation.length, a.test.length], [600, 250, 150]);
  assert.equal(assertPartition(a, 1000), 1000);
  assert.deepEqual(a, randomSplit(1000, { train: 0.6, validation: 0.25, test: 0.15 }, createRng(7)));
  assert.notDeepEqual(
    a.train,
    randomSplit(1000, { train: 0.6, validation: 0.25, test: 0.15 }, createRng(8)).train,
  );
  assert.ok(a.train.every((v, i) => i === 0 || a.train[i - 1] < v));
  // Not simply the first 600 rows.
  assert.ok(a.train[599] > 700);
  const sub = randomSplit(10, { train: 0.5, test: 0.2 }, createRng(1));
  assert.deepEqual([sub.train.length, sub.validation.length, sub.test.length], [5, 0, 2]);
  assert.equal(assertPartition(randomSplit(0, undefined, createRng(1)), 0), 0);
  const one = randomSplit(1, undefined, createRng(1));
  assert.deepEqual([one.train.length, one.validation.length, one.test.length], [1, 0, 0]);
});

test('split: stratified keeps class proportions in every set', () => {
  // 600 of class 0, 300 of class 1, 100 of class 2, shuffled in.
  const rng = createRng(3);
  const labels = new Float64Array(1000);
  for (let i = 0; i < 1000; i++) labels[i] = i < 600 ? 0 : i < 900 ? 1 : 2;
  for (let i = 999; i > 0; i--) {
    const j = rng.int(i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  const f = { train: 0.7, validation: 0.2, test: 0.1 };
  const split = stratifiedSplit(labels, f, createRng(5));
  assert.equal(assertPartition(split, 1000), 1000);
  const count = (set: Int32Array, k: number) => set.reduce((n, i) => n + (labels[i] === k ? 1 : 0), 0);
  assert.deepEqual(
    [0, 1, 2].map((k) => count(split.train, k)),
    [420, 210, 70],
  );
  assert.deepEqual(
    [0, 1, 2].map((k) => count(split.validation, k)),
    [120, 60, 20],
  );
  assert.deepEqual(
    [0, 1, 2].map((k) => count(split.test, k)),
    [60, 30, 10],
  );
  assert.deepEqual(split, stratifiedSplit(labels, f, createRng(5)));
  // Missing labels (NaN) form their own stratum.
  const withMissing = Float64Array.from([0, 0, Number.NaN, Number.NaN, 1, 1, Number.NaN, Number.NaN]);
  const s = stratifiedSplit(withMissing, { train: 0.5, test: 0.5 }, createRng(1));
  assert.equal(
    s.train.reduce((n, i) => n + (Number.isNaN(withMissing[i]) ? 1 : 0), 0),
    2,
  );
});

test('split: time-ordered by the time column, else by row order', () => {
  const times = Float64Array.from([50, 10, Number.NaN, 30, 20, 40, 0, 60, 70, 80]);
  const split = timeSplit(10, { train: 0.6, validation: 0.2, test: 0.2 }, times);
  assert.deepEqual(Array.from(split.train), [6, 1, 4, 3, 5, 0]);
  assert.deepEqual(Array.from(split.validation), [7, 8]);
  assert.deepEqual(Array.from(split.test), [9, 2], 'missing times last');
  const byRow = timeSplit(5, { train: 0.6, test: 0.4 });
  assert.deepEqual(
    [Array.from(byRow.train), Array.from(byRow.test)],
    [
      [0, 1, 2],
      [3, 4],
    ],
  );
});

test('split: splitFrame dispatches by method', () => {
  const frame = createFrame([
    timeColumn('t', [3, 2, 1, 0]),
    categoryColumn('label', ['a', 'b', 'a', 'b']),
    numberColumn('x', [1, 2, 3, 4]),
  ]);
  const ctx = { target: 'label', time: 't', rng: createRng(1) };
  assert.deepEqual(
    Array.from(splitFrame(frame, { method: 'time', fractions: { train: 0.5, test: 0.5 } }, ctx).train),
    [3, 2],
  );
  const strat = splitFrame(frame, { method: 'stratified', fractions: { train: 0.5, test: 0.5 } }, ctx);
  assert.deepEqual(Array.from(strat.train, (i) => ['a', 'b', 'a', 'b'][i]).sort(), ['a', 'b']);
  assert.equal(assertPartition(splitFrame(frame, {}, ctx), 4), 4);
  assert.throws(
    () => splitFrame(frame, { method: 'stratified' }, { rng: createRng(1) }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'method',
  );
  assert.throws(
    () => splitFrame(frame, { method: 'kfold' as 'random' }, ctx),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'method',
  );
});
