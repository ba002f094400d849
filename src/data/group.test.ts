import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { categoryColumn, createFrame, numberColumn, timeColumn } from './frame.ts';
import { entityFrame, entityIndex, groupByKey } from './group.ts';
import { plainColumn } from './plain-values.ts';

test('already grouped input is returned as is (no copy), entities in data order', () => {
  const frame = createFrame([
    categoryColumn('key', ['b', 'b', 'a', 'a', 'a', 'c']),
    numberColumn('v', [1, 2, 3, 4, 5, 6]),
  ]);
  const grouped = groupByKey(frame, 'key');
  assert.equal(grouped.reused, true);
  assert.equal(grouped.frame, frame);
  assert.deepEqual(grouped.keys, ['b', 'a', 'c']);
  assert.deepEqual(Array.from(grouped.offsets), [0, 2, 5, 6]);
  const a = entityFrame(grouped, 1);
  assert.deepEqual(plainColumn(a, 'v'), [3, 4, 5]);
  // Zero-copy: the entity's column is a view on the frame's buffer.
  const v = a.columns[1];
  const source = frame.columns[1];
  assert.ok(v.type === 'number' && source.type === 'number' && v.values.buffer === source.values.buffer);
  assert.equal(entityIndex(grouped).get('c'), 2);
  assert.throws(
    () => entityFrame(grouped, 3),
    (e) => isAimassError(e, 'NOT_FOUND'),
  );
});

test('unsorted input: one stable counting sort by key code; missing keys left out', () => {
  const frame = createFrame([
    categoryColumn('key', ['x', 'y', null, 'x', 'z', 'y', 'x']),
    numberColumn('v', [0, 1, 2, 3, 4, 5, 6]),
  ]);
  const grouped = groupByKey(frame, 'key');
  assert.equal(grouped.reused, false);
  assert.deepEqual(grouped.keys, ['x', 'y', 'z']);
  assert.deepEqual(Array.from(grouped.offsets), [0, 3, 5, 6]);
  assert.deepEqual(plainColumn(grouped.frame, 'v'), [0, 3, 6, 1, 5, 4]);
  assert.equal(grouped.missingKeyRows, 1);
  assert.equal(grouped.frame.rowCount, 6);
  // Keys that appear in the dictionary but in no row get no entity.
  const sparse = createFrame([
    { type: 'category', name: 'key', codes: Int32Array.from([2, 0, 2]), dictionary: ['p', 'q', 'r'] },
  ]);
  const g = groupByKey(sparse, 'key');
  assert.deepEqual(g.keys, ['p', 'r']);
  assert.deepEqual(Array.from(g.offsets), [0, 1, 3]);
});

test('time ordering within each entity: stable, missing times last; ordered input reused', () => {
  const frame = createFrame([
    categoryColumn('key', ['a', 'b', 'a', 'a', 'b', 'a']),
    timeColumn('t', [30, 5, null, 10, 1, 10]),
    numberColumn('row', [0, 1, 2, 3, 4, 5]),
  ]);
  const grouped = groupByKey(frame, 'key', { timeColumn: 't' });
  assert.deepEqual(plainColumn(grouped.frame, 'row'), [3, 5, 0, 2, 4, 1]);
  assert.deepEqual(plainColumn(grouped.frame, 't'), [10, 10, 30, null, 1, 5]);
  const again = groupByKey(grouped.frame, 'key', { timeColumn: 't' });
  assert.equal(again.reused, true);
  // Grouped but out of time order: not reused.
  const unordered = createFrame([categoryColumn('key', ['a', 'a']), timeColumn('t', [2, 1])]);
  assert.equal(groupByKey(unordered, 'key', { timeColumn: 't' }).reused, false);
  assert.equal(groupByKey(unordered, 'key').reused, true);
});

test('the key must be a category column', () => {
  const frame = createFrame([numberColumn('id', [1, 2])]);
  assert.throws(
    () => groupByKey(frame, 'id'),
    (e) => isAimassError(e, 'DATA_INVALID'),
  );
  assert.throws(
    () => groupByKey(frame, 'nope'),
    (e) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
});

test('random shuffles: grouping matches a reference stable sort by (key code, time, row)', () => {
  const rng = createRng(3);
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + rng.int(300);
    const keys = Array.from({ length: n }, () => (rng.next() < 0.05 ? null : `k${rng.int(7)}`));
    const times = Array.from({ length: n }, () => (rng.next() < 0.1 ? null : rng.int(20)));
    const frame = createFrame([
      categoryColumn('key', keys),
      timeColumn('t', times),
      numberColumn(
        'row',
        Array.from({ length: n }, (_, i) => i),
      ),
    ]);
    const key = frame.columns[0];
    if (key.type !== 'category') throw new Error('unreachable');
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => key.codes[i] >= 0)
      .sort((a, b) => {
        const byKey = key.codes[a] - key.codes[b];
        if (byKey !== 0) return byKey;
        const ta = times[a] ?? Number.POSITIVE_INFINITY;
        const tb = times[b] ?? Number.POSITIVE_INFINITY;
        return ta - tb || a - b;
      });
    const grouped = groupByKey(frame, 'key', { timeColumn: 't' });
    if (grouped.reused) {
      // Already grouped and ordered: the data order must then satisfy the same rules.
      assert.deepEqual(
        plainColumn(grouped.frame, 'row'),
        Array.from({ length: n }, (_, i) => i),
      );
      continue;
    }
    assert.deepEqual(plainColumn(grouped.frame, 'row'), expected, `trial ${trial}`);
    assert.equal(grouped.offsets[grouped.keys.length], expected.length);
  }
});
