import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { encodeBundle, stateSection } from './bundle.ts';
import { describeBundle, formatBundleDescription } from './describe.ts';
import { fakePipeline, fakeRidge, makeFakePipeline, makeFakeRidge, makeMeta } from './testing-fakes.ts';

const bytes = encodeBundle(
  {
    model: stateSection(fakeRidge, makeFakeRidge()),
    pipeline: stateSection(fakePipeline, makeFakePipeline()),
    meta: makeMeta({ fallbackReason: 'too few rows' }),
  },
  { quantize: 'f16' },
);

test('describe: algorithm, versions, section sizes, metadata and checksum', () => {
  const description = describeBundle(bytes);
  assert.equal(description.byteLength, bytes.length);
  assert.equal(description.formatVersion, 1);
  assert.equal(description.quantize, 'f16');
  assert.deepEqual(
    { name: description.model.name, stateVersion: description.model.stateVersion },
    { name: 'ridge', stateVersion: 1 },
  );
  assert.equal(description.pipeline?.name, 'pipeline');
  assert.deepEqual(
    description.sections.map((s) => s.kind),
    ['pipeline', 'model', 'meta'],
  );
  const model = description.sections.find((s) => s.kind === 'model')!;
  assert.equal(description.model.byteLength, model.length);
  assert.equal(description.checksum.ok, true);
  assert.equal(description.checksum.stored, description.checksum.computed);
  assert.deepEqual(description.meta, makeMeta({ fallbackReason: 'too few rows' }));
  const text = formatBundleDescription(description).join('\n');
  assert.match(text, /model +ridge v1/);
  assert.match(text, /checksum +ok/);
  assert.match(text, /quantize f16/);
  assert.match(text, /fallback +too few rows/);
  assert.match(text, /metric +rmse = 0.8125/);
  assert.match(text, /2026-01-01T00:00:00.000Z/);
});

test('describe: a checksum mismatch is reported, a broken frame still throws', () => {
  const damaged = bytes.slice();
  damaged[damaged.length - 1] ^= 0x10;
  const description = describeBundle(damaged);
  assert.equal(description.checksum.ok, false);
  assert.notEqual(description.checksum.stored, description.checksum.computed);
  assert.match(formatBundleDescription(description).join('\n'), /checksum +MISMATCH/);
  const truncated = bytes.subarray(0, bytes.length - 8);
  assert.throws(
    () => describeBundle(truncated),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
});

test('describe: a bundle without a pipeline or time range', () => {
  const plain = encodeBundle({
    model: { name: 'seasonal-naive', stateVersion: 2, bytes: new Uint8Array(5) },
    pipeline: null,
    meta: makeMeta({ dataRange: null }),
  });
  const description = describeBundle(plain);
  assert.equal(description.pipeline, null);
  assert.equal(description.quantize, 'none');
  const text = formatBundleDescription(description).join('\n');
  assert.match(text, /pipeline +none/);
  assert.match(text, /fallback +no \(own model\)/);
  assert.match(text, /model +seasonal-naive v2 \(5 bytes\)/);
});
