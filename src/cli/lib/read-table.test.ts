import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAimassError } from '../../core/errors.ts';
import { detectEpochUnit, readTable } from './read-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('detectEpochUnit: integer seconds, integer milliseconds, anything else null (NaN ignored)', () => {
  assert.equal(detectEpochUnit(new Float64Array([1_704_067_200, Number.NaN, 1_704_070_800])), 'seconds');
  assert.equal(detectEpochUnit(new Float64Array([1_704_067_200_000, 1_704_070_800_000])), 'milliseconds');
  assert.equal(detectEpochUnit(new Float64Array([1_704_067_200.5])), null); // not an integer
  assert.equal(detectEpochUnit(new Float64Array([5, 6])), null); // a counter, not a time
  assert.equal(detectEpochUnit(new Float64Array([1_704_067_200, 1_704_067_200_000])), null); // mixed
  assert.equal(detectEpochUnit(new Float64Array([Number.NaN])), null);
});

test('readTable converts epoch seconds and milliseconds to epoch ms, keeps ISO text, forces the key to text', async () => {
  const seconds = await readTable(file('s.csv', 'id,ts,x\n7,1704067200,1\n8,1704070800,2\n'), {
    keyColumn: 'id',
    timeColumn: 'ts',
  });
  assert.equal(seconds.timeUnit, 'seconds');
  const ts = seconds.frame.columns.find((c) => c.name === 'ts');
  assert.equal(ts?.type, 'time');
  assert.deepEqual(
    Array.from((ts as { values: Float64Array }).values),
    [1_704_067_200_000, 1_704_070_800_000],
  );
  const id = seconds.frame.columns.find((c) => c.name === 'id');
  assert.deepEqual(id?.type === 'category' ? id.dictionary : null, ['7', '8']);

  const millis = await readTable(
    file('m.ndjson', '{"id":"a","ts":1704067200000}\n{"id":"a","ts":1704067201000}\n'),
    {
      timeColumn: 'ts',
    },
  );
  assert.equal(millis.timeUnit, 'milliseconds');
  assert.deepEqual(
    Array.from((millis.frame.columns[1] as { values: Float64Array }).values),
    [1_704_067_200_000, 1_704_067_201_000],
  );

  const iso = await readTable(file('i.csv', 'id,at\na,2024-01-01T00:00:00Z\n'), { timeColumn: 'at' });
  assert.equal(iso.timeUnit, 'iso');
  assert.equal((iso.frame.columns[1] as { values: Float64Array }).values[0], Date.UTC(2024, 0, 1));

  // An explicit unit goes to the reader's schema: a bad value rejects its row instead of failing.
  const explicit = await readTable(file('e.csv', 'id,ts\na,1704067200\na,soon\n'), {
    timeColumn: 'ts',
    timeUnit: 'seconds',
  });
  assert.equal(explicit.frame.rowCount, 1);
  assert.equal(explicit.report.rowsRejected, 1);
});

test('readTable errors name the file and column', async () => {
  const cases: [string, Parameters<typeof readTable>[1], RegExp, string][] = [
    [
      file('small.csv', 'id,ts\na,5\n'),
      { timeColumn: 'ts' },
      /neither epoch seconds .* nor epoch milliseconds/,
      'DATA_INVALID',
    ],
    [file('text.csv', 'id,ts\na,soon\n'), { timeColumn: 'ts' }, /holds category values/, 'DATA_INVALID'],
    [
      file('nots.csv', 'id,x\na,1\n'),
      { timeColumn: 'ts' },
      /no time column "ts" \(columns: id, x\)/,
      'COLUMN_NOT_FOUND',
    ],
    [file('data.xlsx', 'x'), {}, /unknown file type ".xlsx"/, 'FILE_INVALID'],
    [join(dir, 'absent.csv'), {}, /absent\.csv: cannot read/, 'FILE_INVALID'],
  ];
  for (const [path, options, message, code] of cases) {
    await assert.rejects(readTable(path, options), (error: unknown) => {
      assert.ok(isAimassError(error), String(error));
      assert.equal(error.code, code, path);
      assert.match(error.message, message);
      assert.equal(error.context.file, path);
      return true;
    });
  }
});
