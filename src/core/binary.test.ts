import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from './binary.ts';
import { isAimassError } from './errors.ts';
import { createRng } from './rng.ts';

test('binary: every field type round-trips exactly, with alignment', () => {
  const writer = new BinaryWriter(4);
  writer.u8(7);
  writer.f64Array(Float64Array.of(1.5, Number.NaN, -0, Number.POSITIVE_INFINITY));
  writer.string('héllo, 世界');
  writer.nullableString(null);
  writer.i32Array(Int32Array.of(-1, 2, 2147483647));
  writer.u16(65535);
  writer.weights(Float64Array.of(0.25, -3));
  writer.strings(['a', '', 'ccc']);
  writer.bool(true);
  const bytes = writer.finish();
  const reader = new BinaryReader(bytes);
  assert.equal(reader.u8(), 7);
  const floats = reader.f64Array();
  assert.deepEqual(Array.from(floats), [1.5, Number.NaN, -0, Number.POSITIVE_INFINITY]);
  assert.ok(Object.is(floats[2], -0));
  assert.equal(reader.string(), 'héllo, 世界');
  assert.equal(reader.nullableString(), null);
  assert.deepEqual(Array.from(reader.i32Array()), [-1, 2, 2147483647]);
  assert.equal(reader.u16(), 65535);
  assert.deepEqual(Array.from(reader.weights()), [0.25, -3]);
  assert.deepEqual(reader.strings(), ['a', '', 'ccc']);
  assert.equal(reader.bool(), true);
  reader.end();
});

test('binary: truncated, oversized and trailing input fail with CODEC_CORRUPT', () => {
  const writer = new BinaryWriter();
  writer.f64Array(new Float64Array(10));
  const bytes = writer.finish();
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(
      () => new BinaryReader(bytes.subarray(0, cut)).f64Array(),
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
    );
  }
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setUint32(0, 0xfffffff0, true);
  assert.throws(
    () => new BinaryReader(huge).f64Array(),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  assert.throws(
    () => new BinaryReader(huge).strings(),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const trailing = new BinaryReader(Uint8Array.of(1, 2));
  trailing.u8();
  assert.throws(
    () => trailing.end(),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  assert.throws(
    () => new BinaryReader(Uint8Array.of(2)).bool(),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  assert.throws(
    () => new BinaryReader(Uint8Array.of(1, 0, 0, 0, 0xff)).string(),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
});

test('binary: random garbage never escapes as anything but CODEC_CORRUPT', () => {
  const rng = createRng(99);
  for (let trial = 0; trial < 2000; trial++) {
    const bytes = new Uint8Array(rng.int(40));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    const reader = new BinaryReader(bytes);
    try {
      reader.strings();
      reader.f64Array();
      reader.weights();
      reader.i32Array();
    } catch (error) {
      assert.ok(isAimassError(error, 'CODEC_CORRUPT'), String(error));
    }
  }
});
