import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { expectClose } from '../testing/expect-close.ts';
import {
  correlationRatio,
  discreteMutualInformation,
  finiteMoments,
  finiteScratch,
  isConstantVariance,
  medianSelect,
  medianSorted,
  modeSorted,
  pearson,
  quantileBinCodes,
  quantileSelect,
  quantileSorted,
  safeScale,
  selectKth,
  sortedFinite,
} from './stats.ts';

const nan = Number.NaN;
const inf = Number.POSITIVE_INFINITY;

test('sortedFinite drops NaN and ±Infinity and sorts numerically', () => {
  const input = Float64Array.from([10, nan, -2, inf, 1, -inf, 9]);
  assert.deepEqual([...sortedFinite(input)], [-2, 1, 9, 10]);
  assert.deepEqual([...input], [10, nan, -2, inf, 1, -inf, 9], 'input unchanged');
  assert.equal(sortedFinite(new Float64Array(5000).fill(1)).length, 5000, 'scratch grows');
  assert.equal(sortedFinite(Float64Array.from([nan])).length, 0);
});

test('quantileSorted is numpy linear interpolation at (n-1)q', () => {
  const s = Float64Array.from([1, 2, 3, 4]);
  assert.equal(quantileSorted(s, 0.25), 1.75); // position 0.75
  assert.equal(quantileSorted(s, 0.5), 2.5);
  assert.equal(quantileSorted(s, 0.75), 3.25);
  assert.equal(quantileSorted(s, 0), 1);
  assert.equal(quantileSorted(s, 1), 4);
  assert.equal(quantileSorted(Float64Array.from([7]), 0.3), 7);
  assert.ok(Number.isNaN(quantileSorted(new Float64Array(0), 0.5)));
  // Position 3.6 between 10 and 20: 20 - 10 * 0.4 (numpy's lerp from the upper side for t >= 0.5).
  assert.equal(quantileSorted(Float64Array.from([0, 0, 0, 10, 20]), 0.9), 16);
});

test('selection gives the same bits as sorting (quantileSelect, medianSelect, selectKth)', () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(trial < 190 ? 60 : 3000);
    const values = new Float64Array(n);
    const ties = trial % 3 === 0;
    for (let i = 0; i < n; i++)
      values[i] = ties ? rng.int(4) : trial % 7 === 0 ? (i * 37) % n : rng.normal() * 100;
    if (trial % 11 === 0) values.reverse();
    const sorted = Float64Array.from(values).sort();
    const work = Float64Array.from(values);
    assert.equal(medianSelect(work), medianSorted(sorted), `median, trial ${trial}`);
    for (const q of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, rng.next()])
      assert.equal(quantileSelect(work, q), quantileSorted(sorted, q), `q ${q}, trial ${trial}`);
    const k = rng.int(n);
    assert.equal(selectKth(work, k), sorted[k]);
    for (let i = 0; i < n; i++)
      assert.ok(i < k ? work[i] <= work[k] : work[i] >= work[k], `partitioned at ${k}`);
    assert.deepEqual(Float64Array.from(work).sort(), sorted, 'selection only reorders');
  }
  assert.ok(Number.isNaN(quantileSelect(new Float64Array(0), 0.5)));
  assert.ok(Number.isNaN(medianSelect(new Float64Array(0))));
  assert.deepEqual(
    [...finiteScratch(Float64Array.from([3, nan, -inf, 1]))],
    [3, 1],
    'finiteScratch keeps order',
  );
});

test('medianSorted and modeSorted', () => {
  assert.equal(medianSorted(Float64Array.from([1, 3, 8])), 3);
  assert.equal(medianSorted(Float64Array.from([1, 3, 8, 10])), 5.5);
  assert.ok(Number.isNaN(medianSorted(new Float64Array(0))));
  assert.equal(modeSorted(Float64Array.from([1, 2, 2, 4, 9, 9])), 2, 'ties go to the smallest');
  assert.equal(modeSorted(Float64Array.from([1, 4, 9, 9, 9])), 9);
  assert.equal(modeSorted(Float64Array.from([5])), 5);
  assert.ok(Number.isNaN(modeSorted(new Float64Array(0))));
});

test('finiteMoments: count, mean, population variance over finite values', () => {
  const out = new Float64Array(3);
  finiteMoments(Float64Array.from([2, 4, nan, 4, 4, inf, 5, 5, 7, 9]), out);
  assert.deepEqual([...out], [8, 5, 4]);
  finiteMoments(Float64Array.from([nan, -inf]), out);
  assert.equal(out[0], 0);
  assert.ok(Number.isNaN(out[1]) && Number.isNaN(out[2]));
});

test('near-constant guards: isConstantVariance and safeScale', () => {
  const values = new Float64Array(80).fill(0.1);
  const out = new Float64Array(3);
  finiteMoments(values, out);
  assert.ok(isConstantVariance(out[2], out[1], out[0]), `variance ${out[2]} of a constant column`);
  assert.ok(!isConstantVariance(1e-20, 0, 10), 'a real (tiny) spread around 0 is kept');
  assert.equal(safeScale(0), 1);
  assert.equal(safeScale(1e-17), 1);
  assert.equal(safeScale(Number.NaN), 1);
  assert.equal(safeScale(2.5), 2.5);
});

test('pearson: closed form, skips non-finite pairs, 0 for constant or too few rows', () => {
  const x = Float64Array.from([1, 2, 3, 4, nan, 100]);
  const y = Float64Array.from([2, 4, 6, 8, 1, inf]);
  assert.equal(pearson(x, y), 1);
  // Means 2 and 2: sxy = 1, sxx = syy = 2.
  assert.equal(pearson(Float64Array.from([1, 2, 3]), Float64Array.from([1, 3, 2])), 0.5);
  assert.equal(pearson(x, new Float64Array(6).fill(3)), 0);
  assert.equal(pearson(Float64Array.from([1]), Float64Array.from([2])), 0);
});

test('correlationRatio equals |point-biserial r| for two levels and is 1 for perfect separation', () => {
  const rng = createRng(4);
  const x = new Float64Array(50);
  const codes = new Int32Array(50);
  const asNumber = new Float64Array(50);
  for (let i = 0; i < 50; i++) {
    codes[i] = rng.next() < 0.4 ? 1 : 0;
    asNumber[i] = codes[i];
    x[i] = codes[i] * 1.5 + rng.normal();
  }
  expectClose(correlationRatio(x, codes, 2), Math.abs(pearson(x, asNumber)), { rtol: 1e-12 });
  const levels = Int32Array.from([0, 0, 1, 1, 2, 2, -1]);
  assert.equal(correlationRatio(Float64Array.from([1, 1, 5, 5, 9, 9, 100]), levels, 3), 1);
  assert.equal(correlationRatio(Float64Array.from([1, 2, 1, 2, 1, 2, 0]), levels, 3), 0);
});

test('quantileBinCodes: equal-frequency bins by midrank, ties share a bin, non-finite is -1', () => {
  const codes = new Int32Array(9);
  // Finite values 1..8 in 4 bins: midranks 0.5..7.5, code floor(4 · midrank / 8).
  assert.equal(quantileBinCodes(Float64Array.from([8, 1, 2, 3, 4, 5, 6, 7, nan]), 4, codes), 4);
  assert.deepEqual([...codes], [3, 0, 0, 1, 1, 2, 2, 3, -1]);
  const tied = new Int32Array(6);
  quantileBinCodes(Float64Array.from([0, 0, 0, 0, 0, 1]), 4, tied);
  assert.deepEqual([...tied], [1, 1, 1, 1, 1, 3], 'a rare value at the top keeps its own bin');
  quantileBinCodes(Float64Array.from([0, 1, 1, 1, 1, inf]), 4, tied);
  assert.deepEqual([...tied], [0, 2, 2, 2, 2, -1], 'a rare value at the bottom keeps its own bin');
});

test('discreteMutualInformation: ln 2 for a copy of a fair bit, 0 for independence', () => {
  const a = Int32Array.from([0, 0, 1, 1]);
  expectClose(discreteMutualInformation(a, 2, a, 2), Math.LN2, { rtol: 1e-15 });
  assert.equal(discreteMutualInformation(a, 2, Int32Array.from([0, 1, 0, 1]), 2), 0);
  assert.equal(discreteMutualInformation(Int32Array.from([0, -1]), 2, Int32Array.from([1, 1]), 2), 0);
});
