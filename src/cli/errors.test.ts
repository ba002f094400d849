import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateFleet, runCli, runJson } from './lib/cli-test-helpers.ts';

// Error reporting and exit codes, against a small imported (untrained) fleet.
const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const csv = join(dir, 'fleet.csv');
const specFile = join(dir, 'spec.yaml');
const rowsCsv = join(dir, 'rows.csv');

const cli = (argv: string[]) => runCli([...argv, '--data-dir', dataDir]);
const cliJson = <T = Record<string, unknown>>(argv: string[]) => runJson<T>([...argv, '--data-dir', dataDir]);

before(async () => {
  generateFleet(csv, 3, 40, 2);
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(rowsCsv, `${[lines[0], lines[3]].join('\n')}\n`);
  const init = await runCli([
    'init',
    '--data',
    csv,
    '--target',
    'target_reg',
    '--name',
    'turbines',
    '--out',
    specFile,
  ]);
  assert.equal(init.code, 0, init.stderr);
  const imported = await cli(['import', '--spec', specFile, csv]);
  assert.equal(imported.code, 0, imported.stderr);
});

test('bad input: exit 1 with the code and the file/field; usage errors: exit 2', async () => {
  const noFleet = await cli(['models', 'ls', '--fleet', 'nope']);
  assert.equal(noFleet.code, 1);
  assert.match(noFleet.stderr, /^aimass models ls: .*fleet "nope".* \[FLEET_NOT_FOUND; fleet nope\]\n$/);

  const noData = await runCli(['models', 'ls', '--fleet', 'turbines', '--data-dir', join(dir, 'empty')]);
  assert.equal(noData.code, 1);
  assert.match(noData.stderr, /no aimass data in ".*empty"/);

  const badSpec = join(dir, 'bad-spec.yaml');
  writeFileSync(badSpec, readFileSync(specFile, 'utf8').replace('minRows: 30', 'minRows: -1'));
  const spec = await cli(['import', '--spec', badSpec, csv]);
  assert.equal(spec.code, 1);
  assert.match(spec.stderr, /bad-spec\.yaml: fleet spec: "minRows" is -1/);
  assert.match(spec.stderr, /SPEC_INVALID; file .*bad-spec\.yaml; field minRows/);

  const file = await cli(['import', '--spec', specFile, join(dir, 'missing.csv')]);
  assert.equal(file.code, 1);
  assert.match(file.stderr, /missing\.csv: cannot read/);

  const jsonError = await cliJson<{ error: { code: string; details: { fleet: string } } }>([
    'fleets',
    'show',
    'nope',
  ]);
  assert.equal(jsonError.code, 1);
  assert.equal(jsonError.value.error.code, 'FLEET_NOT_FOUND');
  assert.equal(jsonError.value.error.details.fleet, 'nope');

  for (const argv of [
    ['models', 'ls', '--fleet', 'turbines', '--limit', '0'],
    ['models', 'ls'],
    ['models'],
    ['models', 'frob'],
    ['train', '--fleet', 'turbines', '--threads', 'many'],
    ['predict', '--fleet', 'turbines', '--key', 'k', '--input', rowsCsv, 'extra'],
    ['frobnicate'],
  ]) {
    const run = await cli(argv);
    assert.equal(run.code, 2, argv.join(' '));
    assert.match(run.stderr, /^aimass[ :]/);
  }
  const remote = await cli([
    'models',
    'show',
    '--fleet',
    'turbines',
    '--key',
    'k',
    '--url',
    'http://127.0.0.1:9',
  ]);
  assert.equal(remote.code, 1);
  assert.match(
    remote.stderr,
    /--url is not supported by "aimass models show" yet; .* \[UNAVAILABLE; field url\]/,
  );
  const envUrl = await runCli(['fleets', 'show', 'turbines', '--data-dir', dataDir], {
    AIMASS_URL: 'http://127.0.0.1:9',
  });
  assert.equal(envUrl.code, 0, envUrl.stderr); // AIMASS_URL does not redirect local-only commands
  const unreachable = await cli([
    'predict',
    '--fleet',
    'f',
    '--key',
    'k',
    '--input',
    rowsCsv,
    '--url',
    'http://127.0.0.1:9',
  ]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:9.*\[UNAVAILABLE/);
});
