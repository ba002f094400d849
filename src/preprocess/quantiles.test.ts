import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import {
  finiteScratch,
  medianSelect,
  medianSorted,
  modeSorted,
  quantileSelect,
  quantileSorted,
  selectKth,
  sortedFinite,
} from './quantiles.ts';

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
