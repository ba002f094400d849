import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import {
  booleanColumn,
  categoryColumn,
  createFrame,
  numberColumn,
  sliceFrame,
  timeColumn,
} from '../data/frame.ts';
import { decodeChunk, decodeChunks, encodeChunk, readChunkHeader } from './chunk-codec.ts';

const frame = createFrame([
  timeColumn('ts', [2000, Number.NaN, 1000, 3000]),
  numberColumn('x', [1.25, Number.NaN, -0, Number.POSITIVE_INFINITY]),
  categoryColumn('site', ['north', null, 'south', 'north']),
  booleanColumn('on', [true, null, false, true]),
]);

test('round trip is bit-exact, including NaN, -0 and Infinity', () => {
  const decoded = decodeChunk(encodeChunk(frame));
  assert.equal(decoded.rowCount, 4);
  assert.deepEqual(
    decoded.columns.map((c) => [c.name, c.type]),
    frame.columns.map((c) => [c.name, c.type]),
  );
  const x = decoded.columns[1];
  assert.ok(x.type === 'number');
  assert.ok(Object.is(x.values[2], -0));
  assert.deepEqual(
    new Uint8Array(x.values.buffer),
    new Uint8Array((frame.columns[1] as typeof x).values.buffer),
  );
  const site = decoded.columns[2];
  assert.ok(site.type === 'category');
  assert.deepEqual([...site.codes], [0, -1, 1, 0]);
  assert.deepEqual(site.dictionary, ['north', 'south']);
  const on = decoded.columns[3];
  assert.ok(on.type === 'boolean');
  assert.deepEqual([...on.values], [1, -1, 0, 1]);
});

test('header: row count and time range skipping missing times', () => {
  assert.deepEqual(readChunkHeader(encodeChunk(frame)), { rowCount: 4, minTime: 1000, maxTime: 3000 });
  const explicit = readChunkHeader(encodeChunk(frame, { timeColumn: 'x' }));
  assert.deepEqual([explicit.minTime, explicit.maxTime], [-0, Number.POSITIVE_INFINITY]);
  const none = readChunkHeader(encodeChunk(createFrame([numberColumn('x', [1])])));
  assert.ok(Number.isNaN(none.minTime) && Number.isNaN(none.maxTime));
  const allMissing = readChunkHeader(encodeChunk(createFrame([timeColumn('t', [Number.NaN])])));
  assert.ok(Number.isNaN(allMissing.minTime));
  assert.throws(
    () => encodeChunk(frame, { timeColumn: 'site' }),
    (e: unknown) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
  const empty = decodeChunk(encodeChunk(createFrame([], 0)));
  assert.deepEqual([empty.rowCount, empty.columns.length], [0, 0]);
});

test('every truncation and bad bytes fail with CODEC_CORRUPT', () => {
  const bytes = encodeChunk(frame);
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(
      () => decodeChunk(bytes.subarray(0, length)),
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
      `prefix of ${length} bytes`,
    );
  }
  const trailing = new Uint8Array(bytes.length + 1);
  trailing.set(bytes);
  assert.throws(
    () => decodeChunk(trailing),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const badMagic = bytes.slice();
  badMagic[0] ^= 1;
  assert.throws(
    () => readChunkHeader(badMagic),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const future = bytes.slice();
  future[4] = 9;
  assert.throws(
    () => readChunkHeader(future),
    (e: unknown) => isAimassError(e, 'CODEC_UNSUPPORTED'),
  );
  assert.throws(
    () =>
      encodeChunk(createFrame([{ type: 'category', name: 'c', codes: Int32Array.of(2), dictionary: ['a'] }])),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
  // A code past its dictionary can only come from damaged bytes: the codes are the chunk's last 4 bytes.
  const badCode = encodeChunk(createFrame([categoryColumn('c', ['a'])]));
  new DataView(badCode.buffer, badCode.byteOffset).setInt32(badCode.length - 4, 2, true);
  assert.throws(
    () => decodeChunk(badCode),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const wrongRows = encodeChunk({ rowCount: 2, columns: [numberColumn('x', [1])] });
  assert.throws(
    () => decodeChunk(wrongRows),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
});

test('decodeChunks: union of columns, merged dictionaries, missing where absent', () => {
  const a = encodeChunk(createFrame([numberColumn('x', [1]), categoryColumn('c', ['p', 'q'].slice(0, 1))]));
  const b = encodeChunk(
    createFrame([categoryColumn('c', ['q', 'p', null]), booleanColumn('on', [true, false, null])]),
  );
  const merged = decodeChunks([a, b]);
  assert.equal(merged.rowCount, 4);
  const [x, c, on] = merged.columns;
  assert.ok(x.type === 'number' && c.type === 'category' && on.type === 'boolean');
  assert.deepEqual([...x.values], [1, Number.NaN, Number.NaN, Number.NaN]);
  assert.deepEqual(c.dictionary, ['p', 'q']);
  assert.deepEqual([...c.codes], [0, 1, 0, -1]);
  assert.deepEqual([...on.values], [-1, 1, 0, -1]);
  assert.deepEqual(decodeChunks([]), { rowCount: 0, columns: [] });
  const conflict = encodeChunk(createFrame([booleanColumn('x', [true])]));
  assert.throws(
    () => decodeChunks([a, conflict]),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});

test('chunk: a slice of a big frame stores only the categories it uses', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `device-${i}`);
  const big = createFrame([
    categoryColumn(
      'key',
      keys.flatMap((k) => [k, k]),
    ),
    numberColumn(
      'x',
      Float64Array.from({ length: 10000 }, (_, i) => i),
    ),
  ]);
  const slice = sliceFrame(big, 200, 204);
  const bytes = encodeChunk(slice);
  assert.ok(bytes.length < 300, `a 4-row chunk is ${bytes.length} bytes`);
  const decoded = decodeChunk(bytes);
  const key = decoded.columns.find((c) => c.name === 'key');
  assert.ok(key && key.type === 'category');
  assert.deepEqual([...key.dictionary], ['device-100', 'device-101']);
  assert.deepEqual(
    Array.from(key.codes, (c) => key.dictionary[c]),
    ['device-100', 'device-100', 'device-101', 'device-101'],
  );
});
