import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { WeightsQuantization } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { type DecodeBundleOptions, decodeBundleWith, encodeBundle, stateSection } from './bundle.ts';
import { crc32c } from './crc32c.ts';
import { type BundleLayout, parseLayout } from './layout.ts';
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

const decoders = {
  decodeModel: decoderFromRegistry<FakeRidgeState>([fakeRidge]),
  decodePipeline: decoderFromRegistry<FakePipelineState>([fakePipeline], 'pipeline'),
};

function validBlob(quantize: WeightsQuantization, withPipeline: boolean): Uint8Array {
  return encodeBundle(
    {
      model: stateSection(fakeRidge, makeFakeRidge()),
      pipeline: withPipeline ? stateSection(fakePipeline, makeFakePipeline()) : null,
      meta: makeMeta({
        params: { alpha: 0.5, solver: 'cholesky', layers: [8, 4] },
        fallbackReason: 'few rows',
      }),
    },
    { quantize },
  );
}

const VALID = [
  validBlob('none', true),
  validBlob('f16', true),
  validBlob('i8', true),
  validBlob('f32', false),
  validBlob('none', false),
];

function reseal(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 4)
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(
      bytes.length - 4,
      crc32c(bytes, 0, bytes.length - 4),
      true,
    );
  return bytes;
}

type Outcome = 'corrupt' | 'unsupported' | 'decoded';

/** Decodes and, on success, uses the states the way a predictor would: it must not throw either. */
function attempt(bytes: Uint8Array, options: DecodeBundleOptions = {}): Outcome {
  try {
    const { model, pipeline, meta } = decodeBundleWith(bytes, decoders, options);
    const { coefficients, intercept } = model.state;
    let prediction = intercept;
    for (let i = 0; i < coefficients.length; i++) {
      const raw = pipeline === null ? 1 : (pipeline.state.medians[i] ?? 0);
      const scaled =
        pipeline === null ? raw : (raw - (pipeline.state.means[i] ?? 0)) / (pipeline.state.scales[i] ?? 1);
      prediction += coefficients[i] * scaled;
    }
    assert.equal(typeof prediction, 'number');
    assert.ok(Object.isFrozen(meta) && typeof meta.key === 'string');
    return 'decoded';
  } catch (error) {
    if (isAimassError(error, 'CODEC_CORRUPT')) return 'corrupt';
    if (isAimassError(error, 'CODEC_UNSUPPORTED')) return 'unsupported';
    throw new Error(`untyped failure: ${String(error)}`, { cause: error });
  }
}

function sectionRange(layout: BundleLayout, kind: string): [number, number] {
  const section = layout.sections.find((s) => s.kind === kind)!;
  return [section.offset, section.offset + section.length];
}

/** One random damage of a valid blob (what storage, transport or an attacker might do). */
function mutate(original: Uint8Array, rng: Rng): Uint8Array {
  const layout = parseLayout(original, true);
  const bytes = original.slice();
  const view = new DataView(bytes.buffer);
  // The table follows the fixed header and the two (length-prefixed name, u32 version) pairs.
  const tableAt = 16 + (1 + layout.model.name.length + 4) + (1 + (layout.pipeline?.name.length ?? 0) + 4);
  assert.equal(original[tableAt], layout.sections[0].kind === 'pipeline' ? 1 : 2, 'table located');
  const entries = layout.sections.length;
  switch (rng.int(10)) {
    case 0: {
      const flips = 1 + rng.int(8);
      for (let f = 0; f < flips; f++) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      return bytes;
    }
    case 1:
      return bytes.subarray(0, rng.int(bytes.length));
    case 2: {
      const extended = new Uint8Array(bytes.length + 1 + rng.int(32));
      extended.set(bytes);
      for (let i = bytes.length; i < extended.length; i++) extended[i] = rng.int(256);
      return extended;
    }
    case 3: {
      // A length or offset in the table, or a header field, set to a huge or random value.
      const field = rng.int(entries * 2 + 2);
      const value = [0xffffffff, 0x80000000, 0xfffffff8, rng.int(0x10000) * 8, rng.int(4096)][rng.int(5)];
      if (field === 0) view.setUint32(8, value, true);
      else if (field === 1) view.setUint16(12 + 2 * rng.int(2), value & 0xffff, true);
      else view.setUint32(tableAt + 12 * ((field - 2) >> 1) + 4 + 4 * (field & 1), value, true);
      return bytes;
    }
    case 4: {
      // Two table entries swapped.
      const a = rng.int(entries);
      const b = (a + 1 + rng.int(entries - 1)) % entries;
      const first = bytes.slice(tableAt + 12 * a, tableAt + 12 * a + 12);
      bytes.copyWithin(tableAt + 12 * a, tableAt + 12 * b, tableAt + 12 * b + 12);
      bytes.set(first, tableAt + 12 * b);
      return bytes;
    }
    case 5: {
      // The contents of the model and meta sections exchanged (table untouched).
      const [modelStart, modelEnd] = sectionRange(layout, 'model');
      const [metaStart, metaEnd] = sectionRange(layout, 'meta');
      const model = original.slice(modelStart, modelEnd);
      const meta = original.slice(metaStart, metaEnd);
      const swapped = new Uint8Array(original.length);
      swapped.set(original.subarray(0, modelStart));
      swapped.set(meta, modelStart);
      swapped.set(model, metaStart + (meta.length - model.length));
      return swapped;
    }
    case 6: {
      // A byte inserted or deleted in the middle.
      const at = rng.int(bytes.length);
      if (rng.next() < 0.5) {
        const out = new Uint8Array(bytes.length + 1);
        out.set(bytes.subarray(0, at));
        out[at] = rng.int(256);
        out.set(bytes.subarray(at), at + 1);
        return out;
      }
      const out = new Uint8Array(bytes.length - 1);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + 1), at);
      return out;
    }
    case 7: {
      const at = rng.int(bytes.length);
      bytes.fill(rng.next() < 0.5 ? 0 : 0xff, at, at + 1 + rng.int(16));
      return bytes;
    }
    case 8: {
      // Random bytes over one section's contents.
      const [start, end] = sectionRange(layout, layout.sections[rng.int(entries)].kind);
      for (let i = start; i < end; i++) if (rng.next() < 0.2) bytes[i] = rng.int(256);
      return bytes;
    }
    default:
      bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
  }
}

function differs(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}

test('fuzz: every valid blob decodes', () => {
  for (const blob of VALID) assert.equal(attempt(blob), 'decoded');
});

test('fuzz: 3000 random blobs fail with a typed codec error', (t: TestContext) => {
  const rng = createRng(1);
  const counts = { corrupt: 0, unsupported: 0, decoded: 0 };
  for (let trial = 0; trial < 3000; trial++) {
    const bytes = new Uint8Array(rng.int(400));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    // Most trials get a plausible prefix, length and checksum so they reach the deeper checks.
    if (trial % 4 !== 0 && bytes.length >= 20) {
      bytes.set([0x41, 0x49, 0x4d, 0x42, 1, 0, rng.int(4), 0]);
      new DataView(bytes.buffer).setUint32(8, bytes.length, true);
      if (rng.next() < 0.5) new DataView(bytes.buffer).setUint16(12, 2 + rng.int(2), true);
      reseal(bytes);
    }
    counts[attempt(bytes)]++;
  }
  t.diagnostic(`random blobs: ${JSON.stringify(counts)}`);
  assert.equal(counts.decoded, 0);
  assert.equal(counts.corrupt + counts.unsupported, 3000, 'every random blob rejected with a typed error');
});

test('fuzz: 4000 damaged valid blobs are all rejected while the checksum is on', (t: TestContext) => {
  const rng = createRng(2);
  const counts = { corrupt: 0, unsupported: 0, decoded: 0, unchanged: 0 };
  for (let trial = 0; trial < 4000; trial++) {
    const original = VALID[trial % VALID.length];
    const damaged = mutate(original, rng);
    if (!differs(damaged, original)) {
      counts.unchanged++;
      continue;
    }
    const outcome = attempt(damaged);
    counts[outcome]++;
    if (outcome === 'decoded') assert.fail(`trial ${trial}: damaged blob decoded`);
  }
  t.diagnostic(`damaged blobs, checksum on: ${JSON.stringify(counts)}`);
  assert.equal(counts.decoded, 0);
  assert.equal(counts.corrupt + counts.unsupported + counts.unchanged, 4000);
  // A mutation that leaves the blob unchanged is rare (e.g. a byte overwritten with itself).
  assert.ok(counts.unchanged < 100, `${counts.unchanged} mutations changed nothing: the fuzzer is weak`);
  assert.ok(counts.corrupt > 3000, `only ${counts.corrupt} of 4000 reported CODEC_CORRUPT`);
});

test('fuzz: with the checksum off, damage is caught by structure or decodes harmlessly', (t: TestContext) => {
  const rng = createRng(3);
  const counts = { corrupt: 0, unsupported: 0, decoded: 0 };
  for (let trial = 0; trial < 4000; trial++) {
    const damaged = mutate(VALID[trial % VALID.length], rng);
    counts[attempt(damaged, { verifyChecksum: false })]++;
  }
  t.diagnostic(`damaged blobs, checksum off: ${JSON.stringify(counts)}`);
  assert.equal(counts.corrupt + counts.unsupported + counts.decoded, 4000);
  // Structure must catch most damage; what decodes is data damage inside a section (harmless here).
  assert.ok(counts.corrupt + counts.unsupported > 3000, `structure caught only ${JSON.stringify(counts)}`);
  assert.ok(counts.decoded > 0, 'some in-section damage should decode when the checksum is off');
});

test('fuzz: exhaustive single-byte damage without checksum, region by region', () => {
  const original = VALID[0];
  const layout = parseLayout(original, true);
  const headerLength = new DataView(original.buffer).getUint16(14, true);
  const checksumAt = original.length - 4;
  const inSection = (i: number) => layout.sections.some((s) => i >= s.offset && i < s.offset + s.length);
  for (let i = 0; i < original.length; i++) {
    for (const xor of [0x01, 0x04, 0x80, 0xff]) {
      const damaged = original.slice();
      damaged[i] ^= xor;
      const outcome = attempt(damaged, { verifyChecksum: false });
      const where = `byte ${i} ^ 0x${xor.toString(16)}`;
      if (i === 6 && xor === 0x01) {
        // The quantize bits only label the blob (the arrays carry their own tags): harmless.
        assert.equal(outcome, 'decoded', where);
      } else if (i >= checksumAt) {
        assert.equal(outcome, 'decoded', `${where}: the checksum itself is not verified here`);
      } else if (i < headerLength || !inSection(i)) {
        // Frame, names, versions, table and every padding byte: the structure alone rejects it.
        assert.notEqual(outcome, 'decoded', where);
      }
      // Inside a section, data damage may decode to other numbers: that is what the checksum is for.
    }
  }
  assert.equal(attempt(original, { verifyChecksum: false }), 'decoded');
});
