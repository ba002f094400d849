import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { BinaryWriter } from '../core/binary.ts';
import { decodeBundle, encodeBundle, stateSection } from './bundle.ts';
import { fakePipeline, fakeRidge, makeFakePipeline, makeFakeRidge, makeMeta } from './testing-fakes.ts';

// 8 features: the pipeline holds 8 column names and 8 medians, means and scales as float64; the
// ridge-like model 8 coefficients and an intercept. The real ridge + pipeline test belongs to the lead.
test('size: an 8-feature ridge bundle with pipeline and full metadata is well under 1 KB', (t: TestContext) => {
  const pipelineWriter = new BinaryWriter();
  const pipeline = makeFakePipeline(8);
  pipelineWriter.strings(pipeline.columns);
  pipelineWriter.f64Array(pipeline.medians);
  pipelineWriter.f64Array(pipeline.means);
  pipelineWriter.f64Array(pipeline.scales);
  const modelWriter = new BinaryWriter();
  const ridge = makeFakeRidge(8);
  modelWriter.f64Array(ridge.coefficients);
  modelWriter.f64(ridge.intercept);
  const pipelineBytes = pipelineWriter.finish();
  const modelBytes = modelWriter.finish();
  const meta = makeMeta({
    params: { alpha: 1, fitIntercept: true, solver: 'cholesky' },
    metrics: { rmse: 0.8125, mae: 0.61, r2: 0.91 },
  });
  const bytes = encodeBundle({
    model: { name: 'ridge', stateVersion: 1, bytes: modelBytes },
    pipeline: { name: 'pipeline', stateVersion: 1, bytes: pipelineBytes },
    meta,
  });
  const decoded = decodeBundle(bytes);
  assert.deepEqual(decoded.pipeline?.bytes, pipelineBytes);
  assert.deepEqual(decoded.model.bytes, modelBytes);
  const metaBytes = bytes.length - pipelineBytes.length - modelBytes.length;
  t.diagnostic(
    `exact bundle: ${bytes.length} bytes (pipeline ${pipelineBytes.length}, model ${modelBytes.length}, header + meta + padding + checksum ${metaBytes})`,
  );
  assert.ok(bytes.length < 768, `${bytes.length} bytes`);

  // The same states through weights(): what quantization buys on a bundle this small.
  for (const quantize of ['none', 'f32', 'f16', 'i8'] as const) {
    const quantized = encodeBundle(
      { model: stateSection(fakeRidge, ridge), pipeline: stateSection(fakePipeline, pipeline), meta },
      { quantize },
    );
    t.diagnostic(`weights() bundle, quantize ${quantize}: ${quantized.length} bytes`);
    assert.ok(quantized.length < 768);
  }
});
