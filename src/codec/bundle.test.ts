import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter, type WeightsQuantization } from '../core/binary.ts';
import { AimassError, isAimassError } from '../core/errors.ts';
import { decodeBundle, decodeBundleWith, encodeBundle, stateSection } from './bundle.ts';
import { crc32c } from './crc32c.ts';
import { parseLayout } from './layout.ts';
import { decoderFromRegistry } from './registry.ts';
import {
  type FakePipelineState,
  type FakeRidgeState,
  fakePipeline,
  fakeRidge,
  makeFakePipeline,
  makeFakeRidge,
  makeMeta,
} from './testing-fakes.ts';

const pipelineState = makeFakePipeline();
const ridgeState = makeFakeRidge();

function encodeFake(quantize?: WeightsQuantization, withPipeline = true): Uint8Array {
  return encodeBundle(
    {
      model: stateSection(fakeRidge, ridgeState),
      pipeline: withPipeline ? stateSection(fakePipeline, pipelineState) : null,
      meta: makeMeta(),
    },
    quantize === undefined ? {} : { quantize },
  );
}

const decoders = {
  decodeModel: decoderFromRegistry<FakeRidgeState>([fakeRidge]),
  decodePipeline: decoderFromRegistry<FakePipelineState>([fakePipeline], 'pipeline'),
};

const isCode = (code: 'CODEC_CORRUPT' | 'CODEC_UNSUPPORTED' | 'PARAM_INVALID') => (e: unknown) =>
  isAimassError(e, code);

/** Rewrites the checksum so a deliberate edit reaches the checks behind it. */
function reseal(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(
    bytes.length - 4,
    crc32c(bytes, 0, bytes.length - 4),
    true,
  );
  return bytes;
}

test('bundle: exact round trip of pipeline, model and meta', () => {
  const bytes = encodeFake();
  const decoded = decodeBundleWith(bytes, decoders);
  assert.equal(decoded.formatVersion, 1);
  assert.equal(decoded.quantize, 'none');
  assert.equal(decoded.byteLength, bytes.length);
  assert.deepEqual(decoded.model, { name: 'ridge', stateVersion: 1, state: ridgeState });
  assert.deepEqual(decoded.pipeline, { name: 'pipeline', stateVersion: 1, state: pipelineState });
  assert.deepEqual(decoded.meta, makeMeta());
  assert.ok(Object.isFrozen(decoded.meta) && Object.isFrozen(decoded.meta.params));
  // Deterministic: the same input gives the same bytes.
  assert.deepEqual(encodeFake(), bytes);
});

test('bundle: header fields, 8-byte alignment and raw section bytes', () => {
  const bytes = encodeFake();
  assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0x41, 0x49, 0x4d, 0x42]);
  const layout = parseLayout(bytes, true);
  assert.deepEqual(
    layout.sections.map((s) => s.kind),
    ['pipeline', 'model', 'meta'],
  );
  for (const section of layout.sections) assert.equal(section.offset % 8, 0, `${section.kind} is 8-aligned`);
  assert.equal(layout.checksum.ok, true);
  const raw = decodeBundle(bytes);
  const writer = new BinaryWriter();
  fakeRidge.encode(ridgeState, writer);
  assert.deepEqual(raw.model.bytes, writer.finish());
  assert.equal(raw.pipeline?.name, 'pipeline');
  // Section bytes are copies: changing them leaves the blob alone.
  raw.model.bytes.fill(0);
  assert.deepEqual(decodeBundle(bytes).model.bytes, writer.finish());
  // A blob at an odd offset of a larger buffer decodes the same (DataView and copies, no typed views).
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assert.deepEqual(decodeBundleWith(shifted.subarray(3), decoders).model.state, ridgeState);
});

test('bundle: no pipeline, pre-encoded bytes, and empty states', () => {
  const noPipeline = decodeBundleWith(encodeFake(undefined, false), decoders);
  assert.equal(noPipeline.pipeline, null);
  assert.deepEqual(noPipeline.model.state, ridgeState);
  const bytes = encodeBundle({
    model: { name: 'constant-model', stateVersion: 7, bytes: new Uint8Array(0) },
    pipeline: { name: 'identity', stateVersion: 0, bytes: Uint8Array.of(1, 2, 3) },
    meta: makeMeta({ key: '', fleet: '', fallbackReason: 'too few rows (3 < 20)', dataRange: null }),
  });
  const decoded = decodeBundle(bytes);
  assert.deepEqual(decoded.model, { name: 'constant-model', stateVersion: 7, bytes: new Uint8Array(0) });
  assert.deepEqual(decoded.pipeline, { name: 'identity', stateVersion: 0, bytes: Uint8Array.of(1, 2, 3) });
  assert.equal(decoded.meta.fallbackReason, 'too few rows (3 < 20)');
  assert.equal(decoded.meta.dataRange, null);
});

test('bundle: meta keeps unusual values exactly', () => {
  const meta = makeMeta({
    key: 'gerät/ü-7 🚀',
    params: {
      layers: [32, 16],
      nested: { a: null, b: 'x', c: [true, false, -0, Number.NaN] },
      ['__proto__']: { polluted: true },
      skipped: undefined,
    } as never,
    metrics: { r2: Number.NaN, mae: 0, constructor: -1e-300 },
    version: 0xffffffff,
    trainingRows: Number.MAX_SAFE_INTEGER,
  });
  const decoded = decodeBundle(
    encodeBundle({ model: stateSection(fakeRidge, ridgeState), pipeline: null, meta }),
  ).meta;
  assert.equal(decoded.key, 'gerät/ü-7 🚀');
  assert.deepEqual(decoded.params.layers, [32, 16]);
  const nested = decoded.params.nested as { c: unknown[] };
  assert.ok(Object.is(nested.c[2], -0) && Number.isNaN(nested.c[3]));
  assert.ok(!('skipped' in decoded.params), 'undefined fields are dropped, as JSON does');
  // "__proto__" came back as an own field, and no prototype was touched.
  assert.deepEqual(Object.getOwnPropertyDescriptor(decoded.params, '__proto__')?.value, { polluted: true });
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  assert.equal(Object.getPrototypeOf(decoded.params), Object.prototype);
  assert.ok(Number.isNaN(decoded.metrics.r2));
  assert.equal(decoded.metrics.constructor, -1e-300);
  assert.equal(decoded.version, 0xffffffff);
  assert.equal(decoded.trainingRows, Number.MAX_SAFE_INTEGER);
});

test('bundle: quantize modes shrink the states, keep their error bounds and are recorded', () => {
  const sizes: Record<string, number> = {};
  for (const mode of ['none', 'f32', 'f16', 'i8'] as const) {
    const bytes = encodeFake(mode);
    sizes[mode] = bytes.length;
    const decoded = decodeBundleWith(bytes, decoders);
    assert.equal(decoded.quantize, mode);
    const bound = { none: 0, f32: 2 ** -24, f16: 2 ** -11, i8: Number.NaN }[mode];
    const check = (actual: Float64Array, expected: Float64Array) => {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const value of expected) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      for (let i = 0; i < expected.length; i++) {
        const allowed =
          mode === 'i8' ? (max - min) / 252 / 2 + 1e-12 * Math.abs(max) : bound * Math.abs(expected[i]);
        assert.ok(Math.abs(actual[i] - expected[i]) <= allowed, `${mode}: ${actual[i]} vs ${expected[i]}`);
      }
    };
    check(decoded.model.state.coefficients, ridgeState.coefficients);
    check(decoded.pipeline!.state.means, pipelineState.means);
    check(decoded.pipeline!.state.scales, pipelineState.scales);
    assert.equal(decoded.model.state.intercept, ridgeState.intercept, 'plain f64 fields stay exact');
  }
  assert.ok(sizes.f32 < sizes.none && sizes.f16 < sizes.f32 && sizes.i8 < sizes.f32, JSON.stringify(sizes));
});

test('bundle: encode rejects bad input with PARAM_INVALID naming the field', () => {
  const model = stateSection(fakeRidge, ridgeState);
  const cases: [string, () => unknown][] = [
    [
      'model.name',
      () => encodeBundle({ model: { ...model, name: 'bad name!' }, pipeline: null, meta: makeMeta() }),
    ],
    ['model.name', () => encodeBundle({ model: { ...model, name: '' }, pipeline: null, meta: makeMeta() })],
    [
      'model.stateVersion',
      () => encodeBundle({ model: { ...model, stateVersion: 1.5 }, pipeline: null, meta: makeMeta() }),
    ],
    [
      'pipeline.bytes',
      () =>
        encodeBundle(
          { model, pipeline: { name: 'p', stateVersion: 1, bytes: new Uint8Array(2) }, meta: makeMeta() },
          { quantize: 'f16' },
        ),
    ],
    [
      'quantize',
      () => encodeBundle({ model, pipeline: null, meta: makeMeta() }, { quantize: 'f8' as never }),
    ],
    ['meta.version', () => encodeBundle({ model, pipeline: null, meta: makeMeta({ version: -1 }) })],
    [
      'meta.trainingRows',
      () => encodeBundle({ model, pipeline: null, meta: makeMeta({ trainingRows: 2.5 }) }),
    ],
    [
      'meta.createdAtMs',
      () => encodeBundle({ model, pipeline: null, meta: makeMeta({ createdAtMs: Number.NaN }) }),
    ],
    [
      'meta.dataRange',
      () =>
        encodeBundle({
          model,
          pipeline: null,
          meta: makeMeta({ dataRange: { minTimeMs: 2, maxTimeMs: 1 } }),
        }),
    ],
    [
      'meta.params.when',
      () =>
        encodeBundle({ model, pipeline: null, meta: makeMeta({ params: { when: new Date() as never } }) }),
    ],
    ['meta.params', () => encodeBundle({ model, pipeline: null, meta: makeMeta({ params: [] as never }) })],
  ];
  for (const [field, run] of cases) {
    assert.throws(run, (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === field, field);
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(
    () => encodeBundle({ model, pipeline: null, meta: makeMeta({ params: cyclic as never }) }),
    isCode('PARAM_INVALID'),
  );
});

test('bundle: unknown format version, flags, algorithm or state version are CODEC_UNSUPPORTED', () => {
  const bytes = encodeFake();
  const newer = bytes.slice();
  newer[4] = 2; // format version 2, checksum not even consulted
  assert.throws(() => decodeBundle(newer), isCode('CODEC_UNSUPPORTED'));
  const flagged = bytes.slice();
  flagged[6] |= 0x04;
  assert.throws(() => decodeBundle(reseal(flagged)), isCode('CODEC_UNSUPPORTED'));
  const zero = bytes.slice();
  zero[4] = 0;
  assert.throws(() => decodeBundle(zero), isCode('CODEC_CORRUPT'));

  const unknownModel = { ...decoders, decodeModel: decoderFromRegistry<FakeRidgeState>([]) };
  assert.throws(
    () => decodeBundleWith(bytes, unknownModel),
    (e: unknown) => isAimassError(e, 'CODEC_UNSUPPORTED') && /"ridge"/.test((e as Error).message),
  );
  const ridgeV2 = { ...fakeRidge, stateVersion: 2 };
  assert.throws(
    () => decodeBundleWith(bytes, { ...decoders, decodeModel: decoderFromRegistry([ridgeV2]) }),
    isCode('CODEC_UNSUPPORTED'),
  );
  // A registry is a Map: names that exist on every object's prototype are still unknown.
  const proto = encodeBundle({
    model: { name: 'constructor', stateVersion: 1, bytes: new Uint8Array(0) },
    pipeline: null,
    meta: makeMeta(),
  });
  assert.throws(() => decodeBundleWith(proto, decoders), isCode('CODEC_UNSUPPORTED'));
});

test('bundle: decoder failures become CODEC_CORRUPT; AimassErrors pass through', () => {
  const bytes = encodeFake();
  const throwing = (error: unknown) => ({
    ...decoders,
    decodeModel: () => {
      throw error;
    },
  });
  const typeError = new TypeError('cannot read properties of undefined');
  assert.throws(
    () => decodeBundleWith(bytes, throwing(typeError)),
    (e: unknown) =>
      isAimassError(e, 'CODEC_CORRUPT') &&
      e.cause === typeError &&
      e.context.section === 'model' &&
      e.context.algorithm === 'ridge',
  );
  assert.throws(() => decodeBundleWith(bytes, throwing('a string')), isCode('CODEC_CORRUPT'));
  assert.throws(
    () => decodeBundleWith(bytes, throwing(new RangeError('Invalid array length'))),
    isCode('CODEC_CORRUPT'),
  );
  const own = new AimassError('CODEC_UNSUPPORTED', 'ridge v1 with solver X is no longer supported');
  assert.throws(
    () => decodeBundleWith(bytes, throwing(own)),
    (e: unknown) => e === own,
  );
  // A decoder that leaves bytes unread is a mismatch between writer and reader: corrupt.
  const lazy = {
    ...decoders,
    decodePipeline: (_n: string, _v: number, reader: BinaryReader) => reader.strings(),
  };
  assert.throws(() => decodeBundleWith(bytes, lazy), isCode('CODEC_CORRUPT'));
});

test('bundle: structural edits with a valid checksum are still caught', () => {
  const bytes = encodeFake();
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset);
  const headerLength = view(bytes).getUint16(14, true);
  // The table follows the fixed 16 bytes and the names "ridge" and "pipeline" with their versions.
  const entry = 16 + (1 + 5 + 4) + (1 + 8 + 4);
  assert.equal(bytes[entry], 1);
  assert.equal(view(bytes).getUint32(entry + 4, true), headerLength);
  const edits: [string, (b: Uint8Array) => void][] = [
    ['count 4', (b) => view(b).setUint16(12, 4, true)],
    ['header length 8', (b) => view(b).setUint16(14, 8, true)],
    ['header length +8', (b) => view(b).setUint16(14, headerLength + 8, true)],
    ['model name length 200', (b) => (b[16] = 200)],
    ['model name byte', (b) => (b[17] = 0x20)],
    [
      'kinds swapped',
      (b) => {
        b[entry] = 2;
        b[entry + 12] = 1;
      },
    ],
    ['kind repeated', (b) => (b[entry + 12] = 1)],
    ['kind unknown', (b) => (b[entry + 24] = 9)],
    ['reserved byte', (b) => (b[entry + 1] = 1)],
    ['offset +8', (b) => view(b).setUint32(entry + 4, headerLength + 8, true)],
    ['offset huge', (b) => view(b).setUint32(entry + 16, 0xfffffff8, true)],
    ['length huge', (b) => view(b).setUint32(entry + 8, 0xffffffff, true)],
    ['length +1', (b) => view(b).setUint32(entry + 8, view(b).getUint32(entry + 8, true) + 1, true)],
    ['length -8', (b) => view(b).setUint32(entry + 20, view(b).getUint32(entry + 20, true) - 8, true)],
    ['padding byte', (b) => (b[headerLength - 1] = 7)],
  ];
  for (const [what, edit] of edits) {
    const edited = bytes.slice();
    edit(edited);
    assert.throws(() => decodeBundleWith(reseal(edited), decoders), isCode('CODEC_CORRUPT'), what);
  }
});

// Format v1 frozen: blobs already stored must keep decoding, and the encoder must keep writing
// these exact bytes. Changing either means a new format version, not an edit of this string.
const GOLDEN_V1 =
  '41494d4201000000ec000000030050000572696467650100000008706970656c696e650300000001000000500000000300000002000000' +
  '580000001400000003000000700000007700000000000000000102030000000000010300000000003800c0007e000000000000f43f0000' +
  '00000100000066010000006b02000000010000000000000000003e40000000a2941a6d420100000000000000000000000070999441ffff' +
  'ffff0100000004000000726d7365000000000000e03f060200000005000000616c70686103000000000000f03f04000000746167730503' +
  '000000040100000061000200bb15672f';

test('bundle: the v1 golden blob decodes, and the encoder reproduces it byte for byte', () => {
  const golden = Uint8Array.from(Buffer.from(GOLDEN_V1, 'hex'));
  const decoded = decodeBundle(golden);
  assert.deepEqual(decoded.pipeline, { name: 'pipeline', stateVersion: 3, bytes: Uint8Array.of(1, 2, 3) });
  const reader = new BinaryReader(decoded.model.bytes);
  assert.deepEqual(Array.from(reader.weights()), [0.5, -2, Number.NaN]);
  assert.equal(reader.f64(), 1.25);
  reader.end();
  const meta = {
    fleet: 'f',
    key: 'k',
    version: 2,
    specVersion: 1,
    params: { alpha: 1, tags: ['a', null, true] },
    metrics: { rmse: 0.5 },
    trainingRows: 30,
    dataRange: { minTimeMs: 0, maxTimeMs: 86400000 },
    createdAtMs: 1e12,
    fallbackReason: null,
  };
  assert.deepEqual(decoded.meta, meta);
  const writer = new BinaryWriter(16, { quantize: 'f16' });
  writer.weights(Float64Array.of(0.5, -2, Number.NaN));
  writer.f64(1.25);
  const bytes = encodeBundle({
    model: { name: 'ridge', stateVersion: 1, bytes: writer.finish() },
    pipeline: { name: 'pipeline', stateVersion: 3, bytes: Uint8Array.of(1, 2, 3) },
    meta,
  });
  assert.equal(Buffer.from(bytes).toString('hex'), GOLDEN_V1);
});

test('bundle: the codec has no way to run code (no eval, Function, dynamic import, require, JSON.parse)', () => {
  const folder = new URL('.', import.meta.url);
  const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  assert.ok(sources.includes('bundle.ts') && sources.includes('layout.ts'));
  for (const name of [...sources.map((s) => new URL(s, folder)), new URL('../core/binary.ts', folder)]) {
    const text = readFileSync(name, 'utf8');
    assert.doesNotMatch(
      text,
      /\beval\s*\(|\bFunction\s*\(|\bimport\s*\(|\brequire\s*\(|JSON\.parse/,
      String(name),
    );
  }
});
