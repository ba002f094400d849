import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateFleet, runCli, runJson } from '../lib/cli-test-helpers.ts';

// No imputation, and the generator leaves cells empty: ridge (which rejects NaN) fails on every
// entity, histogram boosting (NaN-native) does not. The failures are reported and kept per version.
const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-trials-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const csv = generateFleet(join(dir, 'fleet.csv'), 3, 120, 2);
const specFile = join(dir, 'spec.json');
const dataDir = join(dir, 'data');
writeFileSync(
  specFile,
  JSON.stringify({
    name: 'trials',
    key: 'device_id',
    time: 'ts',
    target: 'target_reg',
    task: 'regression',
    features: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'],
    candidates: ['ridge', { algorithm: 'hist-gradient-boosting', params: { maxIter: 20 } }],
  }),
);

test('failed trials: counted with their reason by train, listed per version by models show', async () => {
  const train = await runCli([
    'train',
    '--spec',
    specFile,
    '--data',
    csv,
    '--threads',
    '0',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(train.code, 0, train.stderr);
  // One failed ridge trial per entity (the pooled fallback's trials are kept with its own version).
  assert.match(train.stdout, /trials +3 failed/);
  assert.match(train.stdout, /3× ridge: DATA_INVALID \(e.g. DATA_INVALID: ridge: X\[\d+, \d\] is NaN/);

  const show = await runCli([
    'models',
    'show',
    '--fleet',
    'trials',
    '--key',
    'dev-0000000',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /trials +3 tried, 1 failed/);
  assert.match(show.stdout, /baseline-mean +\{\} +\d/);
  assert.match(show.stdout, /ridge +\{\} +FAILED .*DATA_INVALID/);
  assert.match(show.stdout, /hist-gradient-boosting +\{"maxIter":20\} +\d/);

  const json = await runJson<{ trials: { algorithm: string; score: number | null; error?: string }[] }>([
    'models',
    'show',
    '--fleet',
    'trials',
    '--key',
    '__fallback__',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(json.code, 0);
  assert.deepEqual(
    json.value.trials.map((t) => [t.algorithm, t.score === null, t.error !== undefined]),
    [
      ['baseline-mean', false, false],
      ['ridge', true, true],
      ['hist-gradient-boosting', false, false],
    ],
  );
});
