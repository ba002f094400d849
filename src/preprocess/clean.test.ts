import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import {
  type CategoryColumn,
  categoryColumn,
  categoryValue,
  createFrame,
  getColumn,
  numberColumn,
} from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { cleanTransformer } from './clean.ts';

checkTransformer(cleanTransformer, {
  context: { target: 'y' },
  badParams: [
    { params: { thousandsSeparator: 5 }, field: 'thousandsSeparator' },
    { params: { thousandsSeparator: '.' }, field: 'thousandsSeparator' },
    { params: { decimalSeparator: '' }, field: 'decimalSeparator' },
    { params: { missingTokens: [1] }, field: 'missingTokens' },
    { params: { trim: 'yes' }, field: 'trim' },
  ],
  infinity: 'pass-through',
});

const ctx = (target?: string, key?: string) => ({ target, key, rng: createRng(1) });
const strings = (column: CategoryColumn) => Array.from(column.codes, (_, i) => categoryValue(column, i));

test('clean: trims, case-folds and unifies missing tokens through the dictionary', () => {
  const frame = createFrame([
    categoryColumn('c', [' Red', 'red ', 'RED', 'NA', ' n/a ', '', '?', 'Blue', null, '-', 'null', 'nan']),
  ]);
  const state = cleanTransformer.fit(frame, undefined, ctx());
  const out = getColumn(cleanTransformer.transform(state, frame), 'c') as CategoryColumn;
  assert.deepEqual(strings(out), [
    'red',
    'red',
    'red',
    null,
    null,
    null,
    null,
    'blue',
    null,
    null,
    null,
    null,
  ]);
  assert.deepEqual(out.dictionary, ['red', 'blue'], 'one dictionary entry per normalised value');
});

test('clean: trim/caseFold off keep text, custom tokens, key column untouched by default', () => {
  const frame = createFrame([
    categoryColumn('c', [' A', 'a', 'missing', 'NA']),
    categoryColumn('id', [' K', ' K', ' K', ' K']),
  ]);
  const params = { trim: false, caseFold: false, missingTokens: ['MISSING'] };
  const state = cleanTransformer.fit(frame, params, ctx(undefined, 'id'));
  const out = cleanTransformer.transform(state, frame);
  assert.deepEqual(strings(getColumn(out, 'c') as CategoryColumn), [' A', 'a', null, 'NA']);
  assert.deepEqual(strings(getColumn(out, 'id') as CategoryColumn), [' K', ' K', ' K', ' K']);
  const onlyId = cleanTransformer.fit(frame, { columns: ['id'] }, ctx(undefined, 'id'));
  const out2 = cleanTransformer.transform(onlyId, frame);
  assert.deepEqual(strings(getColumn(out2, 'id') as CategoryColumn), ['k', 'k', 'k', 'k']);
  assert.deepEqual(strings(getColumn(out2, 'c') as CategoryColumn), [' A', 'a', 'missing', 'NA']);
});

test('clean: coerces numeric text with separators; junk and tokens become NaN', () => {
  const frame = createFrame([
    categoryColumn('v', ['1,234.5', ' -2 ', '1e3', 'N/A', '0x10', 'Infinity', 'abc', null, '.5', '+3.']),
  ]);
  const state = cleanTransformer.fit(frame, { coerceNumeric: ['v'] }, ctx());
  const out = getColumn(cleanTransformer.transform(state, frame), 'v');
  assert.equal(out.type, 'number');
  assert.deepEqual(Array.from((out as { values: Float64Array }).values), [
    1234.5,
    -2,
    1000,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    0.5,
    3,
  ]);
  const european = createFrame([categoryColumn('v', ['1.234,5', '7'])]);
  const eu = cleanTransformer.fit(
    european,
    { coerceNumeric: ['v'], thousandsSeparator: '.', decimalSeparator: ',' },
    ctx(),
  );
  assert.deepEqual(
    Array.from((getColumn(cleanTransformer.transform(eu, european), 'v') as { values: Float64Array }).values),
    [1234.5, 7],
  );
});

test('clean: training drops duplicates (after normalising) and missing targets; prediction drops nothing', () => {
  const frame = createFrame([
    numberColumn('x', [1, 1, 2, Number.NaN, Number.NaN, -0, 0, 5]),
    categoryColumn('c', ['a', ' A', 'b', 'z', 'z', 'q', 'q', 'r']),
    numberColumn('y', [10, 10, Number.NaN, 3, 3, 4, 4, 6]),
  ]);
  const state = cleanTransformer.fit(frame, undefined, ctx('y'));
  const trained = cleanTransformer.transform(state, frame, { training: true });
  // row 1 duplicates row 0 once ' A' → 'a'; row 2 has no target; row 4 = row 3 (NaN == NaN);
  // row 6 = row 5 (-0 == 0).
  assert.deepEqual(Array.from((getColumn(trained, 'y') as { values: Float64Array }).values), [10, 3, 4, 6]);
  assert.equal(cleanTransformer.transform(state, frame).rowCount, 8);
  const keepAll = cleanTransformer.fit(frame, { dropDuplicates: false, dropMissingTarget: false }, ctx('y'));
  assert.equal(cleanTransformer.transform(keepAll, frame, { training: true }).rowCount, 8);
  const onlyTarget = cleanTransformer.fit(frame, { dropDuplicates: false }, ctx('y'));
  assert.equal(cleanTransformer.transform(onlyTarget, frame, { training: true }).rowCount, 7);
});

test('clean: a category target with a missing token is dropped in training; absent target is fine', () => {
  const frame = createFrame([numberColumn('x', [1, 2, 3]), categoryColumn('label', ['yes', 'NA', 'no'])]);
  const state = cleanTransformer.fit(frame, undefined, ctx('label'));
  assert.equal(cleanTransformer.transform(state, frame, { training: true }).rowCount, 2);
  const prediction = createFrame([numberColumn('x', [1, 2])]);
  assert.equal(cleanTransformer.transform(state, prediction, { training: true }).rowCount, 2);
});

test('clean: a named column that does not exist fails at fit', () => {
  const frame = createFrame([numberColumn('x', [1])]);
  assert.throws(
    () => cleanTransformer.fit(frame, { coerceNumeric: ['nope'] }, ctx()),
    (e: unknown) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
});
