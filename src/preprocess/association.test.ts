import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { expectClose } from '../testing/expect-close.ts';
import { correlationRatio, discreteMutualInformation, pearson, quantileBinCodes } from './association.ts';

const nan = Number.NaN;
const inf = Number.POSITIVE_INFINITY;

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
