import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateFleet, runCli } from '../lib/cli-test-helpers.ts';
import { captureIo } from '../lib/io.ts';
import { main } from '../main.ts';

// Four entities, one per shard, trained in this thread: Ctrl-C lands between shards.
const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-train-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, 'fleet.csv');
const specFile = join(dir, 'spec.yaml');

before(async () => {
  generateFleet(csv, 4, 60, 5);
  const init = await runCli([
    'init',
    '--data',
    csv,
    '--target',
    'target_reg',
    '--name',
    'small',
    '--out',
    specFile,
  ]);
  assert.equal(init.code, 0, init.stderr);
  const text = readFileSync(specFile, 'utf8');
  writeFileSync(
    specFile,
    text.replace('shardSize: 250', 'shardSize: 1').replace('maxTrials: 12', 'maxTrials: 2'),
  );
});

/** Runs `aimass train` and sends Ctrl-C when the first progress line appears. */
async function trainInterrupted(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = captureIo();
  let handler: (() => void) | null = null;
  let sent = false;
  const io = {
    ...base,
    stderr: (text: string) => {
      base.stderr(text);
      if (!sent && text.startsWith('train: ') && handler) {
        sent = true;
        handler();
      }
    },
    onInterrupt: (h: () => void) => {
      handler = h;
      return () => {
        handler = null;
      };
    },
  };
  const code = await main(argv, io);
  return { code, stdout: base.stdoutText(), stderr: base.stderrText() };
}

test('Ctrl-C stops after the shards in flight and leaves the run resumable', async () => {
  const dataDir = join(dir, 'resume');
  const first = await trainInterrupted([
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
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stderr, /interrupted: finishing the shards in flight/);
  const stopped =
    /stopped: (\d)\/4 entities trained in run 1; run `aimass train --fleet small` again to resume/.exec(
      first.stderr,
    );
  assert.ok(stopped, first.stderr);
  assert.ok(Number(stopped[1]) >= 1 && Number(stopped[1]) < 4, first.stderr);

  const again = await runCli([
    'train',
    '--fleet',
    'small',
    '--threads',
    '0',
    '--data-dir',
    dataDir,
    '--json',
  ]);
  assert.equal(again.code, 0, again.stderr);
  const report = JSON.parse(again.stdout);
  assert.equal(report.runId, 1);
  assert.equal(report.resumed, true);
  assert.equal(report.status, 'done');
  assert.equal(report.entitiesDone, 4);
  assert.equal(report.shards, 4);
  assert.equal(report.import, null);
});

test('--cancel-on-interrupt cancels the run; the next train starts a new one', async () => {
  const dataDir = join(dir, 'cancel');
  const first = await trainInterrupted([
    'train',
    ...['--spec', specFile, '--data', csv, '--threads', '0', '--data-dir', dataDir, '--cancel-on-interrupt'],
  ]);
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stdout, /run 1 of fleet "small": cancelled/);

  const again = await runCli([
    'train',
    '--fleet',
    'small',
    '--threads',
    '0',
    '--data-dir',
    dataDir,
    '--quiet',
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /run 2 of fleet "small": done/);
  assert.match(again.stdout, /resumed {4}no/);
  assert.equal(again.stderr, ''); // --quiet
});

test('train --spec --data imports first and reports the import in --json; --keys trains a subset', async () => {
  const dataDir = join(dir, 'oneshot');
  const run = await runCli([
    'train',
    ...[
      '--spec',
      specFile,
      '--data',
      csv,
      '--threads',
      '0',
      '--data-dir',
      dataDir,
      '--keys',
      'dev-0000001,dev-0000003',
      '--json',
    ],
  ]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.import.rowsStored, 240);
  assert.equal(report.import.keys, 4);
  assert.equal(report.entitiesTotal, 2);
  assert.equal(report.status, 'done');
  const models = await runCli(['models', 'ls', '--fleet', 'small', '--data-dir', dataDir, '--json']);
  const keys = JSON.parse(models.stdout).items.map((m: { key: string }) => m.key);
  assert.deepEqual(keys.sort(), ['__fallback__', 'dev-0000001', 'dev-0000003']);

  const noSpec = await runCli(['train', '--data', csv, '--data-dir', dataDir]);
  assert.equal(noSpec.code, 2);
  assert.match(noSpec.stderr, /--data needs --spec/);
  const unknown = await runCli(['train', '--fleet', 'other', '--data-dir', dataDir]);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /fleet "other" does not exist \(aimass import creates it\) \[FLEET_NOT_FOUND; fleet other\]/,
  );
});

test('a failed train --spec leaves no fleet behind: the retry creates it, not "spec v1 unchanged"', async () => {
  const dataDir = join(dir, 'rollback');
  // The same rows without the target column: the import refuses the file after the spec was read.
  const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
  const drop = header.split(',').indexOf('target_reg');
  assert.ok(drop >= 0);
  const withoutTarget = join(dir, 'no-target.csv');
  const cut = (line: string) =>
    line
      .split(',')
      .filter((_, j) => j !== drop)
      .join(',');
  writeFileSync(withoutTarget, `${[header, ...rows].map(cut).join('\n')}\n`);
  const failed = await runCli([
    'train',
    '--spec',
    specFile,
    '--data',
    withoutTarget,
    '--threads',
    '0',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /target_reg/);
  const fleets = await runCli(['fleets', 'ls', '--data-dir', dataDir, '--json']);
  assert.equal(fleets.code, 0, fleets.stderr);
  assert.doesNotMatch(fleets.stdout, /"small"/);

  const retry = await runCli([
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
  assert.equal(retry.code, 0, retry.stderr);
  assert.match(retry.stderr, /created fleet "small" with spec v1/);
  assert.doesNotMatch(retry.stderr, /unchanged/);
});

test('train --quiet prints neither the progress line nor the import report', async () => {
  const dataDir = join(dir, 'quiet');
  const argv = ['train', '--spec', specFile, '--data', csv, '--threads', '0', '--data-dir', dataDir];
  const quiet = await runCli([...argv, '--quiet']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.match(quiet.stdout, /run 1 of fleet "small": done/);
  // Without --quiet the same call reports the import (so the check above can fail).
  const loud = await runCli([...argv.slice(0, -2), '--data-dir', join(dir, 'loud')]);
  assert.match(loud.stderr, /imported 240 of 240 rows/);
});
