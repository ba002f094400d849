import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { categoryColumn, createFrame, type Frame, numberColumn, numericValues } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { outliersTransformer, rowOutlierMask } from './outliers.ts';
import { quantileSorted, sortedFinite } from './quantiles.ts';

const context = { rng: createRng(1) };
const inf = Number.POSITIVE_INFINITY;

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

const badParams = [
  { params: { method: 'sigma' }, field: 'method' },
  { params: { threshold: 0 }, field: 'threshold' },
  { params: { threshold: -1 }, field: 'threshold' },
  { params: { mode: 'remove' }, field: 'mode' },
];
// Clip mode maps ±Infinity to the fitted bounds (asserted below), so the suite's pass-through
// assertion does not apply to it; drop mode passes everything through at prediction time.
checkTransformer(outliersTransformer, { context: { target: 'y' }, badParams, infinity: 'not-applicable' });
checkTransformer(outliersTransformer, {
  params: { mode: 'drop', method: 'zscore' },
  context: { target: 'y' },
  badParams,
  infinity: 'pass-through',
});
checkTransformer(outliersTransformer, {
  params: { method: 'mad', threshold: 2 },
  context: { target: 'y' },
  badParams,
  infinity: 'not-applicable',
});

test('outliers: Tukey fences match numpy (iqr-outlier-bounds.json)', () => {
  const fixture = loadFixture('iqr-outlier-bounds');
  const X = fixture.inputs.X as number[][];
  const frame = frameFromRows(X);
  const names = frame.columns.map((c) => c.name);
  const e = fixture.expected;
  const q1 = names.map((n) => quantileSorted(sortedFinite(numericValues(frame, n)), 0.25));
  const q3 = names.map((n) => quantileSorted(sortedFinite(numericValues(frame, n)), 0.75));
  expectClose(q1, e.q1 as number[], toleranceFor(fixture, 'q1'), 'q1');
  expectClose(q3, e.q3 as number[], toleranceFor(fixture, 'q3'), 'q3');
  expectClose(
    q3.map((v, j) => v - q1[j]),
    e.iqr as number[],
    toleranceFor(fixture, 'iqr'),
    'iqr',
  );

  const state = outliersTransformer.fit(frame, { method: 'iqr', threshold: 1.5, mode: 'drop' }, context);
  expectClose(state.lower, e.lower as number[], toleranceFor(fixture, 'lower'), 'lower');
  expectClose(state.upper, e.upper as number[], toleranceFor(fixture, 'upper'), 'upper');
  const mask = X.map((row) => row.map((v, j) => v < state.lower[j] || v > state.upper[j]));
  assert.deepEqual(mask, e.outlier_mask);
  assert.deepEqual(
    names.map((_, j) => mask.filter((row) => row[j]).length),
    e.outlier_count_per_column,
  );
  const rowMask = rowOutlierMask(state, frame);
  const flagged = [...rowMask].flatMap((m, i) => (m ? [i] : []));
  assert.deepEqual(flagged, e.rows_with_any_outlier);

  // Drop mode removes exactly those rows in training, and none at prediction time.
  const trained = outliersTransformer.transform(state, frame, { training: true });
  const keptRows = X.filter((_, i) => !flagged.includes(i));
  assert.equal(trained.rowCount, keptRows.length);
  assert.deepEqual(
    [...numericValues(trained, 'x1')],
    keptRows.map((r) => r[1]),
  );
  const predicted = outliersTransformer.transform(state, frame);
  assert.equal(predicted.rowCount, X.length);
  assert.deepEqual(
    [...numericValues(predicted, 'x0')],
    X.map((r) => r[0]),
  );
});

test('outliers: clip mode clips in both modes, ±Infinity to the bounds, NaN kept', () => {
  // Quartiles of 1..9 are 3 and 7: fences -3 and 13.
  const train = createFrame([numberColumn('a', [1, 2, 3, 4, 5, 6, 7, 8, 9])]);
  const state = outliersTransformer.fit(train, {}, context);
  assert.deepEqual([...state.lower, ...state.upper], [-3, 13]);
  const later = createFrame([
    numberColumn('a', [-5, -3, 0, 13, 14, inf, -inf, Number.NaN]),
    categoryColumn('c', ['p', 'p', 'q', 'q', 'p', 'p', 'q', 'q']),
  ]);
  for (const training of [false, true]) {
    const out = outliersTransformer.transform(state, later, { training });
    assert.equal(out.rowCount, 8);
    assert.deepEqual([...numericValues(out, 'a')], [-3, -3, 0, 13, 13, 13, -3, Number.NaN]);
    assert.equal(out.columns[1], later.columns[1], 'other columns shared');
  }
});

test('outliers: drop mode drops ±Infinity rows in training, never NaN rows', () => {
  const train = createFrame([
    numberColumn('a', [1, 2, 3, 4, 5, 6, 7, 8, 9, inf, Number.NaN, 100]),
    numberColumn('b', [1, 2, 3, 4, 5, 6, 7, 8, 9, 5, 5, -inf]),
  ]);
  const state = outliersTransformer.fit(train, { mode: 'drop' }, context);
  const out = outliersTransformer.transform(state, train, { training: true });
  assert.deepEqual([...numericValues(out, 'a')], [1, 2, 3, 4, 5, 6, 7, 8, 9, Number.NaN]);
  assert.equal(outliersTransformer.transform(state, train).rowCount, 12);
  assert.equal(outliersTransformer.transform(state, train, { training: false }).rowCount, 12);
});

test('outliers: zscore and MAD bounds in closed form', () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, population σ 2; median 4.5, MAD 0.5
  const frame = createFrame([numberColumn('a', values)]);
  const z = outliersTransformer.fit(frame, { method: 'zscore', threshold: 1.5 }, context);
  expectClose([z.lower[0], z.upper[0]], [2, 8], { rtol: 1e-15 });
  const mad = outliersTransformer.fit(frame, { method: 'mad' }, context);
  expectClose([mad.lower[0], mad.upper[0]], [4.5 - (3.5 * 0.5) / 0.6745, 4.5 + (3.5 * 0.5) / 0.6745], {
    rtol: 1e-15,
  });
  const zDefault = outliersTransformer.fit(frame, { method: 'zscore' }, context);
  assert.deepEqual([zDefault.lower[0], zDefault.upper[0]], [-1, 11]);
});

test('outliers: zero spread gives no bounds (nothing flagged, nothing clipped)', () => {
  const frame = createFrame([
    numberColumn('constant', [3, 3, 3, 3, 3]),
    numberColumn('mostlyZero', [0, 0, 0, 1, 5]), // MAD 0: more than half the values tied
    numberColumn('empty', [null, null, null, null, null]),
  ]);
  for (const method of ['iqr', 'zscore', 'mad']) {
    const state = outliersTransformer.fit(frame, { method, columns: ['constant', 'empty'] }, context);
    assert.deepEqual([...state.lower], [-inf, -inf], method);
    assert.deepEqual([...state.upper], [inf, inf], method);
  }
  const mad = outliersTransformer.fit(
    frame,
    { method: 'mad', mode: 'drop', columns: ['mostlyZero'] },
    context,
  );
  assert.equal(mad.upper[0], inf);
  const later = createFrame([numberColumn('constant', [9]), numberColumn('mostlyZero', [7])]);
  const state = outliersTransformer.fit(frame, { columns: ['constant'] }, context);
  assert.deepEqual([...numericValues(outliersTransformer.transform(state, later), 'constant')], [9]);
});
