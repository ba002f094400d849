import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../store/store.ts';
import type { AimassApp } from './app.ts';
import { createApp } from './app.ts';
import { countingLoader, fakeModel, fakeSpec, fakeTraining, seededStore } from './testing-fakes.ts';

let store: Store;
let cleanup: () => Promise<void>;
let app: AimassApp;
let training: ReturnType<typeof fakeTraining>;

before(async () => {
  ({ store, cleanup } = await seededStore());
  training = fakeTraining(store);
  app = await createApp({ store, loadPredictor: countingLoader().load, training });
});
after(async () => {
  await app.close();
  await cleanup();
});

const inject = (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => app.fastify.inject({ method, url, payload: payload as string, headers });

test('fleets: create (validated, spec version stored), list, get, conflict, delete', async () => {
  let r = await inject('POST', '/v1/fleets', fakeSpec('turbines'));
  assert.equal(r.statusCode, 201);
  const created = r.json();
  assert.equal(created.name, 'turbines');
  assert.equal(created.specVersion, 1);
  assert.equal(created.spec.minRows, 30, 'defaults filled in by validateFleetSpec');
  assert.equal((await store.getSpec('turbines'))?.version, 1);

  r = await inject('POST', '/v1/fleets', fakeSpec('turbines'));
  assert.equal(r.statusCode, 409);
  assert.equal(r.json().error.code, 'CONFLICT');

  r = await inject('POST', '/v1/fleets', { ...fakeSpec('t2'), minRows: -1 });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.code, 'SPEC_INVALID');
  assert.equal(r.json().error.details.field, 'minRows');

  r = await inject('POST', '/v1/fleets', { ...fakeSpec('bad name!') });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'body.name');

  r = await inject('GET', '/v1/fleets');
  assert.deepEqual(
    r.json().items.map((f: { name: string }) => f.name),
    ['an', 'cls', 'fc', 'plant', 'turbines'],
  );
  r = await inject('GET', '/v1/fleets/turbines');
  assert.equal(r.json().spec.key, 'device');
  r = await inject('GET', '/v1/fleets/nope');
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error.code, 'FLEET_NOT_FOUND');

  r = await inject('DELETE', '/v1/fleets/turbines');
  assert.equal(r.statusCode, 204);
  assert.equal(r.body, '');
  r = await inject('DELETE', '/v1/fleets/turbines');
  assert.equal(r.statusCode, 404);
});

test('deleting a fleet drops its cached models', async () => {
  await inject('POST', '/v1/fleets', fakeSpec('tmp'));
  await store.insertModel('tmp', fakeModel('k', { task: 'regression', weight: 1 }));
  let r = await inject('POST', '/v1/fleets/tmp/predict', { key: 'k', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 200);
  await inject('DELETE', '/v1/fleets/tmp');
  r = await inject('POST', '/v1/fleets/tmp/predict', { key: 'k', rows: [{ x: 1 }] });
  assert.equal(r.statusCode, 404);
});

test('data: CSV, NDJSON and JSON bodies are grouped by key and appended; bad rows quarantined with line', async () => {
  await inject('POST', '/v1/fleets', fakeSpec('ingest'));
  const csv =
    'device,ts,x,y\nd1,2024-01-01T00:00:00Z,1,2\nd2,2024-01-01T01:00:00Z,2,3\nd1,2024-01-01T02:00:00Z,3,4\nd2,2024-01-01T03:00:00Z,1,oops\n';
  let r = await inject('POST', '/v1/fleets/ingest/data', csv, { 'content-type': 'text/csv; charset=utf-8' });
  assert.equal(r.statusCode, 200, r.body);
  let body = r.json();
  assert.deepEqual(
    [body.format, body.rowsRead, body.rowsAccepted, body.rowsRejected, body.keys],
    ['csv', 4, 3, 1, 2],
  );
  assert.equal(body.examples[0].line, 5);
  assert.equal(body.examples[0].column, 'y');
  assert.equal(body.examples[0].reason, 'bad-value');
  assert.equal(body.quarantined, 1);
  assert.equal(await store.rowCount('ingest', 'd1'), 2);
  assert.equal(await store.rowCount('ingest', 'd2'), 1);
  const d1 = await store.readRows('ingest', 'd1');
  assert.deepEqual(
    d1.columns.map((c) => c.name),
    ['ts', 'x', 'y'],
    'the key column is the chunk address, not stored',
  );
  const quarantine = await store.listQuarantine('ingest');
  assert.equal(quarantine.items.length, 1);
  assert.equal(quarantine.items[0].line, 5);
  assert.match(quarantine.items[0].raw ?? '', /oops/);

  const ndjson =
    '{"device":"d3","ts":"2024-01-02T00:00:00Z","x":1,"y":1}\n{"device":"d3","ts":"2024-01-02T01:00:00Z","x":2,"y":2}\nnot json\n';
  r = await inject('POST', '/v1/fleets/ingest/data', ndjson, { 'content-type': 'application/x-ndjson' });
  body = r.json();
  assert.deepEqual([body.format, body.rowsAccepted, body.rowsRejected, body.keys], ['ndjson', 2, 1, 1]);
  assert.equal(body.examples[0].line, 3);
  assert.equal(body.examples[0].reason, 'bad-json');

  r = await inject(
    'POST',
    '/v1/fleets/ingest/data',
    JSON.stringify([
      { device: 'd4', ts: 1_700_000_000_000, x: 1, y: 2 },
      { device: null, ts: 1_700_000_000_000, x: 1, y: 1 },
    ]),
    {
      'content-type': 'application/json',
    },
  );
  body = r.json();
  assert.deepEqual([body.format, body.rowsAccepted, body.rowsRejected, body.keys], ['json', 1, 1, 1]);
  assert.equal(body.examples[0].reason, 'missing-key');
  assert.equal(await store.rowCount('ingest', 'd4'), 1);
});

test('data: errors — no key column 422, every row rejected 422, unsupported media type 415, unknown fleet 404', async () => {
  await inject('POST', '/v1/fleets', fakeSpec('ingest2'));
  let r = await inject('POST', '/v1/fleets/ingest2/data', 'a,b\n1,2\n', { 'content-type': 'text/csv' });
  assert.equal(r.statusCode, 422);
  assert.equal(r.json().error.code, 'COLUMN_NOT_FOUND');
  assert.match(r.json().error.message, /no key column "device"/);
  r = await inject('POST', '/v1/fleets/ingest2/data', 'device,x\n1,1\n', { 'content-type': 'text/csv' });
  assert.equal(r.statusCode, 422);
  assert.match(r.json().error.message, /no target column "y"/);
  r = await inject('POST', '/v1/fleets/ingest2/data', 'device,x,y\nd1,1,1\n', { 'content-type': 'text/csv' });
  assert.equal(r.statusCode, 422);
  assert.match(r.json().error.message, /no time column "ts"/);
  r = await inject('POST', '/v1/fleets/ingest2/data', 'device,ts,x,y\n,1955,1,1\n,1956,2,2\n', {
    'content-type': 'text/csv',
  });
  assert.equal(r.statusCode, 422);
  assert.equal(r.json().error.code, 'ROW_INVALID');
  assert.equal(r.json().error.details.rowsRejected, 2);
  r = await inject(
    'POST',
    '/v1/fleets/ingest2/data',
    'device,ts,x,y\nd1,1955,1,1\n__fallback__,1955,1,1\n__cluster__2,1955,1,1\n',
    { 'content-type': 'text/csv' },
  );
  assert.equal(r.statusCode, 200);
  assert.deepEqual([r.json().rowsAccepted, r.json().rowsRejected, r.json().keys], [1, 2, 1]);
  assert.deepEqual(
    r.json().examples.map((e: { reason: string }) => e.reason),
    ['bad-key', 'bad-key'],
  );
  assert.equal(await store.rowCount('ingest2', '__fallback__'), 0);
  r = await inject('POST', '/v1/fleets/ingest2/data', 'x', { 'content-type': 'application/xml' });
  assert.equal(r.statusCode, 415);
  r = await inject('POST', '/v1/fleets/ghost/data', 'device\nd1\n', { 'content-type': 'text/csv' });
  assert.equal(r.statusCode, 404);
  r = await inject('POST', '/v1/fleets/ingest2/data', '[1,', { 'content-type': 'application/json' });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.code, 'FILE_INVALID');
});

test('data: an Idempotency-Key makes a resent batch stored once and answered with the first answer', async () => {
  await inject('POST', '/v1/fleets', fakeSpec('idem'));
  const body = 'device,ts,x,y\nd1,1700000000,1,2\nd1,1700000001,2,oops\n';
  const headers = { 'content-type': 'text/csv', 'idempotency-key': 'upload-7' };
  const first = await inject('POST', '/v1/fleets/idem/data', body, headers);
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['idempotent-replayed'], undefined);
  const again = await inject('POST', '/v1/fleets/idem/data', body, headers);
  assert.equal(again.statusCode, 200);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  assert.equal(await store.rowCount('idem', 'd1'), 1);
  assert.equal((await store.listQuarantine('idem')).items.length, 1, 'the bad row is quarantined once');
  // Numbers are read by the same time rule as files: epoch seconds here.
  const rows = await store.readRows('idem', 'd1');
  assert.equal(
    (rows.columns.find((c) => c.name === 'ts') as { values: Float64Array }).values[0],
    1_700_000_000_000,
  );
  const other = await inject('POST', '/v1/fleets/idem/data', body, {
    ...headers,
    'idempotency-key': 'upload-8',
  });
  assert.equal(other.headers['idempotent-replayed'], undefined);
  assert.equal(await store.rowCount('idem', 'd1'), 2);
  const bad = await inject('POST', '/v1/fleets/idem/data', body, {
    ...headers,
    'idempotency-key': 'has space',
  });
  assert.equal(bad.statusCode, 400);
  const years = await inject('POST', '/v1/fleets/idem/data?timeUnit=year', 'device,ts,x,y\nd9,1955,1,1\n', {
    'content-type': 'text/csv',
  });
  assert.equal(years.statusCode, 200);
});

test('runs: start via the engine, list, progress, cancel; 404s', async () => {
  let r = await inject('POST', '/v1/fleets/plant/runs', { keys: ['d1', 'd2', 'd3'], reason: 'nightly' });
  assert.equal(r.statusCode, 202);
  const { runId } = r.json();
  assert.deepEqual(training.calls.started.at(-1), {
    fleet: 'plant',
    keys: ['d1', 'd2', 'd3'],
    reason: 'nightly',
  });
  r = await inject('POST', '/v1/fleets/plant/runs');
  assert.equal(r.statusCode, 202, 'no body: every key');
  assert.equal(training.calls.started.at(-1)?.keys, undefined);

  r = await inject('GET', '/v1/fleets/plant/runs?limit=1');
  assert.equal(r.json().items.length, 1);
  assert.ok(r.json().nextCursor);
  const next = await inject(
    'GET',
    `/v1/fleets/plant/runs?limit=1&cursor=${encodeURIComponent(r.json().nextCursor)}`,
  );
  assert.equal(next.json().items[0].id, runId);

  r = await inject('GET', `/v1/runs/${runId}`);
  assert.equal(r.statusCode, 200);
  assert.deepEqual(
    [r.json().run.keyCount, r.json().progress.keysTotal, r.json().progress.status],
    [3, 3, 'running'],
  );

  r = await inject('GET', '/metrics');
  assert.match(r.body, new RegExp(`aimass_run_keys_total\\{fleet="plant",run="${runId}"\\} 3`));

  r = await inject('POST', `/v1/runs/${runId}/cancel`);
  assert.deepEqual([r.statusCode, r.json()], [200, { runId, status: 'cancelled' }]);
  assert.deepEqual(training.calls.cancelled, [runId]);

  assert.equal((await inject('GET', '/v1/runs/99999')).statusCode, 404);
  assert.equal((await inject('POST', '/v1/runs/99999/cancel')).statusCode, 404);
  assert.equal((await inject('GET', '/v1/runs/abc')).statusCode, 400);
  assert.equal((await inject('POST', '/v1/fleets/ghost/runs', {})).statusCode, 404);
  assert.equal((await inject('POST', '/v1/fleets/plant/runs', { keys: [] })).statusCode, 400);
});

test('runs without a training engine: 503', async () => {
  const bare = await createApp({ store, loadPredictor: countingLoader().load });
  const r = await bare.fastify.inject({ method: 'POST', url: '/v1/fleets/plant/runs', payload: {} });
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().error.code, 'UNAVAILABLE');
  await bare.close();
});

test('models: list with filters and cursor, detail with history, promote/rollback errors', async () => {
  await store.insertModel(
    'plant',
    fakeModel('d2', { task: 'regression', weight: 30 }, { status: 'candidate', metrics: { rmse: 0.9 } }),
  );
  let r = await inject('GET', '/v1/fleets/plant/models');
  assert.equal(r.statusCode, 200);
  const all = r.json().items;
  assert.ok(all.length >= 4);
  r = await inject('GET', '/v1/fleets/plant/models?status=candidate');
  assert.deepEqual(
    r.json().items.map((m: { key: string; version: number }) => [m.key, m.version]),
    [['d2', 2]],
  );
  r = await inject('GET', '/v1/fleets/plant/models?fallback=false&key=d2');
  assert.equal(r.json().items.length, 2);
  r = await inject('GET', '/v1/fleets/plant/models?metric=rmse%3E0.5');
  assert.deepEqual(
    r.json().items.map((m: { key: string; version: number }) => [m.key, m.version]),
    [
      ['d2', 2],
      ['__fallback__', 1],
    ],
  );
  r = await inject('GET', '/v1/fleets/plant/models?metric=rmse~1');
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.details.field, 'querystring.metric');
  r = await inject('GET', '/v1/fleets/plant/models?status=bogus');
  assert.equal(r.statusCode, 400);
  r = await inject('GET', '/v1/fleets/plant/models?algorithm=fake-regression&limit=2');
  assert.equal(r.json().items.length, 2);
  const page2 = await inject(
    'GET',
    `/v1/fleets/plant/models?algorithm=fake-regression&limit=2&cursor=${encodeURIComponent(r.json().nextCursor)}`,
  );
  assert.ok(page2.json().items.length >= 1);
  assert.equal(
    new Set(
      [...r.json().items, ...page2.json().items].map(
        (m: { key: string; version: number }) => `${m.key}@${m.version}`,
      ),
    ).size,
    r.json().items.length + page2.json().items.length,
  );

  r = await inject('GET', '/v1/fleets/plant/models/d2');
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().champion.version, 1);
  assert.deepEqual(
    r.json().history.map((m: { version: number }) => m.version),
    [2, 1],
  );
  r = await inject('GET', '/v1/fleets/plant/models/nobody');
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error.code, 'MODEL_NOT_FOUND');
  r = await inject('POST', '/v1/fleets/plant/models/d2/promote', { version: 99 });
  assert.equal(r.statusCode, 404);
  r = await inject('POST', '/v1/fleets/plant/models/d2/promote', { version: 'two' });
  assert.equal(r.statusCode, 400);
  r = await inject('POST', '/v1/fleets/plant/models/d2/rollback');
  assert.equal(r.statusCode, 404, 'nothing to roll back to');
  r = await inject('POST', '/v1/fleets/ghost/models/d2/promote', { version: 1 });
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().error.code, 'FLEET_NOT_FOUND');
});

test('keys with URL-special characters round-trip through path parameters', async () => {
  await store.insertModel('plant', fakeModel('site/a b?#', { task: 'regression', weight: 4 }));
  const r = await inject('GET', `/v1/fleets/plant/models/${encodeURIComponent('site/a b?#')}`);
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().key, 'site/a b?#');
});

test('bad cache options are refused with the field named', async () => {
  await assert.rejects(
    createApp({ store, loadPredictor: countingLoader().load, cache: { cacheMaxBytes: 0 } }),
    /cache\.cacheMaxBytes must be a positive number/,
  );
  await assert.rejects(
    createApp({ store, loadPredictor: countingLoader().load, cache: { championTtlMs: -1 } }),
    /cache\.championTtlMs must be a non-negative number/,
  );
});

test('training given as a factory receives invalidate: the engine can drop cached champions', async () => {
  let hooks: { invalidate(fleet: string, key?: string): void } | undefined;
  const loader = countingLoader();
  const wired = await createApp({
    store,
    loadPredictor: loader.load,
    training: (given) => {
      hooks = given;
      return fakeTraining(store);
    },
  });
  try {
    const predict = async () =>
      (
        await wired.fastify.inject({
          method: 'POST',
          url: '/v1/fleets/plant/predict',
          payload: { key: 'd1', rows: [{ x: 1 }] },
        })
      ).json();
    const before = await predict();
    // The engine commits a new champion, then tells the server.
    await store.insertModel('plant', fakeModel('d1', { task: 'regression', weight: 50 }));
    assert.equal((await predict()).model.version, before.model.version, 'cached until invalidated');
    hooks?.invalidate('plant', 'd1');
    const after = await predict();
    assert.equal(after.model.version, before.model.version + 1);
    assert.deepEqual(after.predictions, [50]);
    const r = await wired.fastify.inject({ method: 'POST', url: '/v1/fleets/plant/runs', payload: {} });
    assert.equal(r.statusCode, 202);
  } finally {
    await wired.close();
  }
});

test('internal errors go to stderr by default, never to the client', async () => {
  const failing = await createApp({
    store,
    loadPredictor: () => {
      throw new TypeError('cannot read properties of undefined (at /srv/secret.ts:7)');
    },
  });
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    const r = await failing.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/cls/predict',
      payload: { key: 'k1', rows: [{ x: 1 }] },
    });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), { error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  } finally {
    console.error = original;
    await failing.close();
  }
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^aimass serve: internal error on POST \/v1\/fleets\/cls\/predict: TypeError: cannot read/,
  );
});
