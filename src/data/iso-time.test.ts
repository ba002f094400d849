import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIsoTime } from './iso-time.ts';

test('ISO dates and date-times match Date.UTC', () => {
  const cases: [string, number][] = [
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59Z', -1000],
    ['2024-02-29T12:34:56.789Z', Date.UTC(2024, 1, 29, 12, 34, 56, 789)],
    ['2024-02-29 12:34', Date.UTC(2024, 1, 29, 12, 34)],
    ['2024-03-10t01:02:03z', Date.UTC(2024, 2, 10, 1, 2, 3)],
    ['2024-03-10T01:02:03.5', Date.UTC(2024, 2, 10, 1, 2, 3, 500)],
    ['2024-03-10T01:02:03.123456', Date.UTC(2024, 2, 10, 1, 2, 3, 123)],
    ['2024-01-01T01:00:00+01:00', Date.UTC(2024, 0, 1)],
    ['2024-01-01T00:00:00-0530', Date.UTC(2024, 0, 1, 5, 30)],
    ['2024-01-01T00:00:00+02', Date.UTC(2023, 11, 31, 22)],
    ['1600-03-01', Date.UTC(1600, 2, 1)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
  ];
  for (const [text, expected] of cases) assert.equal(parseIsoTime(text), expected, text);
});

test('malformed or out-of-range times are NaN (no Date.parse guessing)', () => {
  for (const text of [
    '',
    '2024',
    '2024-1-01',
    '2024-13-01',
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-01-01T24:00',
    '2024-01-01T12:60',
    '2024-01-01T12',
    '2024-01-01T12:00:00.',
    '2024-01-01T12:00:00+25:00',
    '2024-01-01T12:00:00Zx',
    '01/02/2024',
    'Jan 1 2024',
    '2024-01-01x',
    '２０２４-01-01',
  ]) {
    assert.ok(Number.isNaN(parseIsoTime(text)), text);
  }
});
