import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { createFrame, numberColumn, numericValues, toMatrix } from '../data/frame.ts';
import { majorityBaseline } from '../models/baseline.ts';
import { ridgeEstimator } from '../models/linear/ridge.ts';
import {
  compilePipeline,
  featureColumns,
  fitTransformPipeline,
  transformPipeline,
} from '../preprocess/pipeline.ts';
import { encodeEntityBundle } from './bundle.ts';
import { loadPredictor } from './load-predictor.ts';

const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];

function entityFrame(rows: number, seed: number) {
  const rng = createRng(seed);
  const columns = FEATURES.map((name) =>
    numberColumn(
      name,
      Float64Array.from({ length: rows }, () => (rng.next() < 0.02 ? Number.NaN : rng.normal() * 5 + 3)),
    ),
  );
  const y = Float64Array.from({ length: rows }, (_, i) =>
    FEATURES.reduce((sum, _name, j) => sum + (j + 1) * (columns[j].values[i] || 0), 0),
  );
  return createFrame([...columns, numberColumn('y', y)]);
}

const meta = {
  fleet: 'f',
  key: 'dev-1',
  version: 0,
  specVersion: 1,
  params: { alpha: 1 },
  metrics: { rmse: 0.5 },
  trainingRows: 400,
  dataRange: null,
  createdAtMs: 0,
  fallbackReason: null,
};

function fitEntity() {
  const train = entityFrame(400, 1);
  const spec = {
    steps: [
      { step: 'impute', params: { strategy: 'median' } },
      { step: 'outliers', params: { mode: 'clip' } },
      { step: 'standardize' },
    ],
  };
  const { state: pipeline, frame } = fitTransformPipeline(compilePipeline(spec), train, {
    target: 'y',
    rng: createRng(1),
  });
  const features = featureColumns(pipeline);
  const state = ridgeEstimator.fit(
    toMatrix(frame, features),
    numericValues(frame, 'y'),
    { alpha: 1 },
    createRng(1),
  );
  return { pipeline, features, state };
}

test('entity bundle: ridge with its 8-feature pipeline encodes well under 1 KB and predicts bit-identically after decoding', () => {
  const { pipeline, features, state } = fitEntity();
  const bytes = encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: FEATURES.map((name) => ({ name, type: 'number' })),
      pipeline,
      model: { kind: 'estimator', estimator: ridgeEstimator, state },
    },
    meta,
  );
  assert.ok(bytes.length < 1024, `bundle is ${bytes.length} bytes`);
  const test = entityFrame(50, 2);
  const direct = ridgeEstimator.predict(state, toMatrix(transformPipeline(pipeline, test), features));
  const predictor = loadPredictor(bytes);
  assert.equal(predictor.task, 'regression');
  assert.equal(predictor.algorithm, 'ridge');
  assert.equal(predictor.meta.key, 'dev-1');
  assert.deepEqual(
    predictor.inputColumns.map((c) => c.name),
    FEATURES,
  );
  assert.deepEqual(predictor.predict(test).values, direct);
  const f16 = encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: FEATURES.map((name) => ({ name, type: 'number' })),
      pipeline,
      model: { kind: 'estimator', estimator: ridgeEstimator, state },
    },
    meta,
    'f16',
  );
  assert.ok(f16.length < bytes.length, `f16 ${f16.length} < ${bytes.length}`);
  const approx = loadPredictor(f16).predict(test).values;
  let worst = 0;
  for (let i = 0; i < approx.length; i++)
    worst = Math.max(worst, Math.abs(approx[i] - direct[i]) / (1 + Math.abs(direct[i])));
  assert.ok(worst < 0.01, `f16 relative error ${worst}`);
});

test('entity bundle: corrupt or truncated bytes fail with a typed codec error', () => {
  const { pipeline, state } = fitEntity();
  const bytes = encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: FEATURES.map((name) => ({ name, type: 'number' })),
      pipeline,
      model: { kind: 'estimator', estimator: ridgeEstimator, state },
    },
    meta,
  );
  const rng = createRng(3);
  for (let trial = 0; trial < 300; trial++) {
    const damaged = bytes.slice(0, trial % 7 === 0 ? rng.int(bytes.length) : bytes.length);
    if (damaged.length === bytes.length) damaged[rng.int(damaged.length)] ^= 1 << rng.int(8);
    assert.throws(
      () => loadPredictor(damaged),
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT') || isAimassError(e, 'CODEC_UNSUPPORTED'),
    );
  }
});

test('labelled classifier bundle: classes are every label; a label the model never saw has probability 0', () => {
  // Trained on codes 0 and 2 only (label "b" absent from the rows the model learned from).
  const X = { data: Float64Array.from([0, 0, 1, 1]), rows: 4, cols: 1 };
  const y = Float64Array.from([0, 0, 2, 2]);
  const state = majorityBaseline.fit(X, y, {}, createRng(1));
  const bytes = encodeEntityBundle(
    {
      task: 'classification',
      inputColumns: [{ name: 'x', type: 'number' }],
      pipeline: null,
      classLabels: ['a', 'b', 'c'],
      model: { kind: 'estimator', estimator: majorityBaseline, state },
    },
    meta,
  );
  const predictor = loadPredictor(bytes);
  assert.deepEqual(predictor.classLabels, ['a', 'b', 'c']);
  const prediction = predictor.predict(createFrame([numberColumn('x', [0, 1])]));
  assert.deepEqual(prediction.classes, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(prediction.values), [0, 0]); // ties: the smallest label code
  assert.deepEqual(Array.from(prediction.proba?.data ?? []), [0.5, 0, 0.5, 0.5, 0, 0.5]);
  // Without labels the classes are the trained label values themselves.
  const plain = encodeEntityBundle(
    {
      task: 'classification',
      inputColumns: [{ name: 'x', type: 'number' }],
      pipeline: null,
      model: { kind: 'estimator', estimator: majorityBaseline, state },
    },
    meta,
  );
  assert.deepEqual(loadPredictor(plain).predict(createFrame([numberColumn('x', [0])])).classes, [0, 2]);
  assert.equal(loadPredictor(plain).classLabels, undefined);
});
