import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Predictor } from '../fleet/predictor.ts';
import type { Store } from '../store/store.ts';
import type { AimassApp } from './app.ts';
import { createApp } from './app.ts';
import { decodeFakeBundle, fakeModel, seededStore } from './testing-fakes.ts';

let store: Store;
let cleanup: () => Promise<void>;
let app: AimassApp;
/** predict() calls per decoded predictor, to check batches run each model once. */
const predictCalls = new Map<Predictor, number>();
let loads = 0;
const internalErrors: { error: unknown; where: string }[] = [];

before(async () => {
  ({ store, cleanup } = await seededStore());
  app = await createApp({
    store,
    loadPredictor(bytes) {
      loads++;
      const inner = decodeFakeBundle(bytes);
      const counted: Predictor = {
        ...inner,
        predict(frame) {
          predictCalls.set(counted, (predictCalls.get(counted) ?? 0) + 1);
          return inner.predict(frame);
        },
      };
      return counted;
    },
    limits: { maxRows: 5, maxItems: 6, maxHorizon: 50 },
    onInternalError: (error, request) =>
      internalErrors.push({ error, where: `${request.method} ${request.url}` }),
  });
});
after(async () => {
  await app.close();
  await cleanup();
});

const post = (url: string, payload: unknown) =>
  app.fastify.inject({ method: 'POST', url, payload: payload as object });

test('predict one entity: values and the model that served', async () => {
  const r = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }, { x: 2.5 }, { x: null }] });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), {
    key: 'd1',
    model: { key: 'd1', version: 1, algorithm: 'fake-regression', fallback: null },
    predictions: [2, 5, null],
  });
});

test('unknown key: answered by the fallback, saying so', async () => {
  const r = await post('/v1/fleets/plant/predict', { key: 'new-device', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().model, {
    key: '__fallback__',
    version: 1,
    algorithm: 'fake-regression',
    fallback: 'unknown_key',
  });
  assert.deepEqual(r.json().predictions, [10]);
});

test('classifier: predictions, labels, probabilities and classes', async () => {
  const r = await post('/v1/fleets/cls/predict', { key: 'k1', rows: [{ x: 0 }, { x: 2 }] });
  assert.equal(r.statusCode, 200);
  const body = r.json();
  assert.deepEqual(body.classes, ['no', 'yes']);
  assert.deepEqual(body.labels, ['no', 'yes']); // p = 0.5 → first class wins the tie
  const p = 1 / (1 + Math.exp(-2));
  assert.deepEqual(body.probabilities, [
    [0.5, 0.5],
    [1 - p, p],
  ]);
  assert.deepEqual(body.predictions, [0, 1]);
});

test('batch: items in order, each model looked up and run once per request', async () => {
  predictCalls.clear();
  const items = [
    { key: 'd1', row: { x: 1 } },
    { key: 'd2', row: { x: 1 } },
    { key: 'unknown-1', row: { x: 1 } },
    { key: 'd1', row: { x: 3 } },
    { key: 'unknown-2', row: { x: 2 } },
    { key: 'd2', row: { x: 2 } },
  ];
  const r = await post('/v1/fleets/plant/predict', { items });
  assert.equal(r.statusCode, 200);
  const out = r.json().items;
  assert.deepEqual(
    out.map((i: { key: string; prediction: number; model: { key: string; fallback: string | null } }) => [
      i.key,
      i.prediction,
      i.model.key,
      i.model.fallback,
    ]),
    [
      ['d1', 2, 'd1', null],
      ['d2', 3, 'd2', null],
      ['unknown-1', 10, '__fallback__', 'unknown_key'],
      ['d1', 6, 'd1', null],
      ['unknown-2', 20, '__fallback__', 'unknown_key'],
      ['d2', 6, 'd2', null],
    ],
  );
  // Three models (d1, d2, fallback), one predict call each.
  assert.deepEqual([...predictCalls.values()], [1, 1, 1]);
});

test('batch classifier items carry label, probabilities and classes', async () => {
  const r = await post('/v1/fleets/cls/predict', { items: [{ key: 'k1', row: { x: 2 } }] });
  const [item] = r.json().items;
  assert.equal(item.label, 'yes');
  assert.deepEqual(item.classes, ['no', 'yes']);
  assert.equal(item.probabilities.length, 2);
});

test('a bad row value names the item and field (422); a bad body shape names the field (400)', async () => {
  let r = await post('/v1/fleets/plant/predict', {
    items: [
      { key: 'd1', row: { x: 1 } },
      { key: 'd2', row: { x: 1 } },
      { key: 'd1', row: { x: 1 } },
      { key: 'd1', row: { x: 1, zone: 'a' } },
      { key: 'd2', row: { x: 'abc' } },
    ],
  });
  assert.equal(r.statusCode, 422);
  assert.equal(r.json().error.code, 'ROW_INVALID');
  assert.equal(r.json().error.message, 'items[4].row.x: expected number, got "abc"');
  r = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }, { x: [1] }] });
  assert.equal(r.statusCode, 422);
  assert.equal(r.json().error.details.field, 'rows[1].x');
  r = await post('/v1/fleets/plant/predict', { items: [{ key: 'd1', row: 5 }] });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.code, 'PARAM_INVALID');
  assert.equal(r.json().error.details.field, 'body.items[0].row');
  r = await post('/v1/fleets/plant/predict', { key: 'd1' });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'body.rows');
  r = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }], extra: 1 });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'body.extra');
  r = await post('/v1/fleets/plant/predict', { key: 'a\u0001b', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'body.key');
  r = await post('/v1/fleets/plant/predict', { key: 'k'.repeat(257), rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 400);
  r = await post('/v1/fleets/bad%2Fname/predict', { key: 'd1', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'params.fleet');
});

test('limits: too many rows / items / horizon → 413 with a message', async () => {
  let r = await post('/v1/fleets/plant/predict', {
    key: 'd1',
    rows: Array.from({ length: 6 }, () => ({ x: 1 })),
  });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error.code, 'LIMIT_EXCEEDED');
  assert.match(r.json().error.message, /rows: 6 rows exceed the limit of 5/);
  r = await post('/v1/fleets/plant/predict', {
    items: Array.from({ length: 7 }, () => ({ key: 'd1', row: { x: 1 } })),
  });
  assert.equal(r.statusCode, 413);
  assert.match(r.json().error.message, /items: 7 items exceed the limit of 6/);
  r = await post('/v1/fleets/fc/forecast', { key: 'k1', horizon: 51 });
  assert.equal(r.statusCode, 413);
  r = await post('/v1/fleets/an/score', { key: 'k1', rows: Array.from({ length: 6 }, () => ({ x: 1 })) });
  assert.equal(r.statusCode, 413);
});

test('forecast and score', async () => {
  let r = await post('/v1/fleets/fc/forecast', { key: 'k1', horizon: 3 });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), {
    key: 'k1',
    model: { key: 'k1', version: 1, algorithm: 'fake-forecast', fallback: null },
    forecast: [2, 4, 6],
    intervals: [],
  });
  r = await post('/v1/fleets/an/score', { key: 'k1', rows: [{ x: 5 }, { x: 8 }] });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().scores, [0, 3]);
  assert.deepEqual(r.json().flags, [0, 1]);
  r = await post('/v1/fleets/fc/forecast', { key: 'k1', horizon: 0 });
  assert.equal(r.statusCode, 400);
});

test('the wrong route for the task is a 400 naming the right one', async () => {
  let r = await post('/v1/fleets/plant/forecast', { key: 'd1', horizon: 3 });
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error.message, /does not support forecast; use \/predict/);
  r = await post('/v1/fleets/fc/predict', { key: 'k1', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error.message, /use \/forecast/);
  r = await post('/v1/fleets/fc/predict', { items: [{ key: 'k1', row: { x: 1 } }] });
  assert.equal(r.statusCode, 400);
  r = await post('/v1/fleets/plant/score', { key: 'd1', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 400);
});

test('no model and no fallback → 404 MODEL_NOT_FOUND; unknown fleet → 404 FLEET_NOT_FOUND', async () => {
  let r = await post('/v1/fleets/cls/predict', { key: 'nobody', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error.code, 'MODEL_NOT_FOUND');
  assert.equal(r.json().error.details.key, 'nobody');
  r = await post('/v1/fleets/ghost/predict', { key: 'd1', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error.code, 'FLEET_NOT_FOUND');
});

test('promote / rollback through the API switch the served version at once', async () => {
  await store.insertModel(
    'plant',
    fakeModel('d1', { task: 'regression', weight: 100 }, { status: 'candidate' }),
  );
  const before = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }] });
  assert.equal(before.json().model.version, 1);
  let r = await post('/v1/fleets/plant/models/d1/promote', { version: 2 });
  assert.deepEqual([r.statusCode, r.json()], [200, { key: 'd1', champion: 2 }]);
  let p = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }] });
  assert.deepEqual([p.json().model.version, p.json().predictions], [2, [100]]);
  r = await post('/v1/fleets/plant/models/d1/rollback', {});
  assert.deepEqual([r.statusCode, r.json()], [200, { key: 'd1', champion: 1 }]);
  p = await post('/v1/fleets/plant/predict', { key: 'd1', rows: [{ x: 1 }] });
  assert.deepEqual([p.json().model.version, p.json().predictions], [1, [2]]);
});

test('an exception inside a predictor is a 500 without internals', async () => {
  await store.createFleet('boom');
  await store.insertModel('boom', fakeModel('k', { task: 'regression', weight: 1 }));
  // The fake predictor reads column x as a number column: a missing input column makes it throw.
  const cached = await app.cache.resolve('boom', 'k');
  const original = cached.predictor.predict;
  (cached.predictor as { predict: Predictor['predict'] }).predict = () => {
    throw new Error('secret internals at /srv/x.ts:1');
  };
  const r = await post('/v1/fleets/boom/predict', { key: 'k', rows: [{ x: 1 }] });
  (cached.predictor as { predict: Predictor['predict'] }).predict = original;
  assert.equal(r.statusCode, 500);
  assert.equal(internalErrors.length, 1, 'the operator sees it');
  assert.match(String(internalErrors[0].error), /secret internals/);
  assert.equal(internalErrors[0].where, 'POST /v1/fleets/boom/predict');
  assert.deepEqual(r.json(), { error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  assert.ok(loads > 0);
});
