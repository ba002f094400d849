import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng, type Rng } from '../core/rng.ts';
import type { CsvOptions } from './csv/csv-options.ts';
import { readCsv, readCsvSync } from './csv/read-csv.ts';
import { readJsonArraySync } from './json/read-json-array.ts';
import { readNdjson, readNdjsonSync } from './json/read-ndjson.ts';
import type { ReadResult } from './read-source.ts';

const SPECIAL = [
  ',',
  ';',
  '\t',
  '"',
  '\n',
  '\r',
  '\r\n',
  '""',
  'NA',
  '-',
  '1e5',
  '\ufeff',
  '{',
  '}',
  '[',
  ']',
  ':',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

function validCsv(rng: Rng): string {
  const columns = 1 + rng.int(5);
  const delimiter = pick(rng, [',', ';', '\t']);
  const cell = (c: number): string => {
    switch ((c + rng.int(2)) % 5) {
      case 0:
        return (rng.normal() * 100).toFixed(rng.int(5));
      case 1:
        return pick(rng, ['dev-1', 'dev-2', 'x', '', 'NA']);
      case 2:
        return `2024-0${1 + rng.int(9)}-1${rng.int(10)}T0${rng.int(10)}:00:00Z`;
      case 3:
        return pick(rng, ['true', 'false', 'yes', '0']);
      default:
        return `"q${delimiter}""x""\n${rng.int(100)}"`;
    }
  };
  const lines = [Array.from({ length: columns }, (_, c) => `c${c}`).join(delimiter)];
  const rows = rng.int(30);
  for (let r = 0; r < rows; r++)
    lines.push(Array.from({ length: columns }, (_, c) => cell(c)).join(delimiter));
  return lines.join(rng.next() < 0.5 ? '\n' : '\r\n');
}

function validNdjson(rng: Rng): string {
  const lines: string[] = [];
  const rows = rng.int(20);
  for (let r = 0; r < rows; r++) {
    lines.push(
      JSON.stringify({
        id: pick(rng, ['a', 'b', null]),
        v: rng.next() < 0.1 ? 'NA' : rng.normal(),
        ok: rng.next() < 0.5,
      }),
    );
  }
  return lines.join('\n');
}

function mutate(rng: Rng, text: string): Uint8Array {
  let bytes = Buffer.from(text, 'utf8');
  const edits = rng.int(6);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(bytes.length + 1);
    switch (rng.int(5)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = rng.int(256);
        break;
      case 1:
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(rng, SPECIAL)), bytes.subarray(at)]);
        break;
      case 2:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(Math.min(bytes.length, at + 1 + rng.int(10))),
        ]);
        break;
      case 3:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at, at + rng.int(20)),
          bytes.subarray(at),
        ]);
        break;
      default:
        bytes = bytes.subarray(0, at);
    }
  }
  return bytes;
}

function randomBytes(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(rng.int(300));
  // Biased towards the bytes a parser branches on.
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = rng.next() < 0.5 ? pick(rng, [10, 13, 34, 44, 59, 9, 48, 46, 45]) : rng.int(256);
  return bytes;
}

/** The reader returns a consistent frame + report or throws an AimassError, nothing else. */
function attempt(read: () => ReadResult): ReadResult | null {
  try {
    const result = read();
    checkConsistent(result);
    return result;
  } catch (error) {
    if (!isAimassError(error)) throw error;
    return null;
  }
}

function checkConsistent({ frame, report }: ReadResult): void {
  assert.equal(report.rowsRead, report.rowsAccepted + report.rowsRejected);
  assert.equal(frame.rowCount, report.rowsAccepted);
  assert.equal(frame.columns.length, report.schema.length);
  for (const column of frame.columns) {
    if (column.type !== 'category') continue;
    assert.equal(new Set(column.dictionary).size, column.dictionary.length);
    for (const code of column.codes) assert.ok(code >= -1 && code < column.dictionary.length);
  }
}

async function* chunks(bytes: Uint8Array, rng: Rng): AsyncIterable<Uint8Array> {
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + rng.int(16);
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

function randomCsvOptions(rng: Rng): CsvOptions {
  return {
    inferRows: 1 + rng.int(5),
    onBadValue: pick(rng, ['reject-row', 'missing', 'reject-row'] as const),
    header: rng.next() < 0.9,
    decimalSeparator: rng.next() < 0.2 ? ',' : '.',
  };
}

test('fuzz: CSV from random bytes and mutated valid files never throws anything but AimassError', {
  timeout: 60_000,
}, () => {
  const rng = createRng(20240601);
  for (let i = 0; i < 1500; i++) {
    const bytes = i % 3 === 0 ? randomBytes(rng) : mutate(rng, validCsv(rng));
    const options = randomCsvOptions(rng);
    try {
      attempt(() => readCsvSync(bytes, options));
    } catch (error) {
      assert.fail(`case ${i} (${JSON.stringify(Buffer.from(bytes).toString('latin1'))}): ${error}`);
    }
  }
});

test('fuzz: NDJSON and JSON arrays from mutated input', { timeout: 60_000 }, () => {
  const rng = createRng(7);
  for (let i = 0; i < 800; i++) {
    const text = validNdjson(rng);
    const bytes = i % 4 === 0 ? randomBytes(rng) : mutate(rng, text);
    const inferRows = 1 + rng.int(4);
    attempt(() => readNdjsonSync(bytes, { inferRows }));
    const array =
      i % 2 === 0
        ? Buffer.from(`[${text.split('\n').join(',')}]`)
        : mutate(rng, `[${text.split('\n').join(',')}]`);
    attempt(() => readJsonArraySync(array, { inferRows }));
  }
});

test('fuzz: streamed in random chunks, garbage reads exactly as it does from one buffer', {
  timeout: 60_000,
}, async () => {
  const rng = createRng(99);
  for (let i = 0; i < 200; i++) {
    const csv = i % 3 === 0 ? randomBytes(rng) : mutate(rng, validCsv(rng));
    const options = randomCsvOptions(rng);
    const whole = attempt(() => readCsvSync(csv, options));
    let streamed: ReadResult | null = null;
    try {
      streamed = await readCsv(chunks(csv, rng), options);
    } catch (error) {
      if (!isAimassError(error)) throw error;
    }
    assert.deepEqual(
      streamed,
      whole,
      `csv case ${i}: ${JSON.stringify(Buffer.from(csv).toString('latin1'))}`,
    );
    const ndjson = mutate(rng, validNdjson(rng));
    const ndWhole = attempt(() => readNdjsonSync(ndjson, { inferRows: 2 }));
    assert.deepEqual(await readNdjson(chunks(ndjson, rng), { inferRows: 2 }), ndWhole, `ndjson case ${i}`);
  }
});
