import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { type BundleMeta, readMeta, writeMeta } from './meta.ts';
import { MAX_PARAM_DEPTH, readParamValue, writeParamValue } from './param-value.ts';
import { makeMeta } from './testing-fakes.ts';

const corrupt = (e: unknown) => isAimassError(e, 'CODEC_CORRUPT');

function roundTrip(meta: BundleMeta): BundleMeta {
  const writer = new BinaryWriter();
  writeMeta(writer, meta);
  const reader = new BinaryReader(writer.finish());
  const decoded = readMeta(reader);
  reader.end();
  return decoded;
}

/** Meta bytes with one field replaced: the decoder must check it even though the encoder never writes it. */
function metaBytes(edit: {
  rows?: number;
  created?: number;
  range?: [number, number];
  rangeFlag?: number;
}): Uint8Array {
  const writer = new BinaryWriter();
  writer.string('fleet');
  writer.string('key');
  writer.u32(1);
  writer.u32(1);
  writer.f64(edit.rows ?? 10);
  writer.f64(edit.created ?? 0);
  writer.u8(edit.rangeFlag ?? (edit.range ? 1 : 0));
  if (edit.range) {
    writer.f64(edit.range[0]);
    writer.f64(edit.range[1]);
  }
  writer.nullableString(null);
  writer.u32(0);
  writeParamValue(writer, {});
  return writer.finish();
}

test('meta: round trip, including defaults-like empty values', () => {
  const meta = makeMeta({ params: {}, metrics: {}, dataRange: null, fallbackReason: '' });
  assert.deepEqual(roundTrip(meta), meta);
  assert.deepEqual(roundTrip(makeMeta()), makeMeta());
  const reader = new BinaryReader(metaBytes({}));
  assert.equal(readMeta(reader).trainingRows, 10);
});

test('meta: the decoder enforces the encoder rules', () => {
  for (const edit of [
    { rows: 2.5 },
    { rows: -1 },
    { rows: 2 ** 60 },
    { created: Number.NaN },
    { created: Number.POSITIVE_INFINITY },
    { range: [5, 4] as [number, number] },
    { range: [Number.NaN, 4] as [number, number] },
    { rangeFlag: 2 },
  ]) {
    assert.throws(() => readMeta(new BinaryReader(metaBytes(edit))), corrupt, JSON.stringify(edit));
  }
});

test('meta: duplicate metric names are corrupt', () => {
  const writer = new BinaryWriter();
  writer.string('f');
  writer.string('k');
  writer.u32(1);
  writer.u32(1);
  writer.f64(1);
  writer.f64(1);
  writer.u8(0);
  writer.nullableString('why');
  writer.u32(2);
  writer.string('rmse');
  writer.f64(1);
  writer.string('rmse');
  writer.f64(2);
  writeParamValue(writer, {});
  assert.throws(() => readMeta(new BinaryReader(writer.finish())), corrupt);
});

test('params: depth limit on both sides, unknown tags, duplicates and hostile counts', () => {
  let deep: unknown = 1;
  for (let i = 0; i <= MAX_PARAM_DEPTH; i++) deep = [deep];
  assert.throws(
    () => writeParamValue(new BinaryWriter(), deep),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
  );
  const deepBytes = new BinaryWriter();
  for (let i = 0; i < MAX_PARAM_DEPTH + 2; i++) {
    deepBytes.u8(5);
    deepBytes.u32(1);
  }
  deepBytes.u8(0);
  assert.throws(() => readParamValue(new BinaryReader(deepBytes.finish())), corrupt);

  assert.throws(() => readParamValue(new BinaryReader(Uint8Array.of(7))), corrupt);
  const duplicate = new BinaryWriter();
  duplicate.u8(6);
  duplicate.u32(2);
  duplicate.string('a');
  duplicate.u8(0);
  duplicate.string('a');
  duplicate.u8(1);
  assert.throws(() => readParamValue(new BinaryReader(duplicate.finish())), corrupt);
  const huge = new BinaryWriter();
  huge.u8(5);
  huge.u32(0xffffffff);
  assert.throws(() => readParamValue(new BinaryReader(huge.finish())), corrupt);
  // Bigints, functions, symbols, typed arrays and undefined array items are not JSON-safe.
  for (const bad of [
    { bad: 1n },
    { bad: () => 1 },
    { bad: Symbol('s') },
    { bad: new Float64Array(2) },
    [undefined],
  ]) {
    assert.throws(
      () => writeParamValue(new BinaryWriter(), bad, 'params'),
      (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
    );
  }
});
