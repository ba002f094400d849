import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../core/rng.ts';
import { sortPairs } from './sort-pairs.ts';

function check(values: Float64Array, sorter: (keys: Float64Array, items: Int32Array) => void): void {
  const keys = values.slice();
  const items = Int32Array.from(values, (_, i) => i);
  sorter(keys, items);
  const expected = Float64Array.from(values).sort();
  // -0 and 0 are equal keys (either order is sorted), hence === rather than deepEqual.
  for (let k = 0; k < keys.length; k++)
    assert.ok(keys[k] === expected[k], `key ${k}: ${keys[k]} vs ${expected[k]}`);
  for (let k = 0; k < items.length; k++) assert.equal(values[items[k]], keys[k], 'items follow their keys');
  assert.deepEqual(
    Array.from(items).sort((a, b) => a - b),
    Array.from(values, (_, i) => i),
    'items are a permutation',
  );
}

test('sortPairs sorts keys with their items (ties, signs, float32 collisions)', () => {
  const rng = createRng(3);
  for (const n of [0, 1, 2, 17, 63, 64, 65, 400, 1000]) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const kind = i % 5;
      // Normal values, exact ties, negatives and zeros, and neighbours equal in float32.
      values[i] =
        kind === 0
          ? rng.normal()
          : kind === 1
            ? Math.round(rng.normal() * 3)
            : kind === 2
              ? -rng.next() * 1e6
              : kind === 3
                ? i % 2 === 0
                  ? -0
                  : 0
                : 1 + rng.int(5) * 1e-12;
    }
    check(values, (keys, items) => sortPairs(keys, items, 0, keys.length));
  }
});
