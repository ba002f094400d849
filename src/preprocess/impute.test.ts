import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { createFrame, type Frame, numberColumn, numericValues } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { imputeTransformer } from './impute.ts';

const context = { rng: createRng(1) };

/** Fixture X (row-major nested lists, null = NaN) as a frame of number columns x0..x{n-1}. */
function frameFromRows(rows: (number | null)[][]): Frame {
  const columns = [];
  for (let j = 0; j < rows[0].length; j++)
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

const badParams = [
  { params: { strategy: 'mode' }, field: 'strategy' },
  { params: { fillValue: Number.NaN }, field: 'fillValue' },
  { params: { fillValue: '0' }, field: 'fillValue' },
  { params: { addIndicator: 1 }, field: 'addIndicator' },
  { params: { columns: ['x1', 'x1'] }, field: 'columns' },
];
checkTransformer(imputeTransformer, { context: { target: 'y' }, badParams, infinity: 'pass-through' });
for (const strategy of ['median', 'most_frequent', 'constant']) {
  checkTransformer(imputeTransformer, {
    params: { strategy, addIndicator: true },
    context: { target: 'y' },
    badParams,
    infinity: 'pass-through',
  });
}

for (const file of ['mean', 'median', 'most-frequent', 'constant']) {
  test(`impute matches sklearn SimpleImputer (simple-imputer-${file}.json)`, () => {
    const fixture = loadFixture(`simple-imputer-${file}`);
    const given = fixture.inputs.params as { strategy: string; fill_value?: number };
    const params = { strategy: given.strategy, fillValue: given.fill_value ?? 0 };
    const train = frameFromRows(fixture.inputs.X_train as (number | null)[][]);
    const names = train.columns.map((c) => c.name);
    const state = imputeTransformer.fit(train, params, context);
    const e = fixture.expected;
    expectClose(state.fill, e.statistics_ as number[], toleranceFor(fixture, 'statistics_'), 'statistics_');
    for (const [key, input] of [
      ['X_train_transformed', 'X_train'],
      ['X_test_transformed', 'X_test'],
    ]) {
      const frame = frameFromRows(fixture.inputs[input] as (number | null)[][]);
      const out = imputeTransformer.transform(state, frame);
      assert.deepEqual(
        out.columns.map((c) => c.name),
        names,
      );
      expectClose(frameRows(out, names), e[key] as number[][], toleranceFor(fixture, key), key);
    }
  });
}

test('impute: indicators only for columns missing in training, appended in column order', () => {
  const frame = createFrame([
    numberColumn('a', [1, null, 3, null]),
    numberColumn('b', [5, 6, 7, 8]),
    numberColumn('c', [null, null, null, null]),
    numberColumn('y', [0, 1, 0, 1]),
  ]);
  const state = imputeTransformer.fit(
    frame,
    { addIndicator: true, fillValue: -9 },
    { ...context, target: 'y' },
  );
  assert.deepEqual([...state.fill], [2, 6.5, -9], 'all-missing column c keeps the fillValue');
  const later = createFrame([
    numberColumn('a', [null, 4]),
    numberColumn('b', [null, 1]),
    numberColumn('c', [2, null]),
    numberColumn('y', [1, 1]),
  ]);
  const out = imputeTransformer.transform(state, later);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['a', 'b', 'c', 'y', 'a__missing', 'c__missing'],
  );
  assert.deepEqual([...numericValues(out, 'a')], [2, 4]);
  assert.deepEqual([...numericValues(out, 'b')], [6.5, 1], 'b is filled but has no indicator');
  assert.deepEqual([...numericValues(out, 'c')], [2, -9]);
  assert.deepEqual([...numericValues(out, 'a__missing')], [1, 0]);
  assert.deepEqual([...numericValues(out, 'c__missing')], [0, 1]);
  assert.deepEqual([...numericValues(out, 'y')], [1, 1]);
  assert.equal(imputeTransformer.transform(state, later, { training: true }).rowCount, 2);
});

test('impute: ±Infinity is not missing and never enters a statistic', () => {
  const inf = Number.POSITIVE_INFINITY;
  const frame = createFrame([numberColumn('a', [inf, 1, 1, inf, inf, 3, null, -inf])]);
  for (const [strategy, fill] of [
    ['mean', 5 / 3],
    ['median', 1],
    ['most_frequent', 1],
  ] as const) {
    const state = imputeTransformer.fit(frame, { strategy, addIndicator: true }, context);
    assert.equal(state.fill[0], fill, strategy);
    const out = imputeTransformer.transform(state, frame);
    assert.deepEqual([...numericValues(out, 'a')], [inf, 1, 1, inf, inf, 3, fill, -inf]);
    assert.deepEqual([...numericValues(out, 'a__missing')], [0, 0, 0, 0, 0, 0, 1, 0]);
  }
});

test('impute: an existing column named like an indicator is rejected at fit', () => {
  const frame = createFrame([numberColumn('a', [1, null]), numberColumn('a__missing', [0, 0])]);
  assert.throws(
    () => imputeTransformer.fit(frame, { addIndicator: true, columns: ['a'] }, context),
    (error: unknown) => isAimassError(error, 'DATA_INVALID') && error.context.column === 'a__missing',
  );
});
