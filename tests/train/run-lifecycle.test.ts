import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRng } from '../../src/core/rng.ts';
import { entityFrame, groupByKey, numericValues } from '../../src/data/index.ts';
import { FALLBACK_KEY } from '../../src/fleet/keys.ts';
import { importFrame } from '../../src/ingest/import-frame.ts';
import type { ModelInfo, Store } from '../../src/store/index.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';
import {
  allEvents,
  allModels,
  createFleet,
  csvFrame,
  type Engine,
  generateCsv,
  openEngine,
  tempDir,
  truncateKeys,
} from './helpers.ts';

// Run lifecycle across the store, the queue and the engine: cancel, restart after a cancel, runs
// whose key set changed, and decision events around a crash after a shard commit. 12 small devices
// (two of them sparse), two per shard, trained in this thread.
const DEVICES = 12;
const SPARSE = new Set(['dev-0000004', 'dev-0000005']);
const keys = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(7, '0')}`);
const COLUMNS = ['device_id', 'ts', 'f1', 'f2', 'f3', 'f4', 'target_reg'];

const temp = tempDir('run-lifecycle');
let engine: Engine;
let csv: string;
before(async () => {
  engine = await openEngine(temp.dir);
  csv = truncateKeys(
    generateCsv(['--devices', String(DEVICES + 1), '--rows', '120', '--seed', '4']),
    SPARSE,
    10,
  );
});
after(async () => {
  await engine?.close();
  temp.cleanup();
});

function spec(name: string) {
  return {
    name,
    key: 'device_id',
    time: 'ts',
    target: 'target_reg',
    task: 'regression',
    features: ['f1', 'f2', 'f3', 'f4'],
    preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
    candidates: ['ridge'],
    budget: { maxTrials: 2, maxMillis: 3_600_000 },
    shardSize: 2,
  };
}

/** The rows of the first DEVICES devices (the 13th generated device is for the key-set test). */
function fleetFrame(withExtra = false) {
  return csvFrame(
    withExtra ? csv : truncateKeys(csv, new Set([`dev-${String(DEVICES).padStart(7, '0')}`]), 0),
    COLUMNS,
  );
}

/** No half shards: a done shard has one model per key, any other shard none. */
async function checkShards(store: Store, fleet: string, runId: number): Promise<void> {
  const models = (await allModels(store, fleet)).filter((m) => m.runId === runId);
  for (const shard of await store.listShards(runId)) {
    const written = models.filter((m) => m.shard === shard.shard).map((m) => m.key);
    if (shard.status === 'done') assert.deepEqual(written.sort(), [...(shard.keys ?? [])].sort());
    else assert.deepEqual(written, [], `shard ${shard.shard} is ${shard.status}`);
  }
}

function championsByKey(models: readonly ModelInfo[]): Map<string, ModelInfo> {
  const map = new Map<string, ModelInfo>();
  for (const m of models) {
    assert.ok(!map.has(m.key), `two champions for ${m.key}`);
    map.set(m.key, m);
  }
  return map;
}

test('an aborted run is cancelled with whole shards only; the next call starts a new run and finishes', async () => {
  const { store, queue } = engine;
  await createFleet(store, spec('cancel'), fleetFrame());
  const abort = new AbortController();
  const cancelled = await trainFleet({
    store,
    queue,
    fleet: 'cancel',
    threads: 0,
    signal: abort.signal,
    onProgress: () => abort.abort(),
  });
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(cancelled.entitiesDone < DEVICES, `${cancelled.entitiesDone} entities done before the abort`);
  const run = await store.getRun(cancelled.runId);
  assert.equal(run?.status, 'cancelled');
  await checkShards(store, 'cancel', cancelled.runId);

  const next = await trainFleet({ store, queue, fleet: 'cancel', threads: 0 });
  assert.equal(next.resumed, false, 'a cancelled run is not resumed');
  assert.notEqual(next.runId, cancelled.runId);
  assert.equal(next.status, 'done');
  assert.equal(next.entitiesDone, DEVICES);
  await checkShards(store, 'cancel', next.runId);
  const champions = championsByKey(await allModels(store, 'cancel', { status: 'champion' }));
  assert.deepEqual([...champions.keys()].sort(), [...keys, FALLBACK_KEY].sort());
  for (const key of keys) assert.equal(champions.get(key)?.runId, next.runId, key);
  assert.equal((await store.getRun(cancelled.runId))?.status, 'cancelled');
});

test('an unfinished run is not left running forever when the fleet gained keys since', async () => {
  const { store, queue } = engine;
  await createFleet(store, spec('grow'), fleetFrame());
  // What a killed trainFleet leaves: its run, created and never finished.
  const listed = (await store.listKeys('grow')).items.map((k) => k.key);
  const orphan = await store.createRun('grow', {
    specVersion: 1,
    keyCount: listed.length,
    shards: [{ keys: listed.slice(0, 2) }, { keys: listed.slice(2) }],
  });
  // New data arrives for a new device before the restart.
  const extra = `dev-${String(DEVICES).padStart(7, '0')}`;
  const grouped = groupByKey(fleetFrame(true), 'device_id');
  const index = grouped.keys.indexOf(extra);
  await importFrame(store, 'grow', entityFrame(grouped, index), 'device_id', { timeColumn: 'ts' });

  const summary = await trainFleet({ store, queue, fleet: 'grow', threads: 0 });
  assert.equal(summary.status, 'done');
  assert.equal(summary.entitiesDone, DEVICES + 1);
  const running = (await store.listRuns('grow')).items.filter((r) => r.status === 'running');
  assert.deepEqual(
    running.map((r) => r.id),
    [],
    `run ${orphan.id} is still running after run ${summary.runId} finished`,
  );
});

test('decision events survive a crash right after the shard commit', async () => {
  const { store, queue } = engine;
  await createFleet(store, spec('events'), fleetFrame());
  // The store as a process sees it that dies right after committing its first shard: the commit
  // happened, the process never learnt it. Decisions must have been part of that commit.
  let crashed = false;
  const crashing = new Proxy(store, {
    get(target, property) {
      if (property === 'markShardDone')
        return async (...args: Parameters<typeof store.markShardDone>) => {
          const result = await target.markShardDone(...args);
          if (!crashed) {
            crashed = true;
            throw new Error('simulated crash after the shard commit');
          }
          return result;
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const summary = await trainFleet({ store: crashing, queue, fleet: 'events', threads: 0 });
  assert.ok(crashed);
  assert.equal(summary.status, 'done');
  await checkShards(store, 'events', summary.runId);
  const events = await allEvents(store, 'events', { kind: 'fallback', runId: summary.runId });
  for (const key of SPARSE) {
    const champion = await store.getChampion('events', key);
    assert.equal(champion?.fallbackReason, 'too_few_rows');
    assert.ok(
      events.some((e) => e.key === key),
      `${key} is served by the fallback but its fallback event was lost`,
    );
  }
});

test('entities with nothing to learn keep their baseline, with a baseline event', async (t) => {
  const { store, queue } = engine;
  // Three devices whose target is replaced by noise around the device's own level: no feature
  // predicts it, so on validation the mean baseline should be as good as anything else.
  const frame = fleetFrame();
  const target = numericValues(frame, 'target_reg');
  const device = frame.columns.find((c) => c.name === 'device_id');
  assert.ok(device?.type === 'category');
  const noisy = new Set(['dev-0000000', 'dev-0000001', 'dev-0000002']);
  const rng = createRng(11);
  for (let i = 0; i < frame.rowCount; i++)
    if (noisy.has(device.dictionary[device.codes[i]])) target[i] = 50 + rng.normal();
  await createFleet(store, { ...spec('noise'), candidates: ['ridge', 'decision-tree'] }, frame);
  const summary = await trainFleet({ store, queue, fleet: 'noise', threads: 0 });
  assert.equal(summary.status, 'done');
  const events = await allEvents(store, 'noise', { kind: 'baseline', runId: summary.runId });
  const champions = championsByKey(await allModels(store, 'noise', { status: 'champion' }));
  let kept = 0;
  for (const [key, model] of champions) {
    if (key === FALLBACK_KEY || model.fallbackReason !== null) continue;
    const event = events.find((e) => e.key === key);
    if (model.algorithm === 'baseline-mean') {
      kept++;
      assert.ok(event, `${key} kept its baseline: a baseline event says so`);
      assert.equal(event.reason, 'baseline_best');
      assert.equal(model.metrics.validation_rmse, model.metrics.validation_baseline_rmse);
    } else {
      assert.equal(event, undefined, key);
      assert.ok(model.metrics.validation_rmse < model.metrics.validation_baseline_rmse, key);
    }
  }
  t.diagnostic(
    `baseline kept for ${kept} entities (${[...champions.values()].map((m) => `${m.key}:${m.algorithm}`).join(' ')})`,
  );
  assert.ok(kept >= 2, `the baseline was kept for ${kept} of the ${noisy.size} noise devices`);
  assert.ok(
    [...noisy].every(
      (key) => champions.get(key)?.algorithm === 'baseline-mean' || champions.get(key)?.fallbackReason,
    ),
  );
});
