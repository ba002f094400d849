import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { rowsToFrame } from './rows-to-frame.ts';

const columns = [
  { name: 'f1', type: 'number' },
  { name: 'f2', type: 'number' },
  { name: 'zone', type: 'category' },
  { name: 'ts', type: 'time' },
  { name: 'on', type: 'boolean' },
] as const;

test('builds typed columns in input-column order; missing and null are missing values', () => {
  const frame = rowsToFrame(
    [
      { f1: 1.5, f2: -2, zone: 'a', ts: '2024-01-01T00:00:00Z', on: true, extra: 'ignored' },
      { f1: null, zone: 3, ts: 86_400_000, on: false },
      { f2: 0, zone: 'a', on: null },
    ],
    columns,
  );
  assert.equal(frame.rowCount, 3);
  assert.deepEqual(
    frame.columns.map((c) => [c.name, c.type]),
    columns.map((c) => [c.name, c.type]),
  );
  const [f1, f2, zone, ts, on] = frame.columns;
  assert.ok(
    f1.type === 'number' &&
      f2.type === 'number' &&
      zone.type === 'category' &&
      ts.type === 'time' &&
      on.type === 'boolean',
  );
  assert.deepEqual([...f1.values], [1.5, Number.NaN, Number.NaN]);
  assert.deepEqual([...f2.values], [-2, Number.NaN, 0]);
  assert.deepEqual([...zone.codes], [0, 1, 0]);
  assert.deepEqual(zone.dictionary, ['a', '3']);
  assert.deepEqual([...ts.values], [Date.UTC(2024, 0, 1), 86_400_000, Number.NaN]);
  assert.deepEqual([...on.values], [1, 0, -1]);
});

test('a wrong type names the request path, row and field', () => {
  const rows = [{ f1: 1 }, { f1: 2 }, { f1: 3 }, { f1: 4, f2: 'abc' }];
  assert.throws(
    () => rowsToFrame(rows, columns, { rowPath: (i) => `items[${i}].row` }),
    (e) => {
      assert.ok(isAimassError(e, 'ROW_INVALID'));
      assert.equal(e.message, 'items[3].row.f2: expected number, got "abc"');
      assert.equal(e.context.field, 'items[3].row.f2');
      assert.equal(e.context.row, 3);
      return true;
    },
  );
  // rowIndex maps frame rows back to request positions (batches grouped by model).
  assert.throws(() => rowsToFrame([{ f1: 'x' }], columns, { rowIndex: [7] }), {
    message: 'rows[7].f1: expected number, got "x"',
  });
});

test('rejects non-finite-looking values, bad times, objects and non-boolean flags', () => {
  assert.throws(
    () => rowsToFrame([{ ts: 'yesterday' }], columns),
    /rows\[0\]\.ts: expected an ISO-8601 time/,
  );
  assert.throws(() => rowsToFrame([{ on: 1 }], columns), /rows\[0\]\.on: expected boolean, got 1/);
  assert.throws(
    () => rowsToFrame([{ zone: { a: 1 } }], columns),
    /rows\[0\]\.zone: expected string, got \{"a":1\}/,
  );
  assert.throws(() => rowsToFrame([{ f1: true }], columns), /rows\[0\]\.f1: expected number, got true/);
});

test('zero rows give an empty frame with every column', () => {
  const frame = rowsToFrame([], columns);
  assert.equal(frame.rowCount, 0);
  assert.equal(frame.columns.length, 5);
});

test('only own fields are read: a column named "constructor" is missing when absent', () => {
  const frame = rowsToFrame([{}, { constructor: 2 }], [{ name: 'constructor', type: 'number' }]);
  const [column] = frame.columns;
  assert.ok(column.type === 'number');
  assert.deepEqual([...column.values], [Number.NaN, 2]);
});
