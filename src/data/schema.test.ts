import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createMissingMatcher } from './missing.ts';
import { inferSchema, inferTextColumnType } from './schema.ts';

test('inferTextColumnType: precedence boolean > number > time > category, missing ignored', () => {
  const missing = createMissingMatcher();
  const type = (values: string[]) => inferTextColumnType(values, missing).type;
  assert.equal(type(['true', 'NO', '1', 'NA']), 'boolean');
  assert.equal(type(['1', '0', '1']), 'number');
  assert.equal(type(['1', '2.5', ' 3 ', '-4e2', '']), 'number');
  assert.equal(type(['2024-01-01', '2024-01-02T00:00:00Z', 'null']), 'time');
  assert.equal(type(['2024-01-01', '5']), 'category');
  assert.equal(type(['1', 'x']), 'category');
  assert.deepEqual(inferTextColumnType(['', 'NA', 'n/a'], missing), { type: 'category', allMissing: true });
});

test('inferSchema: defaults, short rows, override, unknown override column', () => {
  const { columns, warnings } = inferSchema(['a', 'b'], [['1', 'x'], ['2']]);
  assert.deepEqual(
    columns.map((c) => [c.name, c.type, c.inferred]),
    [
      ['a', 'number', true],
      ['b', 'category', true],
    ],
  );
  assert.deepEqual(warnings, []);
  const declared = inferSchema(['a', 'b'], [['1', 'x']], { a: { type: 'time', unit: 'seconds' } });
  assert.deepEqual(declared.columns[0], { name: 'a', type: 'time', unit: 'seconds', inferred: false });
  assert.throws(
    () => inferSchema(['a'], [], { b: { type: 'number' } }),
    (e) => isAimassError(e, 'SCHEMA_INVALID') && e.context.column === 'b',
  );
  assert.throws(
    () => inferSchema(['a'], [], { a: { type: 'text' as never } }),
    (e) => isAimassError(e, 'SCHEMA_INVALID'),
  );
});
