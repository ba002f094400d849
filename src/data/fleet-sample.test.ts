import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { sharedDir } from '../testing/fixtures.ts';
import { readCsv } from './csv/read-csv.ts';
import { groupByKey } from './group.ts';
import { plainColumn } from './plain-values.ts';

const dir = mkdtempSync(join(tmpdir(), 'aimass-fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a generated fleet sample reads exactly as a naive split-and-Number parse', async () => {
  const file = join(dir, 'fleet.csv');
  execFileSync(process.execPath, [
    join(sharedDir, 'bench', 'gen-fleet.mjs'),
    ...['--devices', '3', '--rows', '20', '--seed', '7', '--out', file],
  ]);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const { frame, report } = await readCsv(file, { schema: { ts: { type: 'time', unit: 'seconds' } } });
  assert.equal(report.file, file);
  assert.equal(report.rowsRejected, 0);
  assert.equal(frame.rowCount, 60);
  assert.deepEqual(
    report.schema.map((c) => c.name),
    header,
  );
  assert.deepEqual(
    report.schema.map((c) => c.type),
    ['category', 'time', ...header.slice(2).map(() => 'number')],
  );
  for (let c = 0; c < header.length; c++) {
    const expected = rows.map((row) => {
      if (c === 0) return row[0];
      if (row[c] === '') return null;
      return c === 1 ? Number(row[c]) * 1000 : Number(row[c]);
    });
    assert.deepEqual(plainColumn(frame, header[c]), expected, header[c]);
  }
  // Tiny reads exercise the reused read buffer (rows straddling reads, growth for a long row).
  const small = await readCsv(file, { schema: { ts: { type: 'time', unit: 'seconds' } }, chunkBytes: 7 });
  assert.deepEqual(small.frame, frame);
  await assert.rejects(
    readCsv(file, { chunkBytes: 16, maxRowBytes: 40 }),
    (e) => isAimassError(e, 'FILE_INVALID') && e.context.line === 1,
  );
  const grouped = groupByKey(frame, 'device_id', { timeColumn: 'ts' });
  assert.equal(grouped.reused, true);
  assert.deepEqual(grouped.keys, ['dev-0000000', 'dev-0000001', 'dev-0000002']);
  assert.deepEqual(Array.from(grouped.offsets), [0, 20, 40, 60]);
});
