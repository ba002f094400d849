import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { numericValues } from '../data/frame.ts';
import { validateFleetSpec } from '../fleet/spec.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { readBatchBytes } from './batch-formats.ts';
import { splitBatchBytes } from './batch-parts.ts';
import { importFiles } from './file-source.ts';
import { ingestBatch } from './ingest-batch.ts';
import { numericTimeToMs, textTimeToMs } from './time-values.ts';

let dir: string;
let store: Store;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aimass-ingest-'));
  store = await openStore({ dataDir: dir, synchronous: 'NORMAL' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const encoder = new TextEncoder();

async function fleet(name: string, extra: Record<string, unknown> = {}) {
  const spec = validateFleetSpec({
    name,
    key: 'device',
    time: 'ts',
    target: 'y',
    task: 'regression',
    ...extra,
  });
  await store.createFleet(name);
  await store.putSpec(name, spec);
  return spec;
}

async function send(
  spec: ReturnType<typeof validateFleetSpec>,
  text: string,
  format: 'csv' | 'ndjson' | 'json',
  options = {},
) {
  return ingestBatch(
    store,
    spec.name,
    spec,
    (schema) => readBatchBytes(encoder.encode(text), format, 'body', schema),
    {
      source: 'test',
      ...options,
    },
  );
}

test('the auto time rule reads each value on its own: years, epoch seconds, epoch ms, ISO text', () => {
  assert.equal(numericTimeToMs(1955, 'auto'), Date.UTC(1955, 0, 1));
  assert.equal(numericTimeToMs(1_700_000_000, 'auto'), 1_700_000_000_000);
  assert.equal(numericTimeToMs(1_700_000_000_000, 'auto'), 1_700_000_000_000);
  assert.equal(numericTimeToMs(1_700_000_000.5, 'auto'), 1_700_000_000_500);
  for (const bad of [0, 42, 999, 1955.5, 3000, 5e7, 1e15, -1])
    assert.ok(Number.isNaN(numericTimeToMs(bad, 'auto')), String(bad));
  assert.equal(numericTimeToMs(42, 'seconds'), 42_000);
  assert.equal(numericTimeToMs(1955, 'milliseconds'), 1955);
  assert.equal(numericTimeToMs(1955, 'year'), Date.UTC(1955, 0, 1));
  assert.ok(Number.isNaN(numericTimeToMs(1955, 'iso')));
  assert.equal(textTimeToMs('2024-01-02T00:00:00Z', 'auto'), Date.UTC(2024, 0, 2));
  assert.equal(textTimeToMs(' 1955 ', 'auto'), Date.UTC(1955, 0, 1));
  assert.equal(textTimeToMs('1700000000', 'auto'), 1_700_000_000_000);
  assert.ok(Number.isNaN(textTimeToMs('1955', 'iso')));
  assert.ok(Number.isNaN(textTimeToMs('soon', 'auto')));
});

test('the same rows sent as CSV, NDJSON and JSON are stored with the same times (epoch seconds and ISO mixed)', async () => {
  const spec = await fleet('same');
  await send(spec, 'device,ts,y\nc,1700000000,1\nc,2023-11-14T22:13:21Z,2\nc,1700000002000,3\n', 'csv');
  await send(
    spec,
    '{"device":"n","ts":1700000000,"y":1}\n{"device":"n","ts":"2023-11-14T22:13:21Z","y":2}\n{"device":"n","ts":1700000002000,"y":3}\n',
    'ndjson',
  );
  await send(
    spec,
    JSON.stringify([
      { device: 'j', ts: 1700000000, y: 1 },
      { device: 'j', ts: '2023-11-14T22:13:21Z', y: 2 },
      { device: 'j', ts: 1700000002000, y: 3 },
    ]),
    'json',
  );
  const expected = [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000];
  for (const key of ['c', 'n', 'j']) {
    const rows = await store.readRows('same', key);
    assert.deepEqual([...numericValues(rows, 'ts')], expected, key);
    assert.deepEqual(
      rows.columns.map((c) => c.name),
      ['ts', 'y'],
      'the key column is dropped the same way by every format',
    );
  }
});

test('a time column of plain years works; a bad time, a missing key and reserved keys are quarantined with a reason', async () => {
  const spec = await fleet('years');
  const outcome = await send(
    spec,
    'device,ts,y\nIT,1955,1\nIT,1960,2\nIT,1965,3\nIT,soon,4\n,1970,5\n__fallback__,1955,1\n__cluster__1,1955,1\nIT,,9\n',
    'csv',
  );
  assert.ok(outcome.stored);
  const { report } = outcome;
  assert.deepEqual([report.rowsRead, report.rowsAccepted, report.rowsRejected, report.keys], [8, 3, 5, 1]);
  assert.deepEqual(
    report.examples.map((e) => e.reason),
    ['bad-time', 'missing-key', 'bad-key', 'bad-key', 'missing-time'],
  );
  assert.match(report.examples[0].message, /not a time \(expected ISO-8601 text, a year/);
  assert.match(report.examples[2].message, /reserved/);
  const rows = await store.readRows('years', 'IT');
  assert.deepEqual(
    [...numericValues(rows, 'ts')],
    [1955, 1960, 1965].map((y) => Date.UTC(y, 0, 1)),
  );
  assert.equal(await store.rowCount('years', '__fallback__'), 0);
  const quarantine = (await store.listQuarantine('years')).items;
  assert.equal(quarantine.length, 5);
  const soon = quarantine.find((q) => q.raw?.includes('soon'));
  assert.ok(soon, 'the raw row is kept');
  assert.equal(soon.column, 'ts');
  assert.equal(soon.key, 'IT');
});

test('column types registered by the first batch hold for later batches: a bad value rejects its row, not the column', async () => {
  const spec = await fleet('types');
  await send(spec, 'device,ts,y,temp,site\nd,1955,1,20.5,7\n', 'csv');
  const second = await send(
    spec,
    'device,ts,y,temp,site\nd,1956,1,abc,8\nd,1957,2,21,north\nd,1958,3,22,9\n',
    'csv',
  );
  assert.ok(second.stored);
  assert.deepEqual([second.report.rowsAccepted, second.report.rowsRejected], [1, 2]);
  assert.deepEqual(
    second.report.examples.map((e) => e.column),
    ['temp', 'site'],
  );
  const columns = await store.dataColumns('types');
  assert.deepEqual(
    columns.map((c) => [c.name, c.type]),
    [
      ['site', 'number'],
      ['temp', 'number'],
      ['ts', 'time'],
      ['y', 'number'],
    ],
  );
  assert.equal(await store.rowCount('types', 'd'), 2);
  assert.equal((await store.listQuarantine('types')).items.length, 2);
});

test('a batch with a dedupe id is stored once; the resend gets the first answer back', async () => {
  const spec = await fleet('idem');
  const dedupe = { source: 'http', ids: ['batch-1'], keepReceipt: true };
  const first = await send(spec, 'device,ts,y\nd,1955,1\nd,1956,2\n', 'csv', { dedupe });
  assert.ok(first.stored);
  const again = await send(spec, 'device,ts,y\nd,1955,1\nd,1956,2\n', 'csv', { dedupe });
  assert.equal(again.stored, false);
  if (again.stored) return;
  assert.deepEqual(again.duplicates[0].receipt, JSON.parse(JSON.stringify(first.report)));
  assert.equal(await store.rowCount('idem', 'd'), 2);
});

test('files: CSV parts repeat the header and never cut a quoted newline; every part reads on its own', () => {
  const text = 'device,note,y\n' + Array.from({ length: 50 }, (_, i) => `d${i},"two\nlines",${i}\n`).join('');
  const parts = splitBatchBytes(encoder.encode(text), 'csv', 100);
  assert.ok(parts.length > 5);
  let rows = 0;
  let line = 2;
  for (const part of parts) {
    const read = readBatchBytes(part.bytes, 'csv', 'p', { schema: {}, typeHints: {} });
    assert.equal(read.report.rowsRejected, 0);
    assert.equal(part.firstLine, line);
    line += read.frame.rowCount * 2;
    rows += read.frame.rowCount;
  }
  assert.equal(rows, 50);
});

test('importFiles stores a file through the same door and names the file in quarantine rows', async () => {
  const spec = validateFleetSpec({
    name: 'files',
    key: 'device',
    time: 'ts',
    target: 'y',
    task: 'regression',
  });
  const file = join(dir, 'rows.csv');
  writeFileSync(file, 'device,ts,x,y\nd,1955,0,1\nd,1956,1,oops\n__x,1957,2,1\n');
  const result = await importFiles(store, spec, [file]);
  assert.deepEqual(
    [result.rowsRead, result.rowsStored, result.rowsRejected, result.quarantined],
    [3, 1, 2, 2],
  );
  const quarantine = (await store.listQuarantine('files')).items;
  assert.ok(quarantine.every((q) => q.source === file));
  assert.equal(quarantine.find((q) => q.column === 'y')?.line, 3);
});
