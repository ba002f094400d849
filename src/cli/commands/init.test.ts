import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseFleetSpecText } from '../../fleet/spec.ts';
import { generateFleet, runCli, runJson } from '../lib/cli-test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fleetCsv = generateFleet(join(dir, 'fleet.csv'), 4, 60, 3);

test('init guesses key, epoch-seconds time, a class target and features; the written spec validates', async () => {
  const out = join(dir, 'spec.yaml');
  const run = await runCli(['init', '--data', fleetCsv, '--out', out, '--name', 'turbines']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote .*spec\.yaml: fleet "turbines", classification/);
  const text = readFileSync(out, 'utf8');
  const spec = parseFleetSpecText(text, out);
  assert.equal(spec.name, 'turbines');
  assert.equal(spec.key, 'device_id');
  assert.equal(spec.time, 'ts');
  // The last numeric column (0/1) is a class label; the other target is left out of the features.
  assert.equal(spec.target, 'target_cls');
  assert.equal(spec.task, 'classification');
  assert.deepEqual(spec.features, ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8']);
  assert.equal(spec.forecast.seasonPeriod, 24); // hourly data
  assert.deepEqual(spec.preprocess.steps, [{ step: 'impute' }]); // the generator leaves cells empty
  assert.match(text, /"ts" holds integer epoch seconds/);
  assert.match(text, /Left out: "target_reg"/);
  // The budget init writes is the documented default (a trial count; the time cap a safety net).
  const defaults = parseFleetSpecText('name: x\nkey: k\ntarget: y\ntask: regression\n');
  assert.deepEqual(spec.budget, defaults.budget);
  assert.deepEqual(spec.fallback.budget, defaults.fallback.budget);
  // Every top-level FleetSpec field is written out (and commented).
  for (const field of Object.keys(spec)) assert.match(text, new RegExp(`^${field}:`, 'm'), field);
  assert.ok(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length > 30);
});

test('init honours --target/--task, prints to stdout without --out, and --json describes the guess', async () => {
  const run = await runCli(['init', '--data', fleetCsv, '--target', 'target_reg']);
  assert.equal(run.code, 0, run.stderr);
  const spec = parseFleetSpecText(run.stdout);
  assert.equal(spec.name, 'fleet'); // from the file name
  assert.equal(spec.task, 'regression');
  assert.equal(spec.target, 'target_reg');
  assert.ok(Array.isArray(spec.features) && !spec.features.includes('target_cls'));

  const json = await runJson<{ spec: { task: string }; guess: { timeUnit: string }; yaml: string }>([
    'init',
    '--data',
    fleetCsv,
    '--task',
    'forecast',
    '--target',
    'f1',
  ]);
  assert.equal(json.code, 0);
  assert.equal(json.value.spec.task, 'forecast');
  assert.equal(json.value.guess.timeUnit, 'seconds');
  assert.equal(parseFleetSpecText(json.value.yaml).task, 'forecast');
  const anomaly = await runCli(['init', '--data', fleetCsv, '--task', 'anomaly']);
  const anomalySpec = parseFleetSpecText(anomaly.stdout);
  assert.equal(anomalySpec.target, null);
  assert.equal(anomalySpec.metric, 'none');
  assert.deepEqual(anomalySpec.preprocess.steps, [{ step: 'impute' }]);
});

test('init on NDJSON with ISO times and a numeric key', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const day = String(1 + Math.floor(i / 2)).padStart(2, '0');
    lines.push(
      JSON.stringify({
        meter: 100 + (i % 2),
        at: `2024-03-${day}T00:00:00Z`,
        temp: i * 0.5,
        load: (i * 7) % 11,
      }),
    );
  }
  const file = join(dir, 'meters.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = await runCli(['init', '--data', file, '--key', 'meter']);
  assert.equal(run.code, 0, run.stderr);
  const spec = parseFleetSpecText(run.stdout);
  assert.equal(spec.key, 'meter');
  assert.equal(spec.time, 'at');
  assert.equal(spec.target, 'load');
  assert.equal(spec.forecast.seasonPeriod, 7); // daily data
});

test('init errors name the file or the field, with exit 1; bad flags exit 2', async () => {
  const missing = await runCli(['init', '--data', join(dir, 'nope.csv')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^aimass init: .*nope\.csv: cannot read/);
  assert.match(missing.stderr, /FILE_INVALID/);

  const column = await runCli(['init', '--data', fleetCsv, '--target', 'nothing']);
  assert.equal(column.code, 1);
  assert.match(column.stderr, /no target column "nothing"/);
  assert.match(column.stderr, /COLUMN_NOT_FOUND; file .*fleet\.csv; column nothing/);

  const task = await runCli(['init', '--data', fleetCsv, '--task', 'magic']);
  assert.equal(task.code, 2);
  assert.match(task.stderr, /--task must be one of regression, classification, forecast, anomaly/);

  const name = await runCli(['init', '--data', fleetCsv, '--name', 'bad name!']);
  assert.equal(name.code, 1);
  assert.match(name.stderr, /"name"/);

  const unknown = await runCli(['init', '--data', fleetCsv, '--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--bogus'/);
  assert.match(unknown.stderr, /see: aimass init --help/);

  const required = await runJson(['init']);
  assert.equal(required.code, 2);
  assert.deepEqual(required.value, { error: { code: 'USAGE', message: '--data is required' } });

  const out = join(dir, 'exists.yaml');
  writeFileSync(out, 'x');
  const exists = await runCli(['init', '--data', fleetCsv, '--out', out]);
  assert.equal(exists.code, 1);
  assert.match(exists.stderr, /exists; pass --force/);
  assert.equal(readFileSync(out, 'utf8'), 'x');
});

/** The YAML with wrapped comment lines joined (comments wrap at ~100 columns). */
function unwrapped(text: string): string {
  return text.replace(/\n *# /g, ' ');
}

/** An NDJSON file of `series` entities with ISO times at `times(i)` and a trending value. */
function seriesFile(name: string, times: (i: number) => string, points: number): string {
  const lines: string[] = [];
  for (const id of ['a', 'b'])
    for (let i = 0; i < points; i++)
      lines.push(
        JSON.stringify({ series_id: id, at: times(i), temp: i % 7, value: i + (id === 'a' ? 0 : 5) }),
      );
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('init on monthly data: season 12 with a comment that says so, forecast minRows 10', async () => {
  const file = seriesFile('monthly.ndjson', (i) => new Date(Date.UTC(2020, i, 1)).toISOString(), 30);
  const run = await runCli(['init', '--data', file, '--task', 'forecast', '--target', 'value']);
  assert.equal(run.code, 0, run.stderr);
  const spec = parseFleetSpecText(run.stdout);
  assert.equal(spec.forecast.seasonPeriod, 12);
  assert.equal(spec.minRows, 10);
  assert.match(
    unwrapped(run.stdout),
    /Season length in time steps \(guessed from the time step: monthly data, yearly cycle of 12 steps\);/,
  );
  assert.match(run.stdout, /^minRows: 10$/m);
  assert.match(unwrapped(run.stdout), /own simple forecasters only: naive, drift, SES, damped Holt/);
  assert.doesNotMatch(run.stdout, /hourly|daily cycle/);
});

test('init on yearly data: season 1 (seasonal candidates skipped); a tabular task keeps minRows 30', async () => {
  const file = seriesFile('yearly.ndjson', (i) => `${2000 + i}-01-01T00:00:00Z`, 12);
  const run = await runCli(['init', '--data', file, '--task', 'forecast', '--target', 'value']);
  assert.equal(run.code, 0, run.stderr);
  const spec = parseFleetSpecText(run.stdout);
  assert.equal(spec.forecast.seasonPeriod, 1);
  assert.match(
    unwrapped(run.stdout),
    /yearly data, no season\); 1 = no season: seasonal candidates are skipped/,
  );
  const tabular = parseFleetSpecText((await runCli(['init', '--data', file, '--target', 'value'])).stdout);
  assert.equal(tabular.minRows, 30);
});
