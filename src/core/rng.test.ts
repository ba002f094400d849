import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, hashString, permutation } from './rng.ts';

test('rng: same seed, same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(
    sa,
    Array.from({ length: 100 }, () => b.next()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 100 }, () => c.next()),
  );
  assert.ok(sa.every((v) => v >= 0 && v < 1));
});

test('rng: uniform and normal moments are right (first principles)', () => {
  const rng = createRng(1);
  const n = 200_000;
  let sum = 0;
  let sumSq = 0;
  let uniformSum = 0;
  const counts = new Array(10).fill(0);
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    sum += z;
    sumSq += z * z;
    uniformSum += rng.next();
    counts[rng.int(10)]++;
  }
  // Standard errors: mean 1/sqrt(n) ≈ 0.0022; 5 sigma bounds.
  assert.ok(Math.abs(sum / n) < 0.012, `normal mean ${sum / n}`);
  assert.ok(Math.abs(sumSq / n - 1) < 0.016, `normal variance ${sumSq / n}`);
  assert.ok(Math.abs(uniformSum / n - 0.5) < 0.0033, `uniform mean ${uniformSum / n}`);
  for (const count of counts)
    assert.ok(Math.abs(count - n / 10) < 5 * Math.sqrt(n * 0.09), `int(10) bucket ${count}`);
});

test('rng: fork gives independent reproducible streams; string seeds work', () => {
  const parent1 = createRng('device-1');
  const parent2 = createRng('device-1');
  assert.equal(parent1.fork().next(), parent2.fork().next());
  assert.notEqual(createRng('device-1').next(), createRng('device-2').next());
  assert.equal(hashString('abc'), hashString('abc'));
});

test('rng: permutation is a permutation', () => {
  const order = permutation(1000, createRng(5));
  assert.deepEqual(
    Array.from(order).sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});
