import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finiteMoments, isConstantVariance, safeScale } from './moments.ts';

const nan = Number.NaN;
const inf = Number.POSITIVE_INFINITY;

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
