import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { AimassApiError, createClient } from '../../src/client/index.ts';
import { isAimassError } from '../../src/core/errors.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import {
  countingLoader,
  fakeModel,
  fakeSpec,
  fakeTraining,
  tempStore,
} from '../../src/serve/testing-fakes.ts';
import type { Store } from '../../src/store/store.ts';

let store: Store;
let cleanup: () => Promise<void>;
let server: RunningServer;
let training: ReturnType<typeof fakeTraining>;

before(async () => {
  ({ store, cleanup } = await tempStore());
  training = fakeTraining(store);
  server = await startServer({
    store,
    loadPredictor: countingLoader().load,
    training,
    port: 0,
    tokensEnv: '',
    limits: {
      bodyLimitBytes: 4096,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      connectionsCheckingIntervalMs: 50,
    },
  });
});
after(async () => {
  await server.close();
  await server.close();
  await cleanup();
});

test('the typed client drives every resource over a real socket', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = createClient({ url: server.url });
  assert.deepEqual(await client.health(), { status: 'ok' });
  assert.deepEqual(await client.ready(), { status: 'ready' });

  const fleet = await client.createFleet(fakeSpec('plant'));
  assert.equal(fleet.specVersion, 1);
  assert.deepEqual(
    (await client.listFleets()).items.map((f) => f.name),
    ['plant'],
  );
  assert.equal((await client.getFleet('plant')).spec?.key, 'device');

  const csv = await client.appendData(
    'plant',
    'device,ts,x,y\nd1,2024-01-01T00:00:00Z,1,2\nd2,2024-01-01T00:00:00Z,2,3\n',
    'csv',
  );
  assert.deepEqual([csv.rowsAccepted, csv.keys], [2, 2]);
  const ndjson = await client.appendData(
    'plant',
    '{"device":"d1","ts":"2024-01-02T00:00:00Z","x":3,"y":4}\n',
  );
  assert.equal(ndjson.format, 'ndjson');
  const json = await client.appendData('plant', [{ device: 'd3', ts: '2024-01-02T00:00:00Z', x: 1, y: 1 }]);
  assert.equal(json.format, 'json');
  assert.equal(await store.rowCount('plant', 'd1'), 2);

  // The "engine" writes models; the server serves them.
  await store.insertModel('plant', fakeModel('d1', { task: 'regression', weight: 2 }));
  await store.insertModel('plant', fakeModel('__fallback__', { task: 'regression', weight: 10 }));
  const one = await client.predict('plant', 'd1', [{ x: 1.5 }]);
  assert.deepEqual(one.predictions, [3]);
  assert.equal(one.model.fallback, null);
  const many = await client.predictMany('plant', [
    { key: 'd1', row: { x: 1 } },
    { key: 'd9', row: { x: 1 } },
  ]);
  assert.deepEqual(
    many.items.map((i) => [i.prediction, i.model.fallback]),
    [
      [2, null],
      [10, 'unknown_key'],
    ],
  );

  await client.createFleet(fakeSpec('fc', 'forecast'));
  await store.insertModel('fc', fakeModel('k', { task: 'forecast', weight: 1 }));
  assert.deepEqual((await client.forecast('fc', 'k', 2)).forecast, [1, 2]);
  await client.createFleet(fakeSpec('an', 'anomaly'));
  await store.insertModel('an', fakeModel('k', { task: 'anomaly', weight: 1 }));
  assert.deepEqual((await client.score('an', 'k', [{ x: 4 }])).scores, [3]);

  await store.insertModel(
    'plant',
    fakeModel('d1', { task: 'regression', weight: 5 }, { status: 'candidate' }),
  );
  assert.deepEqual(
    (await client.listModels('plant', { status: 'candidate' })).items.map((m) => m.version),
    [2],
  );
  assert.equal((await client.getModel('plant', 'd1')).champion?.version, 1);
  assert.deepEqual(await client.promote('plant', 'd1', 2, 'better'), { key: 'd1', champion: 2 });
  assert.deepEqual((await client.predict('plant', 'd1', [{ x: 1 }])).predictions, [5]);
  assert.deepEqual(await client.rollback('plant', 'd1'), { key: 'd1', champion: 1 });
  assert.deepEqual((await client.predict('plant', 'd1', [{ x: 1 }])).predictions, [2]);

  const { runId } = await client.startRun('plant', { keys: ['d1'] });
  assert.equal((await client.listRuns('plant', { limit: 10 })).items[0].id, runId);
  assert.equal((await client.getRun(runId)).progress.keysTotal, 1);
  assert.equal((await client.cancelRun(runId)).status, 'cancelled');

  assert.match(await client.metrics(), /aimass_http_requests_total\{route="\/v1\/fleets\/:fleet\/predict"/);
  assert.equal((await client.openapi()).openapi, '3.1.0');

  await client.deleteFleet('an');
  await assert.rejects(
    client.getFleet('an'),
    (e) => e instanceof AimassApiError && e.status === 404 && e.code === 'FLEET_NOT_FOUND',
  );
});

test('client errors carry status, stable code and details', async () => {
  const client = createClient({ url: `${server.url}/` });
  await assert.rejects(client.predict('plant', 'd1', [{ x: 'abc' }]), (e) => {
    assert.ok(e instanceof AimassApiError);
    assert.equal(e.status, 422);
    assert.equal(e.code, 'ROW_INVALID');
    assert.equal(e.context.field, 'rows[0].x');
    assert.ok(isAimassError(e, 'ROW_INVALID'));
    return true;
  });
  await assert.rejects(
    client.predict(
      'plant',
      'd1',
      Array.from({ length: 600 }, (_, i) => ({ x: i })),
    ),
    (e) => {
      assert.ok(e instanceof AimassApiError);
      assert.deepEqual([e.status, e.code], [413, 'LIMIT_EXCEEDED']);
      return true;
    },
  );
});

/** Raw socket: sends `chunks` then waits for the server's answer and the close. */
function rawExchange(port: number, chunks: string[]): Promise<{ response: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let response = '';
    const socket = connect(port, '127.0.0.1', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.setEncoding('utf8');
    socket.on('data', (data) => {
      response += data;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ response, closedAfterMs: Date.now() - started }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error('server did not close the slow connection'));
    }, 5000).unref();
  });
}

test('slow clients: unfinished headers and unfinished bodies get 408 and a closed socket', async () => {
  const port = Number(new URL(server.url).port);
  const headers = await rawExchange(port, ['POST /v1/fleets/plant/predict HTTP/1.1\r\nHost: x\r\n']);
  assert.match(headers.response, /^HTTP\/1\.1 408/);
  const body = await rawExchange(port, [
    'POST /v1/fleets/plant/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":',
  ]);
  assert.match(body.response, /^HTTP\/1\.1 408/);
  // The server still answers afterwards.
  assert.deepEqual(await createClient({ url: server.url }).health(), { status: 'ok' });
});

test('a non-loopback bind without tokens refuses to start; with tokens it requires them', async () => {
  await assert.rejects(
    startServer({ store, loadPredictor: countingLoader().load, host: '0.0.0.0', port: 0, tokensEnv: '' }),
    (e) =>
      isAimassError(e, 'PARAM_INVALID') &&
      /refusing to listen on 0\.0\.0\.0 without API tokens/.test(e.message),
  );
  const guarded = await startServer({
    store,
    loadPredictor: countingLoader().load,
    host: '0.0.0.0',
    port: 0,
    tokensEnv: 'reader-token-1:predict;admin-token-1:admin',
  });
  try {
    const port = new URL(guarded.url).port;
    const url = `http://127.0.0.1:${port}`;
    await assert.rejects(
      createClient({ url }).listFleets(),
      (e) => e instanceof AimassApiError && e.status === 401,
    );
    await assert.rejects(
      createClient({ url, token: 'reader-token-1' }).listFleets(),
      (e) => e instanceof AimassApiError && e.status === 403,
    );
    assert.ok((await createClient({ url, token: 'admin-token-1' }).listFleets()).items.length >= 1);
    assert.deepEqual(
      (await createClient({ url, token: 'reader-token-1' }).predict('plant', 'd1', [{ x: 1 }])).predictions,
      [2],
    );
  } finally {
    await guarded.close();
  }
});

test('a port in use is a clear UNAVAILABLE error', async () => {
  const port = Number(new URL(server.url).port);
  await assert.rejects(
    startServer({ store, loadPredictor: countingLoader().load, port, tokensEnv: '' }),
    (e) =>
      isAimassError(e, 'UNAVAILABLE') &&
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`).test(e.message),
  );
});

test('tokens default to the AIMASS_TOKENS environment variable', async () => {
  const saved = process.env.AIMASS_TOKENS;
  process.env.AIMASS_TOKENS = 'env-token-123:admin';
  try {
    const guarded = await startServer({ store, loadPredictor: countingLoader().load, port: 0 });
    try {
      await assert.rejects(
        createClient({ url: guarded.url }).listFleets(),
        (e) => e instanceof AimassApiError && e.status === 401,
      );
      assert.ok(
        Array.isArray((await createClient({ url: guarded.url, token: 'env-token-123' }).listFleets()).items),
      );
    } finally {
      await guarded.close();
    }
  } finally {
    if (saved === undefined) delete process.env.AIMASS_TOKENS;
    else process.env.AIMASS_TOKENS = saved;
  }
});

test('clients that hang up mid-request crash nothing and leak no concurrency slot', async () => {
  await store.createFleet('slow');
  await store.insertModel('slow', fakeModel('k', { task: 'regression', weight: 1 }));
  const strict = await startServer({
    store,
    loadPredictor: countingLoader({ delayMs: 100 }).load,
    port: 0,
    tokensEnv: '',
    limits: { maxConcurrentRequests: 1 },
  });
  try {
    const port = Number(new URL(strict.url).port);
    const body = JSON.stringify({ key: 'k', rows: [{ x: 1 }] });
    for (const cut of [body.length, 5]) {
      // A full request whose client leaves during the slow load, and one cut inside the body.
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /v1/fleets/slow/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, cut)}`,
          );
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 20);
        });
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const client = createClient({ url: strict.url });
    assert.deepEqual((await client.predict('slow', 'k', [{ x: 3 }])).predictions, [3]);
    assert.deepEqual((await client.predict('slow', 'k', [{ x: 4 }])).predictions, [4]);
  } finally {
    await strict.close();
  }
});
