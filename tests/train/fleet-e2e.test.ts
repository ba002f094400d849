import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AimassError } from '../../src/core/errors.ts';
import { type Frame, numericValues, selectColumns, takeFrameRows } from '../../src/data/index.ts';
import { FALLBACK_KEY } from '../../src/fleet/keys.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import type { Predictor } from '../../src/fleet/predictor.ts';
import { timeSplit } from '../../src/preprocess/split.ts';
import type { ModelInfo } from '../../src/store/index.ts';
import { type TrainSummary, trainFleet } from '../../src/train/run-fleet.ts';
import {
  accuracy,
  allEvents,
  allModels,
  createFleet,
  csvFrame,
  type Engine,
  generateCsv,
  mean,
  openEngine,
  rmse,
  tempDir,
  truncateKeys,
} from './helpers.ts';

// 33 generated devices × 400 hourly rows, each with its own linear + nonlinear relationship;
// the last 3 are cut to 15 rows (under minRows = 30) so the fleet fallback must serve them.
const DEVICES = 33;
const ROWS = 400;
const SPARSE = new Set(['dev-0000030', 'dev-0000031', 'dev-0000032']);
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
const PREPROCESS = [
  { step: 'impute', params: { strategy: 'median' } },
  { step: 'outliers', params: { mode: 'clip' } },
  'standardize',
];
// An unlimited time budget keeps the search (and so every model) independent of machine load.
const BUDGET = { maxTrials: 5, maxMillis: 3_600_000 };
const SPLIT = { train: 0.6, validation: 0.2, test: 0.2 };

const temp = tempDir('fleet-e2e');
let engine: Engine;
let csv: string;
let regression: { summary: TrainSummary; champions: ModelInfo[] };

before(async () => {
  engine = await openEngine(temp.dir);
  csv = truncateKeys(
    generateCsv(['--devices', String(DEVICES), '--rows', String(ROWS), '--seed', '1']),
    SPARSE,
    15,
  );
});
after(async () => {
  await engine?.close();
  temp.cleanup();
});

function regressionSpec(name: string): Record<string, unknown> & { name: string; key: string; time: string } {
  return {
    name,
    key: 'device_id',
    time: 'ts',
    target: 'target_reg',
    task: 'regression',
    features: FEATURES,
    preprocess: PREPROCESS,
    candidates: [
      { algorithm: 'ridge', search: { alpha: { min: 0.01, max: 100, log: true } } },
      { algorithm: 'decision-tree', params: { minSamplesLeaf: 5, maxDepth: 6 } },
      { algorithm: 'hist-gradient-boosting', params: { maxIter: 60, learningRate: 0.1, maxLeafNodes: 15 } },
    ],
    budget: BUDGET,
    shardSize: 10,
  };
}

/** The entity's last 20% rows in time order: the rows the engine scores its test metric on. */
async function testRows(fleet: string, key: string): Promise<Frame> {
  const rows = await engine.store.readRows(fleet, key);
  return takeFrameRows(rows, timeSplit(rows.rowCount, SPLIT, numericValues(rows, 'ts')).test);
}

/** Rows as serving hands them to a predictor: only the bundle's declared input columns. */
function inputsOf(predictor: Predictor, rows: Frame): Frame {
  return selectColumns(
    rows,
    predictor.inputColumns.map((c) => c.name),
  );
}

function byKey(models: readonly ModelInfo[]): Map<string, ModelInfo> {
  const map = new Map<string, ModelInfo>();
  for (const m of models) {
    assert.ok(!map.has(m.key), `two champions for ${m.key}`);
    map.set(m.key, m);
  }
  return map;
}

const allKeys = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(7, '0')}`);

test('regression fleet: one champion per entity, per-entity models beat the global fallback', async (t) => {
  const { store, queue } = engine;
  // Only the key, time, features and target are imported (see the leakage test below for why).
  await createFleet(
    store,
    regressionSpec('reg'),
    csvFrame(csv, ['device_id', 'ts', ...FEATURES, 'target_reg']),
  );
  const summary = await trainFleet({ store, queue, fleet: 'reg', threads: 0 });
  assert.equal(summary.status, 'done');
  assert.equal(summary.resumed, false);
  assert.equal(summary.entitiesTotal, DEVICES);
  assert.equal(summary.entitiesDone, DEVICES);
  assert.equal(summary.shards, Math.ceil(DEVICES / 10));
  assert.equal(summary.shardsFailed, 0);
  assert.equal(summary.failures, 0);

  const champions = await allModels(store, 'reg', { status: 'champion' });
  const champion = byKey(champions);
  assert.deepEqual([...champion.keys()].sort(), [...allKeys, FALLBACK_KEY].sort());

  const fallbackRecord = await store.getChampion('reg', FALLBACK_KEY);
  assert.ok(fallbackRecord && fallbackRecord.bundle.length > 0, 'the global fallback model is stored');
  assert.equal(fallbackRecord.fallbackReason, null);
  const fallback = loadPredictor(fallbackRecord.bundle);
  const events = await allEvents(store, 'reg', { runId: summary.runId });

  let wins = 0;
  const own: number[] = [];
  const global: number[] = [];
  for (const key of allKeys.filter((k) => !SPARSE.has(k))) {
    const model = champion.get(key) as ModelInfo;
    assert.equal(model.fallbackReason, null, `${key} has its own model`);
    assert.equal(model.runId, summary.runId);
    assert.ok(model.bundleBytes > 0);
    // Served: refitted on every row (the test score was measured before, on train + validation).
    assert.equal(model.rowCount, ROWS, `${key} served model refitted on every row`);
    for (const name of ['rmse', 'mae', 'r2', 'validation_rmse', 'validation_baseline_rmse'])
      assert.ok(Number.isFinite(model.metrics[name]), `${key} metric ${name}`);
    // Chosen over the baseline on validation, or the baseline kept and said so.
    if (model.algorithm === 'baseline-mean')
      assert.ok(events.some((e) => e.kind === 'baseline' && e.key === key));
    else assert.ok(model.metrics.validation_rmse < model.metrics.validation_baseline_rmse, key);

    const record = await store.getChampion('reg', key);
    const predictor = loadPredictor(record?.bundle as Uint8Array);
    assert.equal(predictor.meta.trainingRows, ROWS);
    const rows = await testRows('reg', key);
    assert.equal(rows.rowCount, 0.2 * ROWS);
    const truth = numericValues(rows, 'target_reg');
    // Both scores are on rows neither model learned from: the recorded test score was measured
    // before the refit, and the global fallback pools only entities' training rows.
    const ownScore = model.metrics.rmse;
    const globalScore = rmse(truth, fallback.predict(inputsOf(fallback, rows)).values);
    // The refitted model has seen the test rows: it fits them at least about as well.
    const servedScore = rmse(truth, predictor.predict(inputsOf(predictor, rows)).values);
    assert.ok(servedScore < ownScore * 1.1, `${key}: served ${servedScore} vs held-out ${ownScore}`);
    own.push(ownScore);
    global.push(globalScore);
    if (ownScore < globalScore) wins++;
  }
  const share = wins / own.length;
  t.diagnostic(
    `per-entity beats global on ${wins}/${own.length}; mean test rmse own ${mean(own).toFixed(3)} vs global ${mean(global).toFixed(3)}`,
  );
  assert.ok(share >= 0.9, `per-entity wins on ${wins}/${own.length}`);
  assert.ok(mean(own) < mean(global));

  for (const key of SPARSE) {
    const model = champion.get(key) as ModelInfo;
    assert.equal(model.fallbackReason, 'too_few_rows');
    assert.equal(model.bundleBytes, 0, 'the fallback marker has no bundle');
    assert.equal(model.rowCount, 15);
    const event = events.find((e) => e.kind === 'fallback' && e.key === key);
    assert.ok(event, `fallback event for ${key}`);
    assert.equal(event.reason, 'too_few_rows');
    assert.equal(event.numbers.rows, 15);
    assert.equal(event.numbers.minRows, 30);
  }
  assert.equal(summary.fallbacks, events.filter((e) => e.kind === 'fallback').length);
  regression = { summary, champions };
});

test('a second run after completion is a new run (threads 2): same models, old champions archived', async () => {
  assert.ok(regression, 'needs the first regression run');
  const { store, queue } = engine;
  const summary = await trainFleet({ store, queue, fleet: 'reg', threads: 2 });
  assert.equal(summary.status, 'done');
  assert.equal(summary.resumed, false, 'resume only continues unfinished runs');
  assert.notEqual(summary.runId, regression.summary.runId);
  assert.equal(summary.entitiesDone, DEVICES);
  const runs = (await store.listRuns('reg')).items;
  assert.deepEqual(
    runs.map((r) => [r.id, r.status]),
    [
      [summary.runId, 'done'],
      [regression.summary.runId, 'done'],
    ],
  );

  const champion = byKey(await allModels(store, 'reg', { status: 'champion' }));
  assert.equal(champion.size, DEVICES + 1);
  const archived = await allModels(store, 'reg', { status: 'archived' });
  assert.deepEqual(archived.map((m) => m.version).sort(), regression.champions.map((m) => m.version).sort());
  assert.deepEqual(archived.map((m) => m.key).sort(), regression.champions.map((m) => m.key).sort());
  // Same data, same seeds, unlimited time budget: worker threads train exactly what the main thread did.
  for (const old of regression.champions) {
    const now = champion.get(old.key) as ModelInfo;
    assert.equal(now.version, old.version + 1, old.key);
    if (old.key !== FALLBACK_KEY) assert.equal(now.runId, summary.runId);
    assert.equal(now.algorithm, old.algorithm, old.key);
    assert.deepEqual(now.params, old.params, old.key);
    assert.deepEqual(now.metrics, old.metrics, old.key);
    assert.equal(now.fallbackReason, old.fallbackReason, old.key);
  }
});

test('classification fleet: served accuracy beats the majority class on average', async (t) => {
  const { store, queue } = engine;
  await createFleet(
    store,
    {
      name: 'cls',
      key: 'device_id',
      time: 'ts',
      target: 'target_cls',
      task: 'classification',
      features: FEATURES,
      preprocess: PREPROCESS,
      candidates: [
        { algorithm: 'logistic', search: { C: { min: 0.01, max: 100, log: true } } },
        { algorithm: 'decision-tree-classifier', params: { minSamplesLeaf: 5, maxDepth: 6 } },
        {
          algorithm: 'hist-gradient-boosting-classifier',
          params: { maxIter: 60, learningRate: 0.1, maxLeafNodes: 15 },
        },
      ],
      budget: BUDGET,
      shardSize: 10,
    },
    csvFrame(csv, ['device_id', 'ts', ...FEATURES, 'target_cls']),
  );
  const summary = await trainFleet({ store, queue, fleet: 'cls', threads: 0 });
  assert.equal(summary.status, 'done');
  const champion = byKey(await allModels(store, 'cls', { status: 'champion' }));
  assert.equal(champion.size, DEVICES + 1);
  const fallback = loadPredictor((await store.getChampion('cls', FALLBACK_KEY))?.bundle as Uint8Array);

  const served: number[] = [];
  const majority: number[] = [];
  let ownModels = 0;
  for (const key of allKeys.filter((k) => !SPARSE.has(k))) {
    const model = champion.get(key) as ModelInfo;
    const rows = await engine.store.readRows('cls', key);
    const split = timeSplit(rows.rowCount, SPLIT, numericValues(rows, 'ts'));
    const labels = numericValues(rows, 'target_cls');
    // The majority class of the rows a model may learn from (train + validation), scored on test.
    let ones = 0;
    for (const i of [...split.train, ...split.validation]) ones += labels[i];
    const majorityClass = ones * 2 > split.train.length + split.validation.length ? 1 : 0;
    const truth = Float64Array.from(split.test, (i) => labels[i]);
    majority.push(accuracy(truth, new Float64Array(truth.length).fill(majorityClass)));
    const test = takeFrameRows(rows, split.test);
    // Held-out accuracy of what serves: an own model's recorded test score (measured before its
    // refit on every row), or the fallback's on the test rows (it pools training rows only).
    if (model.fallbackReason === null) {
      ownModels++;
      served.push(model.metrics.accuracy);
    } else {
      assert.equal(model.fallbackReason, 'fallback_better', key);
      served.push(accuracy(truth, fallback.predict(inputsOf(fallback, test)).values));
    }
  }
  t.diagnostic(
    `mean test accuracy served ${mean(served).toFixed(3)} vs majority ${mean(majority).toFixed(3)}; ${ownModels}/${served.length} own models`,
  );
  assert.ok(mean(served) > mean(majority));
  assert.ok(ownModels >= 0.9 * served.length);
});

test('a spec naming an unknown algorithm or column fails with SPEC_INVALID naming the field, before any run', async () => {
  const { store, queue } = engine;
  const frame = csvFrame(truncateKeys(csv, new Set(allKeys.slice(2)), 0), [
    'device_id',
    'ts',
    ...FEATURES,
    'target_reg',
  ]);
  await createFleet(store, regressionSpec('bad'), frame);
  const cases: [Record<string, unknown>, string][] = [
    [{ candidates: ['no-such-algorithm'] }, 'candidates[0].algorithm'],
    [{ candidates: ['ridge', 'logistic'] }, 'candidates[1].algorithm'],
    [{ features: ['f1', 'no_such_column'] }, 'features[1]'],
    [{ target: 'no_such_target' }, 'target'],
    [{ budget: { maxTrials: 0 } }, 'budget.maxTrials'],
  ];
  for (const [change, field] of cases) {
    await store.putSpec('bad', { ...regressionSpec('bad'), ...change });
    await assert.rejects(
      trainFleet({ store, queue, fleet: 'bad', threads: 0 }),
      (error: AimassError) => {
        assert.equal(error.code, 'SPEC_INVALID', error.message);
        assert.equal(error.context.field, field, error.message);
        return true;
      },
      JSON.stringify(change),
    );
  }
  assert.equal((await store.listRuns('bad')).items.length, 0);
  assert.equal((await store.listModels('bad')).items.length, 0);
});

test('an unknown time column fails with SPEC_INVALID naming "time"', async () => {
  const { store, queue } = engine;
  const frame = csvFrame(truncateKeys(csv, new Set(allKeys.slice(2)), 0), [
    'device_id',
    'ts',
    ...FEATURES,
    'target_reg',
  ]);
  await createFleet(store, regressionSpec('badtime'), frame);
  await store.putSpec('badtime', { ...regressionSpec('badtime'), time: 'no_such_time' });
  await assert.rejects(trainFleet({ store, queue, fleet: 'badtime', threads: 0 }), (error: AimassError) => {
    assert.equal(error.code, 'SPEC_INVALID', error.message);
    assert.equal(error.context.field, 'time', error.message);
    return true;
  });
  assert.equal((await store.listRuns('badtime')).items.length, 0);
});

test('models learn only from spec.features: no leakage from other columns, servable from their input columns', async () => {
  const { store, queue } = engine;
  // The classification fleet with target_reg (the noisy number target_cls thresholds) left in the data.
  await createFleet(
    store,
    {
      name: 'leak',
      key: 'device_id',
      time: 'ts',
      target: 'target_cls',
      task: 'classification',
      features: ['f1', 'f2'],
      preprocess: [{ step: 'impute', params: { strategy: 'median' } }],
      candidates: ['decision-tree-classifier'],
      budget: BUDGET,
      shardSize: 10,
    },
    csvFrame(truncateKeys(csv, new Set(allKeys.slice(6)), 0), [
      'device_id',
      'ts',
      'f1',
      'f2',
      'target_reg',
      'target_cls',
    ]),
  );
  await trainFleet({ store, queue, fleet: 'leak', threads: 0 });
  for (const model of await allModels(store, 'leak', { status: 'champion', fallback: false })) {
    if (model.key.startsWith('__')) continue; // the fleet's own fallback models have no entity rows
    const record = await store.getChampion('leak', model.key);
    const predictor = loadPredictor(record?.bundle as Uint8Array);
    assert.deepEqual(
      predictor.inputColumns.map((c) => c.name),
      ['f1', 'f2'],
    );
    const rows = await testRows('leak', model.key);
    // Serving passes the declared input columns only; a model that learned target_reg cannot answer.
    const values = predictor.predict(inputsOf(predictor, rows)).values;
    assert.equal(values.length, rows.rowCount);
  }
});
