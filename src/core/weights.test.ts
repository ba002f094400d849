import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AFFINE8_LEVELS } from './affine8.ts';
import {
  BinaryReader,
  BinaryWriter,
  WEIGHTS_AFFINE8,
  WEIGHTS_F16,
  WEIGHTS_F32,
  WEIGHTS_F64,
  type WeightsQuantization,
} from './binary.ts';
import { isAimassError } from './errors.ts';
import { createRng } from './rng.ts';

function encode(values: Float64Array, quantize?: WeightsQuantization): Uint8Array {
  const writer = new BinaryWriter(16, quantize === undefined ? undefined : { quantize });
  writer.weights(values);
  return writer.finish();
}

function decode(bytes: Uint8Array): Float64Array {
  const reader = new BinaryReader(bytes);
  const values = reader.weights();
  reader.end();
  return values;
}

function randomWeights(seed: number, n: number, scale: number): Float64Array {
  const rng = createRng(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = rng.normal() * scale;
  return values;
}

const SPECIAL = Float64Array.of(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1.5,
  Number.NEGATIVE_INFINITY,
  0.25,
  3,
);

test('weights: the default is tag 0, bit-exact and byte-identical to f64Array', () => {
  const values = Float64Array.of(0.1, -0, Number.NaN, Number.MIN_VALUE, -Number.MAX_VALUE, Math.PI);
  const bytes = encode(values);
  assert.equal(bytes[0], WEIGHTS_F64);
  const plain = new BinaryWriter();
  plain.u8(0);
  plain.f64Array(values);
  assert.deepEqual(bytes, plain.finish());
  assert.deepEqual(encode(values, 'none'), bytes);
  const decoded = decode(bytes);
  assert.deepEqual(new Uint8Array(decoded.buffer), new Uint8Array(values.buffer));
  assert.equal(new BinaryWriter().quantize, 'none');
});

test('weights f16: relative error ≤ 2^-11, special values kept, about 4x smaller', () => {
  for (const scale of [1e-3, 1, 300]) {
    const values = randomWeights(7, 500, scale);
    const bytes = encode(values, 'f16');
    assert.equal(bytes[0], WEIGHTS_F16);
    assert.ok(bytes.length < encode(values).length / 3.5, `${bytes.length} bytes`);
    const decoded = decode(bytes);
    for (let i = 0; i < values.length; i++) {
      const bound = Math.max(Math.abs(values[i]) * 2 ** -11, 2 ** -25);
      assert.ok(Math.abs(decoded[i] - values[i]) <= bound, `${values[i]} → ${decoded[i]}`);
    }
    // Re-encoding decoded halves is lossless, so decode → encode gives the same bytes.
    assert.deepEqual(encode(decoded, 'f16'), bytes);
  }
  const decoded = decode(encode(Float64Array.of(...SPECIAL, -0), 'f16'));
  assert.deepEqual(Array.from(decoded), [...SPECIAL, -0]);
  assert.ok(Object.is(decoded[6], -0));
});

test('weights f16: values beyond the half range fall back to float32, then float64', () => {
  const big = Float64Array.of(1, 70000.123, -2);
  const bytes = encode(big, 'f16');
  assert.equal(bytes[0], WEIGHTS_F32);
  assert.deepEqual(Array.from(decode(bytes)), Array.from(big, Math.fround));
  const huge = Float64Array.of(1, 1e300);
  const exact = encode(huge, 'f16');
  assert.equal(exact[0], WEIGHTS_F64);
  assert.deepEqual(decode(exact), huge);
  // Infinities alone are representable as halves: no fallback.
  assert.equal(encode(Float64Array.of(Number.POSITIVE_INFINITY, 1), 'f16')[0], WEIGHTS_F16);
});

test('weights f32: relative error ≤ 2^-24, float64 fallback past the float32 range', () => {
  const values = randomWeights(8, 200, 1e5);
  const bytes = encode(values, 'f32');
  assert.equal(bytes[0], WEIGHTS_F32);
  const decoded = decode(bytes);
  for (let i = 0; i < values.length; i++)
    assert.ok(Math.abs(decoded[i] - values[i]) <= Math.abs(values[i]) * 2 ** -24);
  assert.deepEqual(Array.from(decode(encode(SPECIAL, 'f32'))), Array.from(SPECIAL));
  assert.equal(encode(Float64Array.of(-1e39), 'f32')[0], WEIGHTS_F64);
});

test('weights i8: absolute error ≤ step / 2 with step = range / 252', () => {
  for (const [seed, scale, shift] of [
    [1, 1, 0],
    [2, 1e-6, 5],
    [3, 1e4, -1e5],
  ]) {
    const values = randomWeights(seed, 1000, scale);
    for (let i = 0; i < values.length; i++) values[i] += shift;
    const bytes = encode(values, 'i8');
    assert.equal(bytes[0], WEIGHTS_AFFINE8);
    assert.ok(bytes.length < values.length + 32, `${bytes.length} bytes`);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const value of values) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    const step = (max - min) / (AFFINE8_LEVELS - 1);
    // The decoder's min + code * step adds at most a few ulps of the largest magnitude.
    const rounding = 4 * Number.EPSILON * Math.max(Math.abs(min), Math.abs(max));
    const decoded = decode(bytes);
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(decoded[i] - values[i]));
    assert.ok(worst <= step / 2 + rounding, `worst ${worst} vs step/2 ${step / 2}`);
    assert.ok(worst > step / 8, 'the grid really is 8-bit (the bound is not vacuous)');
  }
});

test('weights i8: NaN and ±Infinity have reserved codes; constant, tiny and too-wide arrays', () => {
  const special = decode(encode(SPECIAL, 'i8'));
  assert.ok(Number.isNaN(special[0]));
  assert.equal(special[1], Number.POSITIVE_INFINITY);
  assert.equal(special[3], Number.NEGATIVE_INFINITY);
  const step = (3 - -1.5) / 252; // the grid spans the finite values only
  for (const i of [2, 4, 5]) assert.ok(Math.abs(special[i] - SPECIAL[i]) <= step / 2 + 1e-15);
  const constant = Float64Array.of(2.5, 2.5, Number.NaN, 2.5);
  assert.deepEqual(Array.from(decode(encode(constant, 'i8'))), Array.from(constant));
  const nonFinite = Float64Array.of(Number.NaN, Number.NEGATIVE_INFINITY, Number.NaN);
  assert.deepEqual(Array.from(decode(encode(nonFinite, 'i8'))), Array.from(nonFinite));
  const pair = Float64Array.of(0.1, -0.7);
  assert.equal(encode(pair, 'i8')[0], WEIGHTS_F64, '≤ 2 values stay exact (not larger)');
  assert.deepEqual(decode(encode(pair, 'i8')), pair);
  const wide = Float64Array.of(-1.7e308, 0, 1.7e308);
  assert.equal(encode(wide, 'i8')[0], WEIGHTS_F64, 'a range that overflows keeps float64');
  assert.deepEqual(decode(encode(wide, 'i8')), wide);
  assert.deepEqual(decode(encode(new Float64Array(0), 'i8')), new Float64Array(0));
});

test('weights: an unknown quantize mode is PARAM_INVALID naming the field', () => {
  assert.throws(
    () => new BinaryWriter(8, { quantize: 'f8' as WeightsQuantization }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'quantize',
  );
});

test('weights: hostile encodings fail with CODEC_CORRUPT only', () => {
  const grid = (min: number, step: number) => {
    const writer = new BinaryWriter();
    writer.u8(WEIGHTS_AFFINE8);
    writer.f64(min);
    writer.f64(step);
    writer.u8Array(Uint8Array.of(0, 1, 252));
    return writer.finish();
  };
  for (const [min, step] of [
    [Number.NaN, 1],
    [0, -1],
    [0, Number.NaN],
    [Number.POSITIVE_INFINITY, 0],
    [1e308, 1e307],
  ]) {
    assert.throws(
      () => decode(grid(min, step)),
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
    );
  }
  assert.throws(
    () => decode(Uint8Array.of(9, 0, 0, 0, 0)),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const rng = createRng(2024);
  const valid = [
    encode(randomWeights(1, 9, 1), 'f16'),
    encode(randomWeights(2, 9, 1), 'i8'),
    encode(randomWeights(3, 9, 1), 'f32'),
    encode(randomWeights(4, 9, 1)),
  ];
  for (let trial = 0; trial < 4000; trial++) {
    let bytes: Uint8Array;
    if (trial % 2 === 0) {
      bytes = valid[trial % valid.length].slice();
      const flips = 1 + rng.int(4);
      for (let f = 0; f < flips; f++) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      if (rng.next() < 0.3) bytes = bytes.subarray(0, rng.int(bytes.length));
    } else {
      bytes = new Uint8Array(rng.int(48));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      if (bytes.length > 0) bytes[0] = rng.int(5);
    }
    try {
      decode(bytes);
    } catch (error) {
      if (!isAimassError(error, 'CODEC_CORRUPT')) assert.fail(`trial ${trial}: ${String(error)}`);
    }
  }
});
