import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { openLocalQueue } from '../queue/index.ts';
import { type RunningServer, startServer } from '../serve/server.ts';
import { openStore, sqlitePathIn } from '../store/index.ts';
import type { Store } from '../store/store.ts';
import { TrainingRunner } from '../train/training-service.ts';
import { generateFleet, runCli, runJson } from './lib/cli-test-helpers.ts';

// A real server (store, local queue, training in its thread) on a free loopback port.
const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-remote-'));
const dataDir = join(dir, 'server-data');
const csv = join(dir, 'fleet.csv');
const specFile = join(dir, 'spec.yaml');
const rowsCsv = join(dir, 'rows.csv');
let store: Store;
let server: RunningServer;
let closeAll: () => Promise<void> = async () => {};

before(async () => {
  generateFleet(csv, 4, 60, 9);
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(rowsCsv, `${[lines[0], lines[5], lines[6]].join('\n')}\n`);
  const init = await runCli([
    'init',
    '--data',
    csv,
    '--target',
    'target_reg',
    '--name',
    'remote',
    '--out',
    specFile,
  ]);
  assert.equal(init.code, 0, init.stderr);
  writeFileSync(specFile, readFileSync(specFile, 'utf8').replace('maxTrials: 12', 'maxTrials: 2'));
  store = await openStore({ dataDir });
  const queue = await openLocalQueue({ path: sqlitePathIn(dataDir) });
  let invalidate: (fleet: string, key?: string) => void = () => {};
  const training = new TrainingRunner({ store, queue, threads: 0, invalidate: (f, k) => invalidate(f, k) });
  server = await startServer({ store, loadPredictor, training, port: 0, tokensEnv: '' });
  invalidate = server.app.invalidate;
  closeAll = async () => {
    await training.close();
    await server.close();
    await queue.close();
    await store.close();
  };
});

after(async () => {
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

test('import --url creates the fleet on the server and uploads the rows (times as ISO text)', async () => {
  const run = await runJson<{
    createdFleet: boolean;
    rowsStored: number;
    keys: number;
    files: { timeUnit: string }[];
  }>(['import', ...['--spec', specFile, csv, '--url', server.url]]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.value.createdFleet, true);
  assert.equal(run.value.rowsStored, 240);
  assert.equal(run.value.keys, 4);
  assert.equal(run.value.files[0].timeUnit, 'auto');
  assert.equal(await store.rowCount('remote', 'dev-0000002'), 60);
  const stored = await store.readRows('remote', 'dev-0000002');
  const ts = stored.columns.find((c) => c.name === 'ts');
  assert.equal(ts?.type, 'time');
  assert.equal((ts as { values: Float64Array }).values[0], 1_704_067_200_000);

  const changed = join(dir, 'changed.yaml');
  writeFileSync(changed, readFileSync(specFile, 'utf8').replace('minRows: 30', 'minRows: 10'));
  const conflict = await runCli(['import', '--spec', changed, csv, '--url', server.url]);
  assert.equal(conflict.code, 1);
  assert.match(conflict.stderr, /spec of fleet "remote" differs .* \[CONFLICT; field spec; fleet remote\]/);
});

test('train --url follows the run to the end; models and predictions come from the server', async () => {
  // The rows uploaded by the test above (through the API's ingest path) are what the server trains on.
  const run = await runJson<{ status: string; entitiesDone: number; entitiesTotal: number; runId: number }>([
    'train',
    ...['--fleet', 'remote', '--url', server.url],
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual([run.value.status, run.value.entitiesDone, run.value.entitiesTotal], ['done', 4, 4]);
  const models = await runJson<{ items: unknown[] }>([
    'models',
    'ls',
    '--fleet',
    'remote',
    '--url',
    server.url,
  ]);
  assert.equal(models.value.items.length, 5); // 4 entities + the fleet fallback
  const predicted = await runJson<{ model: { key: string; fallback: null }; predictions: number[] }>([
    'predict',
    ...['--fleet', 'remote', '--key', 'dev-0000001', '--input', rowsCsv, '--url', server.url],
  ]);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(predicted.value.model.key, 'dev-0000001');
  assert.equal(predicted.value.predictions.length, 2);

  const threads = await runCli(['train', '--fleet', 'remote', '--threads', '2', '--url', server.url]);
  assert.equal(threads.code, 2);
  assert.match(threads.stderr, /--threads applies to local training only/);
});
