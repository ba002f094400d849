import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../../core/errors.ts';
import { plainColumn } from '../plain-values.ts';
import { parseCsvText, readCsv, readCsvSync } from './read-csv.ts';

test('quoted fields: embedded delimiter, doubled quotes, newlines; line numbers count them', () => {
  const text = 'id,note,n\n1,"a, b",1\n2,"say ""hi""",2\n3,"two\nlines",3\n4,plain,x\n';
  const { frame, report } = parseCsvText(text, { schema: { n: { type: 'number' } } });
  assert.deepEqual(plainColumn(frame, 'note'), ['a, b', 'say "hi"', 'two\nlines']);
  assert.deepEqual(plainColumn(frame, 'n'), [1, 2, 3]);
  // Row 4 starts on line 6 because row 3 spans lines 4-5.
  assert.equal(report.examples[0].line, 6);
  assert.equal(report.examples[0].column, 'n');
  assert.equal(report.examples[0].value, 'x');
  assert.match(report.examples[0].message, /<input>:6: column "n": value "x" is not a number/);
});

test('CRLF, BOM and a last line without newline', () => {
  const text = '\ufeffa,b\r\n1,x\r\n2,y\r\n3,z';
  const { frame, report } = parseCsvText(text);
  assert.deepEqual(
    frame.columns.map((c) => c.name),
    ['a', 'b'],
  );
  assert.deepEqual(plainColumn(frame, 'a'), [1, 2, 3]);
  assert.deepEqual(plainColumn(frame, 'b'), ['x', 'y', 'z']);
  assert.equal(report.rowsAccepted, 3);
  assert.equal(report.bytesRead, Buffer.byteLength(text));
});

test('delimiter detection from the header (comma, semicolon, tab) and explicit delimiter', () => {
  assert.equal(parseCsvText('a;b;c\n1;2;3\n').report.delimiter, ';');
  assert.equal(parseCsvText('a\tb\n1\t2\n').report.delimiter, '\t');
  // Commas inside quotes do not count.
  const semi = parseCsvText('"x,y,z";b\n1;2\n');
  assert.equal(semi.report.delimiter, ';');
  assert.deepEqual(
    semi.frame.columns.map((c) => c.name),
    ['x,y,z', 'b'],
  );
  assert.equal(parseCsvText('single\n1\n').report.delimiter, ',');
  const piped = parseCsvText('a|b\n1|2\n', { delimiter: '|' });
  assert.deepEqual(plainColumn(piped.frame, 'b'), [2]);
  assert.throws(
    () => parseCsvText('a\n', { delimiter: '"' }),
    (e) => isAimassError(e, 'PARAM_INVALID'),
  );
});

test('schema inference: number, category, time, boolean; 0/1 alone stays number', () => {
  const text = [
    'n,c,t,b,flag,empty',
    '1.5,x,2024-01-01,true,1,',
    '-2e3,y,2024-01-01T06:00:00Z,NO,0,',
    '3,x,2024-01-02T00:00:00+02:00,yes,1,',
  ].join('\n');
  const { frame, report } = parseCsvText(text);
  assert.deepEqual(
    report.schema.map((c) => c.type),
    ['number', 'category', 'time', 'boolean', 'number', 'category'],
  );
  assert.deepEqual(plainColumn(frame, 'n'), [1.5, -2000, 3]);
  assert.deepEqual(plainColumn(frame, 't'), [
    Date.UTC(2024, 0, 1),
    Date.UTC(2024, 0, 1, 6),
    Date.UTC(2024, 0, 1, 22),
  ]);
  assert.deepEqual(plainColumn(frame, 'b'), [true, false, true]);
  assert.deepEqual(plainColumn(frame, 'empty'), [null, null, null]);
  assert.match(report.warnings.join('\n'), /column "empty" has no value/);
});

test('schema override: epoch seconds/ms to time, numbers as category, booleans from 1/0', () => {
  const text = 'ts,ms,code,ok\n1704067200,1704067200500,007,1\n1704070800.5,NA,8,0\n';
  const { frame, report } = parseCsvText(text, {
    schema: {
      ts: { type: 'time', unit: 'seconds' },
      ms: { type: 'time', unit: 'milliseconds' },
      code: { type: 'category' },
      ok: { type: 'boolean' },
    },
  });
  assert.deepEqual(plainColumn(frame, 'ts'), [1704067200000, 1704070800500]);
  assert.deepEqual(plainColumn(frame, 'ms'), [1704067200500, null]);
  assert.deepEqual(plainColumn(frame, 'code'), ['007', '8']);
  assert.deepEqual(plainColumn(frame, 'ok'), [true, false]);
  assert.equal(frame.columns[0].type, 'time');
  assert.equal(report.schema[0].inferred, false);
  assert.throws(
    () => parseCsvText(text, { schema: { nope: { type: 'number' } } }),
    (e) => isAimassError(e, 'SCHEMA_INVALID') && /"nope"/.test(e.message),
  );
  assert.throws(
    () => parseCsvText(text, { schema: { ts: { type: 'number', unit: 'seconds' } } }),
    (e) => isAimassError(e, 'SCHEMA_INVALID'),
  );
});

test('missing tokens are unified and case-insensitive; the list is configurable', () => {
  const text = 'x,c\n1,a\n,NA\nna,n/a\nNULL,null\nNaN,-\n?, ?\n2,b\n';
  const { frame, report } = parseCsvText(text, { inferRows: 2 });
  assert.deepEqual(plainColumn(frame, 'x'), [1, null, null, null, null, null, 2]);
  assert.deepEqual(plainColumn(frame, 'c'), ['a', null, null, null, null, null, 'b']);
  assert.equal(report.rowsRejected, 0);
  const custom = parseCsvText('x\n1\nmissing\n\n-\n', { missingTokens: ['missing'], inferRows: 1 });
  assert.deepEqual(plainColumn(custom.frame, 'x'), [1, null]);
  // '-' is no longer missing: a bad value; the blank line is skipped.
  assert.equal(custom.report.rowsRejected, 1);
  assert.equal(custom.report.blankLines, 1);
});

test('bad values reject the row with file, line, column; good rows are kept', () => {
  const lines = ['id,v,t'];
  for (let i = 0; i < 5; i++) lines.push(`d${i},${i}.25,2024-01-0${i + 1}`);
  lines.push('bad,abc,2024-01-09', 'bad2,1,yesterday', 'ok,7,2024-01-09');
  const { frame, report } = parseCsvText(`${lines.join('\n')}\n`, { inferRows: 3, fileName: 'data.csv' });
  assert.deepEqual(plainColumn(frame, 'v'), [0.25, 1.25, 2.25, 3.25, 4.25, 7]);
  assert.equal(report.rowsRead, 8);
  assert.equal(report.rowsAccepted, 6);
  assert.equal(report.rowsRejected, 2);
  assert.deepEqual(report.issuesByReason, { 'bad-value': 2 });
  assert.deepEqual(
    report.examples.map((e) => [e.line, e.row, e.column, e.value, e.expected]),
    [
      [7, 6, 'v', 'abc', 'a number'],
      [8, 7, 't', 'yesterday', 'an ISO-8601 date or date-time'],
    ],
  );
  assert.deepEqual(
    report.quarantine.map((q) => q.raw),
    ['bad,abc,2024-01-09', 'bad2,1,yesterday'],
  );
  assert.match(report.examples[0].message, /^data\.csv:7: column "v"/);
  // The rejected rows' keys did not leak into the dictionary.
  assert.deepEqual(plainColumn(frame, 'id'), ['d0', 'd1', 'd2', 'd3', 'd4', 'ok']);
  const id = frame.columns[0];
  assert.equal(id.type === 'category' && id.dictionary.length, 6);
});

test('onBadValue: missing keeps the row, fail throws ROW_INVALID with context', () => {
  const text = 'a,b\n1,2\n3,x\n5,6\n';
  const kept = parseCsvText(text, { inferRows: 1, onBadValue: 'missing' });
  assert.deepEqual(plainColumn(kept.frame, 'b'), [2, null, 6]);
  assert.equal(kept.report.valuesSetMissing, 1);
  assert.equal(kept.report.rowsRejected, 0);
  assert.equal(kept.report.examples[0].rowRejected, false);
  assert.equal(kept.report.quarantine.length, 0);
  assert.throws(
    () => parseCsvText(text, { inferRows: 1, onBadValue: 'fail', fileName: 'f.csv' }),
    (e) =>
      isAimassError(e, 'ROW_INVALID') &&
      e.context.file === 'f.csv' &&
      e.context.line === 3 &&
      e.context.column === 'b' &&
      e.context.value === 'x',
  );
});

test('wrong field counts are rejected with a clear reason, in the sample and after it', () => {
  const text = 'a,b,c\n1,2\n1,2,3\n4,5,6,7\n8,9,10\n11,12\n';
  // With inferRows 2 the sample's only well-formed row decides the types.
  for (const inferRows of [2, 100]) {
    const { frame, report } = parseCsvText(text, { inferRows });
    assert.deepEqual(plainColumn(frame, 'c'), [3, 10]);
    assert.equal(report.issuesByReason['field-count'], 3);
    assert.deepEqual(
      report.examples.map((e) => e.message),
      [
        '<input>:2: expected 3 fields, found 2',
        '<input>:4: expected 3 fields, found 4',
        '<input>:6: expected 3 fields, found 2',
      ],
    );
  }
});

test('report caps: examples and quarantine are bounded, counts are not', () => {
  const rows = ['a,b'];
  for (let i = 0; i < 50; i++) rows.push(`${i},${i % 2 ? 'x' : i}`);
  const { report } = parseCsvText(rows.join('\n'), {
    inferRows: 1,
    maxRejectedExamples: 3,
    maxQuarantineRows: 5,
  });
  assert.equal(report.rowsRejected, 25);
  assert.equal(report.examples.length, 3);
  assert.equal(report.quarantine.length, 5);
  assert.equal(report.quarantineDropped, 20);
});

test('unterminated quote at end of input rejects that row only', () => {
  const { frame, report } = parseCsvText('a,b\n1,x\n2,"open\n3,y\n');
  assert.deepEqual(plainColumn(frame, 'a'), [1]);
  assert.equal(report.issuesByReason['unterminated-quote'], 1);
});

test('columns named like Object.prototype members are ordinary columns', () => {
  const { frame, report } = parseCsvText('constructor,toString,__proto__\n1,a,2024-01-01\n', { schema: {} });
  assert.deepEqual(
    report.schema.map((c) => c.type),
    ['number', 'category', 'time'],
  );
  assert.deepEqual(plainColumn(frame, '__proto__'), [Date.UTC(2024, 0, 1)]);
});

test('header: duplicate and empty names are renamed; header: false names columns', () => {
  const { frame, report } = parseCsvText('x,x,,y\n1,2,3,4\n');
  assert.deepEqual(
    frame.columns.map((c) => c.name),
    ['x', 'x_2', 'column_3', 'y'],
  );
  assert.equal(report.warnings.length, 2);
  const bare = parseCsvText('1,a\n2,b\n', { header: false });
  assert.deepEqual(plainColumn(bare.frame, 'column_1'), [1, 2]);
  assert.deepEqual(plainColumn(bare.frame, 'column_2'), ['a', 'b']);
});

test('numbers: fast path agrees with Number() and slow-path formats parse', () => {
  const texts = [
    '0',
    '-0',
    '+7',
    '00012',
    '3.14159',
    '-0.0001',
    '.5',
    '5.',
    '123456789012345',
    '1234567890123456789',
    '0.1234567890123456',
    '1e3',
    '-2.5E-3',
    ' 4 ',
    '9007199254740993',
  ];
  const { frame, report } = parseCsvText(`v\n1\n${texts.join('\n')}\n`, { inferRows: 1 });
  assert.equal(report.rowsRejected, 0);
  const values = plainColumn(frame, 'v').slice(1);
  for (let i = 0; i < texts.length; i++) {
    assert.ok(Object.is(values[i], Number(texts[i].trim())), `${texts[i]}: ${values[i]}`);
  }
  const bad = parseCsvText('v\n1\n0x10\nInfinity\n1e999\n1.2.3\n--1\n1,5\n', { inferRows: 1 });
  assert.deepEqual(plainColumn(bad.frame, 'v'), [1]);
  assert.equal(bad.report.rowsRejected, 6);
});

test('decimal comma: fast and slow paths, a dot is then a bad value', () => {
  const text = 'a;b\n1,5;-2,25\n3;0,125e1\n4;1.5\n"7,5";NA\n';
  const { frame, report } = parseCsvText(text, { decimalSeparator: ',', inferRows: 1 });
  assert.deepEqual(plainColumn(frame, 'a'), [1.5, 3, 7.5]);
  assert.deepEqual(plainColumn(frame, 'b'), [-2.25, 1.25, null]);
  assert.equal(report.examples[0].value, '1.5');
  assert.throws(
    () => parseCsvText(text, { decimalSeparator: ',', delimiter: ',' }),
    (e) => isAimassError(e, 'PARAM_INVALID'),
  );
  assert.equal(parseCsvText(text, { decimalSeparator: ',' }).report.schema[0].type, 'number');
});

test('empty input is FILE_INVALID; header only gives zero rows', () => {
  for (const text of ['', '\ufeff', '\n\n']) {
    assert.throws(
      () => parseCsvText(text),
      (e) => isAimassError(e, 'FILE_INVALID'),
    );
  }
  const { frame } = parseCsvText('a,b\n');
  assert.equal(frame.rowCount, 0);
  assert.equal(frame.columns.length, 2);
});

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}

test('streaming: any chunking gives the same frame and report as one buffer', async () => {
  const text =
    '\ufeffkey;v;t;note\r\n' +
    'k1;1.5;2024-01-01T00:00:00Z;"a;b"\r\n' +
    'k1;NA;2024-01-02;"multi\r\nline ""q"""\r\n' +
    '\r\n' +
    'k2;x;2024-01-03;bad\r\n' +
    'k2;-3;2024-01-04;\r\n' +
    'k3;4;2024-01-05\r\n' +
    'k3;12345.678;2024-01-06T12:00:00+01:00;"end"';
  const bytes = Buffer.from(text, 'utf8');
  for (const inferRows of [1, 3, 1000]) {
    const expected = readCsvSync(bytes, { inferRows });
    for (const size of [1, 2, 3, 5, 7, 11, 64]) {
      const actual = await readCsv(chunked(bytes, size), { inferRows });
      assert.deepEqual(actual.frame, expected.frame, `chunk ${size}, inferRows ${inferRows}`);
      assert.deepEqual(actual.report, expected.report, `chunk ${size}, inferRows ${inferRows}`);
    }
  }
  const expected = readCsvSync(bytes, { inferRows: 1 });
  assert.equal(expected.report.rowsAccepted, 4);
  assert.deepEqual(plainColumn(expected.frame, 'note'), ['a;b', 'multi\r\nline "q"', null, 'end']);
});

test('streaming: an oversized row fails with FILE_INVALID instead of buffering forever', async () => {
  const bytes = Buffer.from(`a,b\n1,"${'x'.repeat(5000)}`);
  await assert.rejects(
    readCsv(chunked(bytes, 100), { maxRowBytes: 1000 }),
    (e) => isAimassError(e, 'FILE_INVALID') && e.context.line === 2,
  );
  await assert.rejects(readCsv('/nonexistent/file.csv'), (e) => isAimassError(e, 'FILE_INVALID'));
  const strings = (async function* () {
    yield 'a,b\n' as unknown as Uint8Array;
  })();
  await assert.rejects(readCsv(strings), (e) => isAimassError(e, 'FILE_INVALID'));
});

test('readCsv accepts bytes in memory; fail mode also stops at a wrong field count', async () => {
  const { frame } = await readCsv(new TextEncoder().encode('a,b\n1,2\n'));
  assert.deepEqual(plainColumn(frame, 'b'), [2]);
  await assert.rejects(
    readCsv(Buffer.from('a,b\n1,2\n3\n'), { onBadValue: 'fail', fileName: 'x.csv' }),
    (e) => isAimassError(e, 'ROW_INVALID') && e.context.line === 3 && e.context.reason === 'field-count',
  );
});

test('firstLine numbers a piece of a longer file; rowLines holds each accepted row line', () => {
  const text = 'id,n\n1,1\n2,"x\ny"\n3,3\n\n4,4\n';
  const { report } = parseCsvText(text, { firstLine: 10, rowLines: true, schema: { n: { type: 'number' } } });
  // Header on 10, rows on 11, 12-13 (rejected), 14, blank 15, 16.
  assert.deepEqual([...(report.rowLines ?? [])], [11, 14, 16]);
  assert.equal(report.quarantine[0].line, 12);
  assert.match(report.quarantine[0].message, /:12:/);
  // The same after the inference sample (the byte loop of parse-rows.ts).
  const late = parseCsvText(text, {
    firstLine: 10,
    rowLines: true,
    inferRows: 1,
    schema: { n: { type: 'number' } },
  });
  assert.deepEqual([...(late.report.rowLines ?? [])], [11, 14, 16]);
});
