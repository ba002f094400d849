import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { createFrame, numberColumn, numericValues, toMatrix } from '../data/frame.ts';
import { encodeEntityBundle } from '../fleet/bundle.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { ridgeEstimator } from '../models/linear/ridge.ts';
import { isolationForest } from '../models/tree/isolation-forest.ts';
import { compilePipeline, featureColumns, fitTransformPipeline } from '../preprocess/pipeline.ts';
import { createApp } from './app.ts';
import { fakeModel, fakeSpec, tempStore } from './testing-fakes.ts';

/** A real bundle (standardize + ridge on two features, y = 3·f1 − 2·f2 + 1), as the engine builds one. */
function ridgeBundle(): Uint8Array {
  const rng = createRng(7);
  const n = 200;
  const f1 = Float64Array.from({ length: n }, () => rng.normal() * 4 + 2);
  const f2 = Float64Array.from({ length: n }, () => rng.normal() - 1);
  const y = Float64Array.from({ length: n }, (_, i) => 3 * f1[i] - 2 * f2[i] + 1);
  const train = createFrame([numberColumn('f1', f1), numberColumn('f2', f2), numberColumn('y', y)]);
  const { state: pipeline, frame } = fitTransformPipeline(
    compilePipeline({ steps: [{ step: 'standardize' }] }),
    train,
    {
      target: 'y',
      rng: createRng(1),
    },
  );
  const state = ridgeEstimator.fit(
    toMatrix(frame, featureColumns(pipeline)),
    numericValues(frame, 'y'),
    { alpha: 1e-6 },
    createRng(1),
  );
  return encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: [
        { name: 'f1', type: 'number' },
        { name: 'f2', type: 'number' },
      ],
      pipeline,
      model: { kind: 'estimator', estimator: ridgeEstimator, state },
    },
    {
      fleet: 'real',
      key: 'dev-1',
      version: 1,
      specVersion: 1,
      params: { alpha: 1e-6 },
      metrics: {},
      trainingRows: n,
      dataRange: null,
      createdAtMs: 0,
      fallbackReason: null,
    },
  );
}

test('serves a real encoded bundle through loadPredictor: same bits as the predictor called directly', async () => {
  const { store, cleanup } = await tempStore();
  const bundle = ridgeBundle();
  await store.createFleet('real');
  await store.putSpec('real', fakeSpec('real'));
  await store.insertModel('real', {
    ...fakeModel('dev-1', { task: 'regression', weight: 0 }),
    bundle,
    algorithm: 'ridge',
  });
  const app = await createApp({ store, loadPredictor });
  try {
    const rows = [
      { f1: 1, f2: 0 },
      { f1: -2.5, f2: 3 },
      { f1: 10, f2: -1, ignored: 'x' },
    ];
    const r = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/real/predict',
      payload: { key: 'dev-1', rows },
    });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.deepEqual(body.model, { key: 'dev-1', version: 1, algorithm: 'ridge', fallback: null });

    // Reference: the same pipeline + model called without HTTP.
    const direct = loadPredictor(bundle);
    const frame = createFrame(
      ['f1', 'f2'].map((name) =>
        numberColumn(
          name,
          rows.map((row) => row[name as 'f1' | 'f2']),
        ),
      ),
    );
    assert.deepEqual(body.predictions, Array.from(direct.predict(frame).values));
    // And from first principles (the fit is exact up to the tiny ridge penalty).
    for (const [i, row] of rows.entries())
      assert.ok(
        Math.abs(body.predictions[i] - (3 * row.f1 - 2 * row.f2 + 1)) < 1e-4,
        String(body.predictions[i]),
      );

    const batch = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/real/predict',
      payload: { items: rows.map((row) => ({ key: 'dev-1', row })) },
    });
    assert.deepEqual(
      batch.json().items.map((item: { prediction: number }) => item.prediction),
      body.predictions,
    );
    const wrong = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/real/predict',
      payload: { key: 'dev-1', rows: [{ f1: 'abc' }] },
    });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().error.message, 'rows[0].f1: expected number, got "abc"');
    assert.ok(app.cache.stats().bytes >= bundle.byteLength);
  } finally {
    await app.close();
    await cleanup();
  }
});

test('/score of a real detector returns its scores and its own 0/1 flags, row by row', async () => {
  const { store, cleanup } = await tempStore();
  const rng = createRng(3);
  const n = 300;
  const f1 = Float64Array.from({ length: n }, () => rng.normal());
  const params = { nEstimators: 50, maxSamples: 'auto' as const, contamination: 0.02 };
  const state = isolationForest.fit(
    { data: f1, rows: n, cols: 1 },
    new Float64Array(n),
    params,
    createRng(1),
  );
  const bundle = encodeEntityBundle(
    {
      task: 'anomaly',
      inputColumns: [{ name: 'f1', type: 'number' }],
      pipeline: null,
      model: { kind: 'estimator', estimator: isolationForest, state },
    },
    {
      fleet: 'det',
      key: 'dev-1',
      version: 1,
      specVersion: 1,
      params,
      metrics: {},
      trainingRows: n,
      dataRange: null,
      createdAtMs: 0,
      fallbackReason: null,
    },
  );
  await store.createFleet('det');
  await store.putSpec('det', fakeSpec('det', 'anomaly'));
  await store.insertModel('det', {
    ...fakeModel('dev-1', { task: 'anomaly', weight: 0 }),
    bundle,
    algorithm: isolationForest.name,
  });
  const app = await createApp({ store, loadPredictor });
  try {
    const rows = [{ f1: 0 }, { f1: 0.3 }, { f1: 40 }, { f1: -25 }];
    const r = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/det/score',
      payload: { key: 'dev-1', rows },
    });
    assert.equal(r.statusCode, 200, r.body);
    const { scores, flags } = r.json();
    const direct = loadPredictor(bundle);
    const frame = createFrame([
      numberColumn(
        'f1',
        rows.map((row) => row.f1),
      ),
    ]);
    assert.deepEqual(scores, Array.from(direct.score!(frame)));
    assert.deepEqual(flags, Array.from(direct.predict(frame).values));
    // Far outside the training data is flagged, the centre is not.
    assert.deepEqual(flags, [0, 0, 1, 1]);
    assert.ok(scores[2] > scores[0] && scores[3] > scores[0], JSON.stringify(scores));
  } finally {
    await app.close();
    await cleanup();
  }
});

test('a corrupt stored bundle is a 500 CODEC_CORRUPT naming the model (no stack), and is retried on the next request', async () => {
  const { store, cleanup } = await tempStore();
  await store.createFleet('real');
  await store.insertModel('real', {
    ...fakeModel('bad', { task: 'regression', weight: 0 }),
    bundle: new Uint8Array([1, 2, 3, 4]),
  });
  const app = await createApp({ store, loadPredictor });
  try {
    for (let i = 0; i < 2; i++) {
      const r = await app.fastify.inject({
        method: 'POST',
        url: '/v1/fleets/real/predict',
        payload: { key: 'bad', rows: [{ f1: 1 }] },
      });
      assert.equal(r.statusCode, 500);
      const { error } = r.json();
      assert.equal(error.code, 'CODEC_CORRUPT');
      assert.match(
        error.message,
        /^fleet "real", key "bad": stored model version 1 cannot be decoded \(.+\); roll back or retrain it$/,
      );
      assert.deepEqual(error.details, { fleet: 'real', key: 'bad', version: 1 });
      assert.doesNotMatch(JSON.stringify(r.json()), /at .*\.ts:\d+/);
    }
    assert.equal(app.metrics.bundleLoadFailures.get(), 2);
  } finally {
    await app.close();
    await cleanup();
  }
});
