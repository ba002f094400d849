import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateFleet, runCli, runJson } from './lib/cli-test-helpers.ts';

// One small fleet imported and trained once (threads 0), then every read command against it.
const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const csv = join(dir, 'fleet.csv');
const specFile = join(dir, 'spec.yaml');
const rowsCsv = join(dir, 'rows.csv');
const rowsNdjson = join(dir, 'rows.ndjson');

const cli = (argv: string[]) => runCli([...argv, '--data-dir', dataDir]);
const cliJson = <T = Record<string, unknown>>(argv: string[]) => runJson<T>([...argv, '--data-dir', dataDir]);

interface Prediction {
  key: string;
  model: { key: string; version: number; algorithm: string; fallback: string | null };
  predictions: number[];
}

before(async () => {
  generateFleet(csv, 6, 200, 1);
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  // An entity with too few rows (fallback), and a bad value past the type-inference window (line 1213).
  const small = lines.slice(1, 11).map((l) => l.replace('dev-0000000', 'dev-small'));
  const bad = lines[12].replace('dev-0000000', 'dev-0000001').split(',');
  bad[2] = 'hot';
  appendFileSync(csv, `${small.join('\n')}\n${bad.join(',')}\n`);
  writeFileSync(rowsCsv, `${[lines[0], ...lines.slice(400, 403)].join('\n')}\n`);
  const header = lines[0].split(',');
  const ndjson = lines.slice(400, 403).map((line) => {
    const cells = line.split(',');
    const row: Record<string, unknown> = {};
    header.forEach((name, i) => {
      row[name] =
        name === 'device_id' ? cells[i] : name === 'ts' ? Number(cells[i]) * 1000 : Number(cells[i]);
    });
    return JSON.stringify(row);
  });
  writeFileSync(rowsNdjson, `${ndjson.join('\n')}\n`);
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
});

test('import stores rows per entity and quarantines the bad row with file and line', async () => {
  const { code, value, stderr } = await cliJson<{
    keys: number;
    rowsRead: number;
    rowsStored: number;
    rowsRejected: number;
    quarantined: number;
    createdFleet: boolean;
    files: { timeUnit: string; examples: { line: number; column: string }[] }[];
  }>(['import', '--spec', specFile, csv]);
  assert.equal(code, 0, stderr);
  assert.equal(value.createdFleet, true);
  assert.equal(value.keys, 7);
  assert.equal(value.rowsRead, 1211);
  assert.equal(value.rowsStored, 1210);
  assert.equal(value.rowsRejected, 1);
  assert.equal(value.quarantined, 1);
  assert.equal(value.files[0].timeUnit, 'auto');
  assert.equal(value.files[0].examples[0].line, 1212);
  assert.equal(value.files[0].examples[0].column, 'f1');

  const show = await cliJson<{ recentQuarantine: { source: string; line: number; column: string }[] }>([
    'fleets',
    'show',
    'turbines',
  ]);
  assert.equal(show.code, 0);
  assert.equal(show.value.recentQuarantine.length, 1);
  assert.deepEqual(
    { ...show.value.recentQuarantine[0], source: show.value.recentQuarantine[0].source },
    { ...show.value.recentQuarantine[0], source: csv, line: 1212, column: 'f1' },
  );
});

test('train runs to done with a fallback for the small entity, and prints a summary', async () => {
  const run = await cli(['train', '--fleet', 'turbines', '--threads', '0']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /run 1 of fleet "turbines": done/);
  assert.match(run.stdout, /entities {3}7\/7/);
  assert.match(run.stdout, /fallbacks {2}1 \(too_few_rows 1\)/);
  assert.match(run.stdout, /models {5}7 written by the run/);
  assert.match(run.stdout, /resumed {4}no/);
  // Not a terminal: progress is plain lines on stderr.
  assert.match(run.stderr, /train: {2}7\/7 entities \(100%\)/);
  assert.doesNotMatch(run.stderr, /\r/);
});

test('models ls / show / history, with filters and --json', async () => {
  const all = await cliJson<{ items: { key: string; status: string }[]; nextCursor: string | null }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
  ]);
  assert.equal(all.code, 0);
  assert.equal(all.value.items.length, 8); // 7 entities + the fleet fallback
  assert.ok(all.value.items.every((m) => m.status === 'champion'));

  const fallback = await cliJson<{ items: { key: string; fallbackReason: string }[] }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
    '--fallback',
    'yes',
  ]);
  assert.deepEqual(
    fallback.value.items.map((m) => [m.key, m.fallbackReason]),
    [['dev-small', 'too_few_rows']],
  );

  const good = await cliJson<{ items: { key: string }[] }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
    '--metric',
    'rmse>=0',
  ]);
  assert.equal(good.value.items.length, 7); // every model with an rmse: not the empty fallback marker
  assert.ok(good.value.items.every((m) => m.key !== 'dev-small'));
  const none = await cliJson<{ items: unknown[] }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
    '--metric',
    'rmse<0',
  ]);
  assert.equal(none.value.items.length, 0);
  const badMetric = await cli(['models', 'ls', '--fleet', 'turbines', '--metric', 'rmse~1']);
  assert.equal(badMetric.code, 2);
  assert.match(badMetric.stderr, /--metric must look like NAME<OP>NUMBER/);

  const paged = await cliJson<{ items: unknown[]; nextCursor: string }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
    '--limit',
    '5',
  ]);
  assert.equal(paged.value.items.length, 5);
  const rest = await cliJson<{ items: unknown[]; nextCursor: null }>([
    'models',
    'ls',
    '--fleet',
    'turbines',
    '--cursor',
    paged.value.nextCursor,
  ]);
  assert.equal(rest.value.items.length, 3);
  assert.equal(rest.value.nextCursor, null);

  const table = await cli(['models', 'ls', '--fleet', 'turbines', '--status', 'champion']);
  assert.match(table.stdout, /^KEY +VERSION +STATUS +ALGORITHM +RMSE/);

  const show = await cliJson<{
    model: { key: string; version: number };
    bundle: { meta: { key: string }; checksum: { ok: boolean } };
  }>(['models', 'show', '--fleet', 'turbines', '--key', 'dev-0000001']);
  assert.equal(show.value.model.key, 'dev-0000001');
  assert.equal(show.value.bundle.meta.key, 'dev-0000001');
  assert.equal(show.value.bundle.checksum.ok, true);
  const text = await cli(['models', 'show', '--fleet', 'turbines', '--key', 'dev-small']);
  assert.match(text.stdout, /fallback {4}yes: too_few_rows/);
  assert.match(text.stdout, /bundle {6}none: the fleet fallback/);

  const history = await cliJson<{ items: { version: number }[] }>([
    'models',
    'history',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000003',
  ]);
  assert.deepEqual(
    history.value.items.map((m) => m.version),
    [1],
  );
  const missing = await cli([
    'models',
    'show',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000003',
    '--version',
    '9',
  ]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /no version 9 of key "dev-0000003" \[MODEL_NOT_FOUND; key dev-0000003; fleet turbines\]/,
  );
});

test('predict: own model, fallback with its reason, CSV and NDJSON inputs agree', async () => {
  const own = await cliJson<Prediction>([
    'predict',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000002',
    '--input',
    rowsCsv,
  ]);
  assert.equal(own.code, 0, own.stderr);
  assert.equal(own.value.model.key, 'dev-0000002');
  assert.equal(own.value.model.fallback, null);
  assert.equal(own.value.predictions.length, 3);
  assert.ok(own.value.predictions.every(Number.isFinite));
  const ndjson = await cliJson<Prediction>([
    'predict',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000002',
    '--input',
    rowsNdjson,
  ]);
  assert.deepEqual(ndjson.value.predictions, own.value.predictions);

  const small = await cliJson<Prediction>([
    'predict',
    '--fleet',
    'turbines',
    '--key',
    'dev-small',
    '--input',
    rowsCsv,
  ]);
  assert.deepEqual(small.value.model, {
    ...small.value.model,
    key: '__fallback__',
    fallback: 'too_few_rows',
  });
  const unknown = await cli(['predict', '--fleet', 'turbines', '--key', 'dev-9999', '--input', rowsCsv]);
  assert.equal(unknown.code, 0);
  assert.match(unknown.stdout, /model __fallback__ v1 .*served by the fleet fallback, reason: unknown_key/);
  assert.match(unknown.stdout, /^ROW +PREDICTION$/m);

  const noColumn = join(dir, 'no-f3.csv');
  writeFileSync(noColumn, 'f1,f2\n1,2\n');
  const missing = await cli(['predict', '--fleet', 'turbines', '--key', 'dev-0000002', '--input', noColumn]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no-f3\.csv: no input column "f3"/);
});

test('predict: a bad cell rejects its own row (typed by the model, not the file); the other rows are predicted', async () => {
  // The same three rows with the second row's f2 unreadable as a number.
  const [header, ...rows] = readFileSync(rowsCsv, 'utf8').trimEnd().split('\n');
  const f2 = header.split(',').indexOf('f2');
  assert.ok(f2 >= 0);
  const cells = rows[1].split(',');
  cells[f2] = 'abc';
  const bad = join(dir, 'bad-row-2.csv');
  writeFileSync(bad, `${[header, rows[0], cells.join(','), rows[2]].join('\n')}\n`);
  const args = ['predict', '--fleet', 'turbines', '--key', 'dev-0000002', '--input'];
  const good = await cliJson<Prediction>([...args, rowsCsv]);
  assert.equal(good.code, 0, good.stderr);

  const partial = await cliJson<
    Prediction & { rows: number[]; rejected: { row: number; line: number; column: string }[] }
  >([...args, bad]);
  assert.equal(partial.code, 1, partial.stderr);
  assert.deepEqual(partial.value.rows, [1, 3]);
  assert.deepEqual(partial.value.predictions, [good.value.predictions[0], good.value.predictions[2]]);
  assert.deepEqual(
    partial.value.rejected.map(({ row, line, column }) => ({ row, line, column })),
    [{ row: 2, line: 3, column: 'f2' }],
  );
  const text = await cli([...args, bad]);
  assert.equal(text.code, 1);
  assert.match(text.stderr, /bad-row-2\.csv:3: not predicted: .*f2/);
  assert.doesNotMatch(text.stderr, /row 1\b|:2:/);
  assert.match(text.stdout, /^3 +\S+$/m);

  const allBad = join(dir, 'all-bad.csv');
  writeFileSync(allBad, `${header}\n${cells.join(',')}\n`);
  const none = await cli([...args, allBad]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /1 row\(s\) of .*all-bad\.csv cannot be read \(no row left to predict\)/);
});

test('predict --url asks a running server and prints the same answer', async () => {
  const { openStore } = await import('../store/index.ts');
  const { startServer } = await import('../serve/server.ts');
  const { loadPredictor } = await import('../fleet/load-predictor.ts');
  const store = await openStore({ dataDir });
  const server = await startServer({ store, loadPredictor, port: 0, tokensEnv: '' });
  try {
    for (const key of ['dev-0000002', 'dev-small']) {
      const local = await cliJson<Prediction>([
        'predict',
        '--fleet',
        'turbines',
        '--key',
        key,
        '--input',
        rowsCsv,
      ]);
      const remote = await runJson<Prediction>([
        'predict',
        ...['--fleet', 'turbines', '--key', key, '--input', rowsCsv, '--url', server.url],
      ]);
      assert.equal(remote.code, 0, remote.stderr);
      assert.deepEqual(remote.value, local.value);
    }
    for (const argv of [
      ['models', 'ls', '--fleet', 'turbines', '--status', 'champion', '--metric', 'rmse >= 0'],
      ['models', 'history', '--fleet', 'turbines', '--key', 'dev-0000003'],
      ['fleets', 'ls'],
    ]) {
      const local = await cliJson(argv);
      const remote = await runJson([...argv, '--url', server.url]);
      assert.equal(remote.code, 0, remote.stderr);
      assert.deepEqual(remote.value, local.value, argv.join(' '));
    }
    const missing = await runCli([
      'predict',
      '--fleet',
      'nope',
      '--key',
      'k',
      '--input',
      rowsCsv,
      '--url',
      server.url,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\[FLEET_NOT_FOUND/);
  } finally {
    await server.close();
    await store.close();
  }
});

test('export → import-model round trip; corrupt bundles are rejected with the codec error', async () => {
  const file = join(dir, 'dev-1.aimb');
  const exported = await cliJson<{ bytes: number; version: number }>([
    'export',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000001',
    '--out',
    file,
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(readFileSync(file).length, exported.value.bytes);

  const imported = await cliJson<{ model: { version: number; status: string } }>([
    'import-model',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
    file,
    '--promote',
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(imported.value.model, { ...imported.value.model, version: 2, status: 'champion' });
  const one = await cliJson<Prediction>([
    'predict',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000001',
    '--input',
    rowsCsv,
  ]);
  const four = await cliJson<Prediction>([
    'predict',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
    '--input',
    rowsCsv,
  ]);
  assert.equal(four.value.model.version, 2);
  assert.deepEqual(four.value.predictions, one.value.predictions);

  const bytes = readFileSync(file);
  const truncated = join(dir, 'truncated.aimb');
  writeFileSync(truncated, bytes.subarray(0, 100));
  const flipped = join(dir, 'flipped.aimb');
  const copy = Buffer.from(bytes);
  copy[copy.length >> 1] ^= 0xff;
  writeFileSync(flipped, copy);
  for (const bad of [truncated, flipped]) {
    const run = await cli(['import-model', '--fleet', 'turbines', '--key', 'dev-0000005', bad]);
    assert.equal(run.code, 1, bad);
    assert.match(run.stderr, /not a valid model bundle: .*\[CODEC_CORRUPT; file /);
  }
  const history = await cliJson<{ items: unknown[] }>([
    'models',
    'history',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000005',
  ]);
  assert.equal(history.value.items.length, 1); // nothing stored

  const noBundle = await cli([
    'export',
    '--fleet',
    'turbines',
    '--key',
    'dev-small',
    '--out',
    join(dir, 'x.aimb'),
  ]);
  assert.equal(noBundle.code, 1);
  assert.match(noBundle.stderr, /the fleet fallback serves it \(too_few_rows\); export --key __fallback__/);
  const exists = await cli(['export', '--fleet', 'turbines', '--key', 'dev-0000001', '--out', file]);
  assert.equal(exists.code, 1);
  assert.match(exists.stderr, /exists; pass --force/);
});

test('models rollback / promote move the champion between versions', async () => {
  const rollback = await cliJson<{ champion: number; previous: number }>([
    'models',
    'rollback',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
  ]);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.deepEqual(rollback.value, { fleet: 'turbines', key: 'dev-0000004', champion: 1, previous: 2 });
  const promote = await cli([
    'models',
    'promote',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
    '--version',
    '2',
    '--reason',
    'test',
  ]);
  assert.equal(promote.code, 0, promote.stderr);
  assert.equal(promote.stdout, 'turbines/dev-0000004: champion is now v2 (was v1)\n');
  const missing = await cli([
    'models',
    'promote',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
    '--version',
    '7',
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no version 7 of key "dev-0000004"/);
  const usage = await cli(['models', 'promote', '--fleet', 'turbines', '--key', 'dev-0000004']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--version is required/);
  const history = await cliJson<{ items: { version: number; status: string }[] }>([
    'models',
    'history',
    '--fleet',
    'turbines',
    '--key',
    'dev-0000004',
  ]);
  assert.deepEqual(
    history.value.items.map((m) => [m.version, m.status]),
    [
      [2, 'champion'],
      [1, 'archived'],
    ],
  );
});

test('fleets ls / show', async () => {
  const list = await cliJson<{
    items: { name: string; task: string; latestRun: { status: string; keysDone: number } }[];
  }>(['fleets', 'ls']);
  assert.deepEqual(
    list.value.items.map((f) => [f.name, f.task, f.latestRun.status, f.latestRun.keysDone]),
    [['turbines', 'regression', 'done', 7]],
  );
  const show = await cli(['fleets', 'show', 'turbines']);
  assert.match(show.stdout, /data {8}7 keys, 1,210 rows/);
  assert.match(show.stdout, /latest run {2}1 done: 7\/7 keys/);
});

test('import into an existing fleet: --fleet alone keeps the spec, a changed spec is a new version', async () => {
  const more = await cliJson<{
    specVersion: number;
    specChanged: boolean;
    rowsStored: number;
    files: { timeUnit: string }[];
  }>(['import', '--fleet', 'turbines', rowsNdjson]);
  assert.equal(more.code, 0, more.stderr);
  assert.deepEqual(
    [more.value.specVersion, more.value.specChanged, more.value.rowsStored, more.value.files[0].timeUnit],
    [1, false, 3, 'auto'],
  );
  const changed = join(dir, 'spec-v2.yaml');
  writeFileSync(changed, readFileSync(specFile, 'utf8').replace('minRows: 30', 'minRows: 20'));
  const v2 = await cli(['import', '--spec', changed, rowsCsv]);
  assert.equal(v2.code, 0, v2.stderr);
  assert.match(v2.stdout, /fleet "turbines": spec changed, now v2/);
  const same = await cli(['import', '--spec', changed, rowsCsv]);
  assert.match(same.stdout, /fleet "turbines" \(spec v2 unchanged\)/);
  const renamed = await cli(['import', '--spec', changed, '--fleet', 'other', rowsCsv]);
  assert.equal(renamed.code, 1);
  assert.match(renamed.stderr, /--fleet "other" differs from the spec's name "turbines"/);
});
