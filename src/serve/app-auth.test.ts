import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../store/store.ts';
import type { AimassApp } from './app.ts';
import { createApp } from './app.ts';
import { countingLoader, fakeTraining, seededStore } from './testing-fakes.ts';

let store: Store;
let cleanup: () => Promise<void>;
let app: AimassApp;

const TOKENS = {
  predict: 'predict-token-123',
  ingest: 'ingest-token-123',
  admin: 'admin-token-12345',
  both: 'predict-and-ingest',
};

before(async () => {
  ({ store, cleanup } = await seededStore());
  app = await createApp({
    store,
    loadPredictor: countingLoader({ delayMs: 30 }).load,
    training: fakeTraining(store),
    tokens: [
      { token: TOKENS.predict, scopes: ['predict'] },
      { token: TOKENS.ingest, scopes: ['ingest'] },
      { token: TOKENS.admin, scopes: ['admin'] },
      { token: TOKENS.both, scopes: ['predict', 'ingest'] },
    ],
    limits: { bodyLimitBytes: 2000, dataBodyLimitBytes: 5000, maxConcurrentRequests: 2 },
  });
});
after(async () => {
  await app.close();
  await cleanup();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every operation of the published document, with its required scope. */
async function operations(
  fleet = 'plant',
): Promise<{ method: string; url: string; scope: string | undefined }[]> {
  const doc = (await app.fastify.inject({ method: 'GET', url: '/openapi.json' })).json();
  const out: { method: string; url: string; scope: string | undefined }[] = [];
  for (const [path, methods] of Object.entries(
    doc.paths as Record<string, Record<string, Record<string, unknown>>>,
  ))
    for (const [method, op] of Object.entries(methods)) {
      const url = path.replace('{fleet}', fleet).replace('{key}', 'd1').replace('{id}', '1');
      out.push({ method: method.toUpperCase(), url, scope: op['x-aimass-scope'] as string | undefined });
    }
  return out;
}

test('the documented API has every route of the service, each with its scope', async () => {
  const ops = await operations();
  const summary = ops.map((o) => `${o.method} ${o.url} ${o.scope ?? 'public'}`).sort();
  assert.deepEqual(summary, [
    'DELETE /v1/fleets/plant admin',
    'GET /healthz public',
    'GET /metrics admin',
    'GET /readyz public',
    'GET /v1/fleets admin',
    'GET /v1/fleets/plant admin',
    'GET /v1/fleets/plant/models admin',
    'GET /v1/fleets/plant/models/d1 admin',
    'GET /v1/fleets/plant/runs admin',
    'GET /v1/runs/1 admin',
    'POST /v1/fleets admin',
    'POST /v1/fleets/plant/data ingest',
    'POST /v1/fleets/plant/forecast predict',
    'POST /v1/fleets/plant/models/d1/promote admin',
    'POST /v1/fleets/plant/models/d1/rollback admin',
    'POST /v1/fleets/plant/predict predict',
    'POST /v1/fleets/plant/runs admin',
    'POST /v1/fleets/plant/score predict',
    'POST /v1/runs/1/cancel admin',
  ]);
});

test('auth on every protected route: no token 401, unknown token 401, wrong scope 403, right scope passes', async () => {
  // A fleet that does not exist: the right-scope requests must not change the seeded data.
  const ops = (await operations('ghost')).filter((o) => o.scope !== undefined);
  assert.ok(ops.length >= 16);
  for (const { method, url, scope } of ops) {
    const payload = method === 'POST' ? '{}' : undefined;
    const headers = payload ? { 'content-type': 'application/json' } : {};
    const send = (extra: Record<string, string>) =>
      app.fastify.inject({ method: method as 'GET', url, payload, headers: { ...headers, ...extra } });
    let r = await send({});
    assert.equal(r.statusCode, 401, `${method} ${url} without a token`);
    assert.equal(r.json().error.code, 'UNAUTHORIZED');
    assert.equal(r.headers['www-authenticate'], 'Bearer');
    r = await send(bearer('not-a-known-token'));
    assert.equal(r.statusCode, 401, `${method} ${url} with an unknown token`);
    const wrong = scope === 'predict' ? TOKENS.ingest : scope === 'ingest' ? TOKENS.predict : TOKENS.both;
    r = await send(bearer(wrong));
    assert.equal(r.statusCode, 403, `${method} ${url} with a token lacking ${scope}`);
    assert.equal(r.json().error.code, 'FORBIDDEN');
    const right = scope === 'predict' ? TOKENS.predict : scope === 'ingest' ? TOKENS.ingest : TOKENS.admin;
    r = await send(bearer(right));
    assert.ok(
      r.statusCode !== 401 && r.statusCode !== 403,
      `${method} ${url} with the right scope: ${r.statusCode}`,
    );
  }
});

test('public routes: healthz, readyz, openapi.json need no token', async () => {
  assert.deepEqual((await app.fastify.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
  assert.deepEqual((await app.fastify.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready' });
  const doc = (await app.fastify.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.equal(doc.openapi, '3.1.0');
  for (const [path, methods] of Object.entries(
    doc.paths as Record<
      string,
      Record<
        string,
        {
          parameters: { name: string; in: string; required: boolean }[];
          responses: Record<string, unknown>;
          operationId: string;
        }
      >
    >,
  ))
    for (const [method, op] of Object.entries(methods)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = op.parameters
        .filter((p) => p.in === 'path' && p.required)
        .map((p) => p.name)
        .sort();
      assert.deepEqual(declared, inPath, `${method} ${path}: path parameters`);
      assert.ok(Object.keys(op.responses).length > 0 && op.operationId, `${method} ${path}`);
    }
  const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
    (m) => Object.values(m).map((op) => op.operationId),
  );
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  assert.equal(doc.paths['/v1/fleets/{fleet}/predict'].post.security[0].bearer[0], 'predict');
  assert.ok(doc.paths['/v1/fleets/{fleet}/predict'].post.requestBody.content['application/json'].schema);
  assert.deepEqual(Object.keys(doc.paths['/v1/fleets/{fleet}/data'].post.requestBody.content), [
    'application/json',
    'application/x-ndjson',
    'text/csv',
  ]);
});

test('body limits: 413 with the error shape (JSON routes and the larger data limit)', async () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({ x: i }));
  let r = await app.fastify.inject({
    method: 'POST',
    url: '/v1/fleets/plant/predict',
    payload: { key: 'd1', rows },
    headers: bearer(TOKENS.predict),
  });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error.code, 'LIMIT_EXCEEDED');
  const csv = `device,ts,x,y\n${'d1,2024-01-01T00:00:00Z,1,2\n'.repeat(100)}`;
  assert.ok(csv.length > 2000 && csv.length < 5000);
  r = await app.fastify.inject({
    method: 'POST',
    url: '/v1/fleets/plant/data',
    payload: csv,
    headers: { ...bearer(TOKENS.ingest), 'content-type': 'text/csv' },
  });
  assert.equal(r.statusCode, 200, r.body);
  r = await app.fastify.inject({
    method: 'POST',
    url: '/v1/fleets/plant/data',
    payload: csv.repeat(2),
    headers: { ...bearer(TOKENS.ingest), 'content-type': 'text/csv' },
  });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error.code, 'LIMIT_EXCEEDED');
});

test('concurrency limit: requests beyond maxConcurrentRequests get 429 with Retry-After', async () => {
  const send = (key: string) =>
    app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/plant/predict',
      payload: { key, rows: [{ x: 1 }] },
      headers: bearer(TOKENS.predict),
    });
  // Cold keys load for 30 ms, so the first two hold both slots.
  const results = await Promise.all([send('cold-a'), send('cold-b'), send('cold-c')]);
  const statuses = results.map((r) => r.statusCode).sort();
  assert.deepEqual(statuses, [200, 200, 429]);
  const limited = results.find((r) => r.statusCode === 429);
  assert.equal(limited?.json().error.code, 'RATE_LIMITED');
  assert.equal(limited?.headers['retry-after'], '1');
  // Slots are released: the next request passes.
  assert.equal((await send('cold-a')).statusCode, 200);
});

test('unknown routes, bad JSON, wrong method: the one error shape', async () => {
  let r = await app.fastify.inject({ method: 'GET', url: '/v2/nothing?x=1' });
  assert.deepEqual(
    [r.statusCode, r.json()],
    [404, { error: { code: 'NOT_FOUND', message: 'no route GET /v2/nothing', details: {} } }],
  );
  r = await app.fastify.inject({
    method: 'POST',
    url: '/v1/fleets/plant/predict',
    payload: '{"key": "d1", rows: ',
    headers: { ...bearer(TOKENS.predict), 'content-type': 'application/json' },
  });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.code, 'PARAM_INVALID');
});

test('metrics: per-route counters and latency, cache and load figures, no entity keys', async () => {
  await app.fastify.inject({
    method: 'POST',
    url: '/v1/fleets/plant/predict',
    payload: { key: 'secret-device-42', rows: [{ x: 1 }] },
    headers: bearer(TOKENS.predict),
  });
  const r = await app.fastify.inject({ method: 'GET', url: '/metrics', headers: bearer(TOKENS.admin) });
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  const text = r.body;
  assert.match(
    text,
    /aimass_http_requests_total\{route="\/v1\/fleets\/:fleet\/predict",method="POST",status="200"\} \d+/,
  );
  assert.match(
    text,
    /aimass_http_request_duration_seconds_bucket\{route="\/v1\/fleets\/:fleet\/predict",le="\+Inf"\} \d+/,
  );
  assert.match(text, /aimass_bundle_cache_hits_total \d+/);
  assert.match(text, /aimass_bundle_cache_misses_total [1-9]\d*/);
  assert.match(text, /aimass_bundle_cache_evictions_total 0/);
  assert.match(text, /aimass_bundle_cache_entries [1-9]\d*/);
  assert.match(text, /aimass_bundle_cache_bytes [1-9]\d*/);
  assert.match(text, /aimass_bundle_loads_total [1-9]\d*/);
  assert.match(text, /aimass_bundle_load_duration_seconds_count [1-9]\d*/);
  assert.doesNotMatch(text, /secret-device-42|cold-a/);
});

test('readiness: 503 when the store does not answer', async () => {
  const broken = new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'getFleet') return async () => Promise.reject(new Error('database is locked'));
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const sick = await createApp({ store: broken, loadPredictor: countingLoader().load });
  const r = await sick.fastify.inject({ method: 'GET', url: '/readyz' });
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().error.code, 'UNAVAILABLE');
  assert.match(r.json().error.message, /store is not ready: database is locked/);
  assert.equal((await sick.fastify.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  await sick.close();
  await sick.close();
});

test('rate limit per token: a burst of one second, then 429 with Retry-After until the bucket refills', async () => {
  let clock = 0;
  const limited = await createApp({
    store,
    loadPredictor: countingLoader().load,
    tokens: [
      { token: TOKENS.predict, scopes: ['predict'] },
      { token: TOKENS.both, scopes: ['predict', 'ingest'] },
    ],
    limits: { requestsPerSecond: 2 },
    now: () => clock,
  });
  try {
    const send = (token: string) =>
      limited.fastify.inject({
        method: 'POST',
        url: '/v1/fleets/plant/predict',
        payload: { key: 'd1', rows: [{ x: 1 }] },
        headers: bearer(token),
      });
    assert.deepEqual(
      [(await send(TOKENS.predict)).statusCode, (await send(TOKENS.predict)).statusCode],
      [200, 200],
    );
    const third = await send(TOKENS.predict);
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().error.code, 'RATE_LIMITED');
    assert.match(third.json().error.message, /rate limit of 2 requests per second exceeded for this token/);
    assert.equal(third.headers['retry-after'], '1');
    assert.equal((await send(TOKENS.both)).statusCode, 200, 'another token has its own budget');
    assert.equal(
      (await limited.fastify.inject({ method: 'GET', url: '/healthz' })).statusCode,
      200,
      'probes are exempt',
    );
    clock = 499;
    assert.equal((await send(TOKENS.predict)).statusCode, 429);
    clock = 500;
    assert.equal((await send(TOKENS.predict)).statusCode, 200, 'half a second refills one request');
    assert.equal((await send(TOKENS.predict)).statusCode, 429);
  } finally {
    await limited.close();
  }
});

test('rate limit without auth: one shared budget', async () => {
  const limited = await createApp({
    store,
    loadPredictor: countingLoader().load,
    limits: { requestsPerSecond: 1 },
    now: () => 0,
  });
  try {
    const send = () => limited.fastify.inject({ method: 'GET', url: '/v1/fleets' });
    assert.equal((await send()).statusCode, 200);
    const r = await send();
    assert.equal(r.statusCode, 429);
    assert.doesNotMatch(r.json().error.message, /for this token/);
  } finally {
    await limited.close();
  }
});
