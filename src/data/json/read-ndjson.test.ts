import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../../core/errors.ts';
import { plainColumn } from '../plain-values.ts';
import { parseJsonArrayText, readJsonArray } from './read-json-array.ts';
import { parseNdjsonText, readNdjson } from './read-ndjson.ts';

test('NDJSON: types inferred from values, CRLF and blank lines, keys in first-seen order', () => {
  const text = [
    '{"id":"a","v":1.5,"t":"2024-01-01T00:00:00Z","ok":true}',
    '',
    '{"id":"b","v":"2","ok":false,"extra_first":1}\r',
    '{"v":null,"id":"a","t":"2024-01-02","ok":null}',
  ].join('\n');
  const { frame, report } = parseNdjsonText(text);
  assert.deepEqual(
    report.schema.map((c) => [c.name, c.type]),
    [
      ['id', 'category'],
      ['v', 'number'],
      ['t', 'time'],
      ['ok', 'boolean'],
      ['extra_first', 'number'],
    ],
  );
  assert.deepEqual(plainColumn(frame, 'v'), [1.5, 2, null]);
  assert.deepEqual(plainColumn(frame, 't'), [Date.UTC(2024, 0, 1), null, Date.UTC(2024, 0, 2)]);
  assert.deepEqual(plainColumn(frame, 'ok'), [true, false, null]);
  assert.deepEqual(plainColumn(frame, 'extra_first'), [null, 1, null]);
  assert.equal(report.blankLines, 1);
  assert.equal(report.format, 'ndjson');
});

test('NDJSON: bad lines are rejected with their line number; reading goes on', () => {
  const text = [
    '{"id":"a","v":1}',
    '{"id":"b","v":2',
    '[1,2]',
    '{"id":"c","v":"abc"}',
    '{"id":"d","v":{"nested":1}}',
    '{"id":"e","v":5,"late":true}',
    '7',
  ].join('\n');
  const { frame, report } = parseNdjsonText(text, { inferRows: 1, fileName: 'x.ndjson' });
  assert.deepEqual(plainColumn(frame, 'id'), ['a', 'e']);
  assert.deepEqual(plainColumn(frame, 'v'), [1, 5]);
  assert.deepEqual(report.issuesByReason, {
    'bad-json': 1,
    'not-object': 2,
    'bad-value': 1,
    'nested-value': 1,
  });
  assert.deepEqual(
    report.examples.map((e) => [e.line, e.reason]),
    [
      [2, 'bad-json'],
      [3, 'not-object'],
      [4, 'bad-value'],
      [5, 'nested-value'],
      [7, 'not-object'],
    ],
  );
  assert.match(report.examples[2].message, /^x\.ndjson:4: column "v": value "abc" is not a number/);
  assert.equal(report.quarantine[0].raw, '{"id":"b","v":2');
  assert.match(report.warnings.join('\n'), /key "late" \(first at line 6\)/);
  // The key "c" of the rejected row is not in the dictionary.
  const id = frame.columns[0];
  assert.deepEqual(id.type === 'category' && id.dictionary, ['a', 'e']);
});

test('NDJSON: schema override with epoch seconds, declared column absent from the sample', () => {
  const text = '{"ts":1704067200,"v":1}\n{"ts":1704070800,"v":2,"later":"x"}\n';
  const { frame } = parseNdjsonText(text, {
    inferRows: 1,
    schema: { ts: { type: 'time', unit: 'seconds' }, later: { type: 'category' } },
  });
  assert.deepEqual(plainColumn(frame, 'ts'), [1704067200000, 1704070800000]);
  assert.deepEqual(plainColumn(frame, 'later'), [null, 'x']);
  assert.throws(
    () => parseNdjsonText(text, { inferRows: 1, onBadValue: 'fail', schema: { v: { type: 'boolean' } } }),
    (e) => isAimassError(e, 'ROW_INVALID') && e.context.line === 2 && e.context.column === 'v',
  );
});

test('NDJSON: streaming in small chunks equals one buffer; empty input is an empty frame', async () => {
  const text = '\ufeff{"a":1,"b":"é"}\r\n{"a":2,"b":"ü"}\n\n{"a":"bad"}\n{"a":3}';
  const expected = parseNdjsonText(text, { inferRows: 1 });
  async function* chunks(size: number) {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  for (const size of [1, 2, 3, 7]) {
    const actual = await readNdjson(chunks(size), { inferRows: 1 });
    assert.deepEqual(actual.frame, expected.frame);
    assert.deepEqual(actual.report, expected.report);
  }
  assert.deepEqual(plainColumn(expected.frame, 'b'), ['é', 'ü', null]);
  const empty = parseNdjsonText('');
  assert.equal(empty.frame.rowCount, 0);
  assert.equal(empty.frame.columns.length, 0);
});

test('JSON array: rows by element index; whole-document errors are FILE_INVALID', async () => {
  const text = '[{"k":"a","n":1},{"k":"b","n":"x"},3,{"k":"c","n":2.5,"__proto__":{"k":1}}]';
  const { frame, report } = parseJsonArrayText(text, { inferRows: 1 });
  assert.deepEqual(plainColumn(frame, 'n'), [1, 2.5]);
  // A "__proto__" key is plain data: not a column here (not in the sample), and nothing polluted.
  assert.match(report.warnings.join('\n'), /key "__proto__" \(first at row 4\)/);
  assert.equal(({} as Record<string, unknown>).k, undefined);
  assert.deepEqual(
    report.examples.map((e) => [e.row, e.line, e.reason]),
    [
      [2, undefined, 'bad-value'],
      [3, undefined, 'not-object'],
    ],
  );
  assert.equal(report.quarantine[1].raw, '3');
  assert.throws(
    () => parseJsonArrayText('[{"a":1},'),
    (e) => isAimassError(e, 'FILE_INVALID'),
  );
  assert.throws(
    () => parseJsonArrayText('{"a":1}'),
    (e) => isAimassError(e, 'FILE_INVALID'),
  );
  const streamed = await readJsonArray(
    (async function* () {
      yield Buffer.from(text.slice(0, 10));
      yield Buffer.from(text.slice(10));
    })(),
    { inferRows: 1 },
  );
  assert.deepEqual(streamed.frame, frame);
});

test('JSON values: coercions per column type and onBadValue missing', () => {
  const text = [
    '{"n":1,"b":true,"c":"x","t":"2024-01-01","s":1704067200}',
    '{"n":"2.5","b":0,"c":7,"t":"NA","s":"1704067201"}',
    '{"n":true,"b":"maybe","c":false,"t":1704067200,"s":null}',
  ].join('\n');
  const { frame, report } = parseNdjsonText(text, {
    inferRows: 1,
    onBadValue: 'missing',
    schema: { s: { type: 'time', unit: 'seconds' } },
  });
  assert.deepEqual(plainColumn(frame, 'n'), [1, 2.5, null]);
  assert.deepEqual(plainColumn(frame, 'b'), [true, false, null]);
  assert.deepEqual(plainColumn(frame, 'c'), ['x', '7', 'false']);
  assert.deepEqual(plainColumn(frame, 't'), [Date.UTC(2024, 0, 1), null, null]);
  assert.deepEqual(plainColumn(frame, 's'), [1704067200000, 1704067201000, null]);
  assert.equal(report.rowsAccepted, 3);
  assert.equal(report.valuesSetMissing, 3);
  assert.deepEqual(
    report.examples.map((e) => [e.line, e.column, e.value]),
    [
      [3, 'n', 'true'],
      [3, 'b', 'maybe'],
      [3, 't', '1704067200'],
    ],
  );
});

test('NDJSON: firstLine numbers a piece of a longer file; rowLines holds each accepted row line', () => {
  const text = '{"id":"a"}\n\n{"id":\n{"id":"b"}\n';
  const { report } = parseNdjsonText(text, { firstLine: 41, rowLines: true });
  assert.deepEqual([...(report.rowLines ?? [])], [41, 44]);
  assert.equal(report.quarantine[0].line, 43);
  assert.match(report.quarantine[0].message, /:43: not valid JSON/);
  assert.equal(parseNdjsonText(text).report.rowLines, undefined, 'rowLines only when asked for');
  // More rows than the initial line buffer holds.
  const many = Array.from({ length: 3000 }, (_, i) => `{"i":${i}}`).join('\n');
  const lines = parseNdjsonText(many, { rowLines: true }).report.rowLines ?? new Int32Array(0);
  assert.equal(lines.length, 3000);
  assert.equal(lines[2999], 3000);
});
