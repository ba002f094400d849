import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { categoryColumn, createFrame, type Frame, numberColumn, numericValues } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { finiteMoments } from './moments.ts';
import { standardizeTransformer } from './standardize.ts';

const context = { rng: createRng(1) };

/** Fixture X (row-major nested lists, null = NaN) as a frame of number columns x0..x{n-1}. */
function frameFromRows(rows: (number | null)[][]): Frame {
  const cols = rows[0].length;
  const columns = [];
  for (let j = 0; j < cols; j++)
    columns.push(
      numberColumn(
        `x${j}`,
        rows.map((r) => r[j]),
      ),
    );
  return createFrame(columns);
}

function frameRows(frame: Frame, names: string[]): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (let i = 0; i < frame.rowCount; i++)
    out.push(names.map((n) => numericValues(frame, n)[i]).map((v) => (Number.isNaN(v) ? null : v)));
  return out;
}

checkTransformer(standardizeTransformer, {
  context: { target: 'y' },
  badParams: [
    { params: { columns: 'x1' }, field: 'columns' },
    { params: { columns: ['x1', 'x1'] }, field: 'columns' },
  ],
  infinity: 'pass-through',
});

test('standardize matches sklearn StandardScaler (standard-scaler.json)', () => {
  const fixture = loadFixture('standard-scaler');
  const train = frameFromRows(fixture.inputs.X_train as (number | null)[][]);
  const testFrame = frameFromRows(fixture.inputs.X_test as (number | null)[][]);
  const names = train.columns.map((c) => c.name);
  const state = standardizeTransformer.fit(train, {}, context);
  const e = fixture.expected;
  expectClose(state.mean, e.mean_ as number[], toleranceFor(fixture, 'mean_'), 'mean_');
  expectClose(state.scale, e.scale_ as number[], toleranceFor(fixture, 'scale_'), 'scale_');
  const moments = (name: string) => {
    const out = new Float64Array(3);
    finiteMoments(numericValues(train, name), out);
    return out;
  };
  const variances = names.map((n) => moments(n)[2]);
  const counts = names.map((n) => moments(n)[0]);
  expectClose(variances, e.var_ as number[], toleranceFor(fixture, 'var_'), 'var_');
  assert.deepEqual(counts, e.n_samples_seen_);
  expectClose(
    frameRows(standardizeTransformer.transform(state, train), names),
    e.X_train_transformed as (number | null)[][],
    toleranceFor(fixture, 'X_train_transformed'),
    'X_train_transformed',
  );
  expectClose(
    frameRows(standardizeTransformer.transform(state, testFrame), names),
    e.X_test_transformed as (number | null)[][],
    toleranceFor(fixture, 'X_test_transformed'),
    'X_test_transformed',
  );
});

test('standardize: default columns skip target, key, time and non-number columns', () => {
  const frame = createFrame([
    numberColumn('a', [1, 2, 3]),
    numberColumn('y', [10, 20, 30]),
    numberColumn('k', [5, 6, 7]),
    categoryColumn('c', ['p', 'q', 'p']),
  ]);
  const state = standardizeTransformer.fit(frame, undefined, { ...context, target: 'y', key: 'k' });
  assert.deepEqual(state.columns, ['a']);
  const out = standardizeTransformer.transform(state, frame);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['a', 'y', 'k', 'c'],
    'column order kept',
  );
  assert.deepEqual([...numericValues(out, 'y')], [10, 20, 30], 'target untouched');
  const sd = Math.sqrt(2 / 3);
  expectClose(numericValues(out, 'a'), [-1 / sd, 0, 1 / sd], { rtol: 1e-15 });
});

test('standardize: ±Infinity is ignored by fit and passes through; all-missing column is identity', () => {
  const frame = createFrame([
    numberColumn('a', [1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY, Number.NaN]),
    numberColumn('m', [null, null, null, null, null]),
  ]);
  const state = standardizeTransformer.fit(frame, {}, context);
  assert.deepEqual([...state.mean], [2, 0]);
  assert.deepEqual([...state.scale], [1, 1]);
  const out = standardizeTransformer.transform(state, frame);
  assert.deepEqual(
    [...numericValues(out, 'a')],
    [-1, Number.POSITIVE_INFINITY, 1, Number.NEGATIVE_INFINITY, Number.NaN],
  );
  const later = createFrame([numberColumn('a', [2]), numberColumn('m', [4.5])]);
  assert.deepEqual([...numericValues(standardizeTransformer.transform(state, later), 'm')], [4.5]);
});

test('standardize: explicit columns are validated at fit and required at transform', () => {
  const frame = createFrame([numberColumn('a', [1, 2]), categoryColumn('c', ['p', 'q'])]);
  assert.throws(
    () => standardizeTransformer.fit(frame, { columns: ['nope'] }, context),
    (error: unknown) => isAimassError(error, 'COLUMN_NOT_FOUND'),
  );
  assert.throws(
    () => standardizeTransformer.fit(frame, { columns: ['c'] }, context),
    (error: unknown) => isAimassError(error, 'DATA_INVALID'),
  );
  const state = standardizeTransformer.fit(frame, { columns: ['a'] }, context);
  assert.throws(
    () => standardizeTransformer.transform(state, createFrame([numberColumn('b', [1])])),
    (error: unknown) => isAimassError(error, 'COLUMN_NOT_FOUND'),
  );
});
