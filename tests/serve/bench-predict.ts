/**
 * Measures single-row predict overhead over loopback (not a test; numbers are reported, never
 * asserted). Run: node --import tsx tests/serve/bench-predict.ts [seconds]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRng } from '../../src/core/rng.ts';
import { createFrame, numberColumn, numericValues, toMatrix } from '../../src/data/frame.ts';
import { encodeEntityBundle } from '../../src/fleet/bundle.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import { ridgeEstimator } from '../../src/models/linear/ridge.ts';
import { compilePipeline, featureColumns, fitTransformPipeline } from '../../src/preprocess/pipeline.ts';
import { startServer } from '../../src/serve/server.ts';
import {
  decodeFakeBundle,
  fakeBundle,
  fakeModel,
  fakeSpec,
  tempStore,
} from '../../src/serve/testing-fakes.ts';

const seconds = Number(process.argv[2] ?? 5);

function ridgeBundle(): Uint8Array {
  const rng = createRng(1);
  const n = 200;
  const cols = ['f1', 'f2', 'f3', 'f4'].map((name) =>
    numberColumn(
      name,
      Float64Array.from({ length: n }, () => rng.normal()),
    ),
  );
  const y = Float64Array.from({ length: n }, (_, i) =>
    cols.reduce((s, c, j) => s + (j + 1) * c.values[i], 0),
  );
  const train = createFrame([...cols, numberColumn('y', y)]);
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
    { alpha: 1 },
    createRng(1),
  );
  return encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: cols.map((c) => ({ name: c.name, type: 'number' as const })),
      pipeline,
      model: { kind: 'estimator', estimator: ridgeEstimator, state },
    },
    {
      fleet: 'b',
      key: 'k',
      version: 1,
      specVersion: 1,
      params: {},
      metrics: {},
      trainingRows: n,
      dataRange: null,
      createdAtMs: 0,
      fallbackReason: null,
    },
  );
}

const { store, cleanup } = await tempStore();
await store.createFleet('b');
await store.putSpec('b', fakeSpec('b'));
await store.insertModel('b', fakeModel('fake', { task: 'regression', weight: 2 }));
await store.insertModel('b', {
  ...fakeModel('real', { task: 'regression', weight: 0 }),
  bundle: ridgeBundle(),
  algorithm: 'ridge',
});
const fakeBytes = fakeBundle({ task: 'regression', weight: 1 });
const server = await startServer({
  store,
  port: 0,
  tokensEnv: '',
  // Real bundles decode with loadPredictor; the fake ones with the test decoder.
  loadPredictor: (bytes) => (bytes[0] === fakeBytes[0] ? decodeFakeBundle(bytes) : loadPredictor(bytes)),
});

/** autocannon runs in its own process (its CLI), so it does not share the server's event loop. */
async function run(title: string, path: string, body?: unknown, duration = seconds) {
  const args = ['node_modules/autocannon/autocannon.js', '-j', '-c', '10', '-d', String(duration)];
  if (body !== undefined)
    args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', JSON.stringify(body));
  const { stdout } = await promisify(execFile)(process.execPath, [...args, `${server.url}${path}`], {
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(stdout);
  const errors = result.errors + result.non2xx;
  console.log(
    `${title.padEnd(42)} ${Math.round(result.requests.average).toString().padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}`,
  );
}

// Warm-up (JIT, caches), not reported.
const warm = { key: 'real', rows: [{ f1: 1, f2: 2, f3: 3, f4: 4 }] };
await promisify(execFile)(process.execPath, [
  'node_modules/autocannon/autocannon.js',
  '-j',
  '-c',
  '10',
  '-d',
  '2',
  '-m',
  'POST',
  '-H',
  'content-type=application/json',
  '-b',
  JSON.stringify(warm),
  `${server.url}/v1/fleets/b/predict`,
]);
await run('GET /healthz (framework floor)', '/healthz');
await run('predict 1 row, fake predictor', '/v1/fleets/b/predict', {
  key: 'fake',
  rows: [{ x: 1.5, zone: 'a' }],
});
await run('predict 1 row, real ridge bundle', '/v1/fleets/b/predict', {
  key: 'real',
  rows: [{ f1: 1, f2: 2, f3: 3, f4: 4 }],
});
await run('predict batch 100 items, real ridge', '/v1/fleets/b/predict', {
  items: Array.from({ length: 100 }, (_, i) => ({ key: 'real', row: { f1: i, f2: 2, f3: 3, f4: 4 } })),
});
await server.close();
await cleanup();
