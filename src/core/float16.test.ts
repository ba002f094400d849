import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeFloat16Array,
  encodeFloat16Array,
  FLOAT16_MAX,
  fitsFloat16,
  fromFloat16Bits,
  toFloat16Bits,
} from './float16.ts';
import { createRng } from './rng.ts';

test('float16: known bit patterns (IEEE 754 binary16)', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [1 / 3, 0x3555],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
    [Number.NaN, 0x7e00],
    [1e6, 0x7c00],
    [-1e300, 0xfc00],
    [2 ** -26, 0x0000], // below half of the smallest subnormal: rounds to zero
    [-(2 ** -26), 0x8000],
  ];
  for (const [value, bits] of cases) {
    assert.equal(toFloat16Bits(value), bits, `toFloat16Bits(${value})`);
  }
  assert.ok(Object.is(fromFloat16Bits(0x8000), -0));
  assert.equal(fromFloat16Bits(0x7bff), FLOAT16_MAX);
  assert.equal(fromFloat16Bits(0xfc00), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(fromFloat16Bits(0x7e01)));
  assert.ok(Number.isNaN(fromFloat16Bits(0xfe00)));
});

test('float16: every bit pattern survives decode → encode (NaNs become the canonical NaN)', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const value = fromFloat16Bits(bits);
    const isNaNPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
    if (isNaNPattern) {
      assert.ok(Number.isNaN(value));
      assert.equal(toFloat16Bits(value), 0x7e00);
    } else if (toFloat16Bits(value) !== bits) {
      assert.fail(`bits 0x${bits.toString(16)} → ${value} → 0x${toFloat16Bits(value).toString(16)}`);
    }
  }
});

test('float16: rounds to nearest, ties to even, at every midpoint between neighbours', () => {
  // Neighbours k, k+1 over all positive finite halves, plus the overflow boundary after 0x7bff.
  for (let k = 0; k < 0x7bff; k++) {
    const low = fromFloat16Bits(k);
    const high = fromFloat16Bits(k + 1);
    const middle = (low + high) / 2; // exact in float64
    const nudge = (high - low) * 2 ** -20;
    const even = k % 2 === 0 ? k : k + 1;
    if (toFloat16Bits(middle) !== even) assert.fail(`tie at ${middle} should give 0x${even.toString(16)}`);
    if (toFloat16Bits(middle - nudge) !== k) assert.fail(`just below ${middle}`);
    if (toFloat16Bits(middle + nudge) !== k + 1) assert.fail(`just above ${middle}`);
    if (toFloat16Bits(-(middle + nudge)) !== (0x8000 | (k + 1))) assert.fail(`negative of ${middle}`);
  }
  assert.equal(toFloat16Bits(65519.99), 0x7bff);
  assert.equal(toFloat16Bits(65520), 0x7c00); // the tie goes to the even neighbour: Infinity
});

test('float16: random values stay within 2^-11 relative (2^-25 absolute below 2^-14)', () => {
  const rng = createRng(16);
  const values = new Float64Array(20000);
  for (let i = 0; i < values.length; i++) {
    const magnitude = 2 ** (rng.next() * 46 - 30); // 2^-30 .. 2^16 (clamped below)
    values[i] = (rng.next() < 0.5 ? -1 : 1) * Math.min(magnitude, FLOAT16_MAX);
  }
  assert.ok(fitsFloat16(values));
  const decoded = decodeFloat16Array(encodeFloat16Array(values));
  for (let i = 0; i < values.length; i++) {
    const error = Math.abs(decoded[i] - values[i]);
    const bound = Math.max(Math.abs(values[i]) * 2 ** -11, 2 ** -25);
    if (error > bound) assert.fail(`value ${values[i]} decoded as ${decoded[i]}`);
  }
});

test('float16: fitsFloat16 rejects finite values that would overflow, not infinities', () => {
  assert.equal(fitsFloat16(Float64Array.of(1, Number.POSITIVE_INFINITY, Number.NaN, -65519)), true);
  assert.equal(fitsFloat16(Float64Array.of(1, 65520)), false);
  assert.equal(fitsFloat16(Float64Array.of(-1e10)), false);
});
