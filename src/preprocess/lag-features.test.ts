import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import {
  categoryColumn,
  createFrame,
  type Frame,
  getColumn,
  numberColumn,
  sliceFrame,
  takeFrameRows,
  timeColumn,
  withColumns,
  withoutColumns,
} from '../data/frame.ts';
import { assertFramesIdentical, checkTransformer, syntheticFrame } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { lagFeaturesTransformer } from './lag-features.ts';

const HOUR = 3_600_000;

/** Synthetic frame plus two interleaved entities `id` with hourly times `t`, rows out of order. */
function framed(rows: number, seed: number): Frame {
  const base = syntheticFrame(rows, seed);
  const ids = Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 'a' : 'b'));
  const t = Float64Array.from({ length: rows }, (_, i) => Date.UTC(2024, 0, 1) + ((i * 7) % rows) * HOUR);
  return withColumns(base, [categoryColumn('id', ids), timeColumn('t', t)]);
}

const params = { lags: [1, 2], windows: [3] };

checkTransformer(lagFeaturesTransformer, {
  frame: framed,
  params,
  context: { target: 'y', time: 't', key: 'id' },
  badParams: [
    { params: { lags: [0] }, field: 'lags' },
    { params: { lags: [1, 1] }, field: 'lags' },
    { params: { windows: [1] }, field: 'windows' },
    { params: { statistics: ['median'] }, field: 'statistics' },
    { params: { lags: [], windows: [] }, field: 'lags' },
    { params: { columns: [] }, field: 'columns' },
  ],
  infinity: 'pass-through',
  skip: {
    'row-equals-batch':
      'lags read earlier rows of the same batch; tested instead: prediction frames continue the training tail exactly',
  },
});

const ctx = (extra: { key?: string; time?: string; target?: string } = {}) => ({
  target: 'y',
  ...extra,
  rng: createRng(1),
});
const values = (frame: Frame, name: string) => (getColumn(frame, name) as { values: Float64Array }).values;
const NaN_ = Number.NaN;

test('lag-features: lags, rolling mean and sample std from strictly earlier rows', () => {
  const frame = createFrame([numberColumn('y', [1, 2, 4, 8, 16]), numberColumn('x', [0, 0, 0, 0, 0])]);
  const state = lagFeaturesTransformer.fit(frame, { lags: [1, 2], windows: [2, 3] }, ctx());
  const out = lagFeaturesTransformer.transform(state, frame, { training: true });
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['y', 'x', 'y_lag1', 'y_lag2', 'y_mean2', 'y_std2', 'y_mean3', 'y_std3'],
  );
  expectClose(values(out, 'y_lag1'), [NaN_, 1, 2, 4, 8]);
  expectClose(values(out, 'y_lag2'), [NaN_, NaN_, 1, 2, 4]);
  expectClose(values(out, 'y_mean2'), [NaN_, NaN_, 1.5, 3, 6]);
  expectClose(values(out, 'y_std2'), [NaN_, NaN_, Math.SQRT1_2, Math.SQRT2, 2 * Math.SQRT2], { rtol: 1e-15 });
  expectClose(values(out, 'y_mean3'), [NaN_, NaN_, NaN_, 7 / 3, 14 / 3], { rtol: 1e-15 });
  // sample std of (1,2,4): mean 7/3, squares 16/9+1/9+25/9 = 42/9, /2 → sqrt(7/3)
  expectClose(values(out, 'y_std3'), [NaN_, NaN_, NaN_, Math.sqrt(7 / 3), Math.sqrt(28 / 3)], {
    rtol: 1e-15,
  });
  const onlyMean = lagFeaturesTransformer.fit(
    frame,
    { lags: [], windows: [2], statistics: ['mean'], columns: ['x'] },
    ctx(),
  );
  assert.deepEqual(
    lagFeaturesTransformer.transform(onlyMean, frame).columns.map((c) => c.name),
    ['y', 'x', 'x_mean2'],
  );
});

test('lag-features: per entity, in time order, outputs in input row order; missing values poison windows', () => {
  // Entity a at hours 2,0,1 (rows 0,2,4); entity b at hours 1,0 (rows 1,3); row 5 b at hour 2 with y NaN.
  const frame = createFrame([
    categoryColumn('id', ['a', 'b', 'a', 'b', 'a', 'b', 'b']),
    timeColumn(
      't',
      [2, 1, 0, 0, 1, 2, 3].map((h) => h * HOUR),
    ),
    numberColumn('y', [30, 200, 10, 100, 20, NaN_, 400]),
  ]);
  const state = lagFeaturesTransformer.fit(
    frame,
    { lags: [1], windows: [2], statistics: ['mean'] },
    ctx({ key: 'id', time: 't' }),
  );
  const out = lagFeaturesTransformer.transform(state, frame, { training: true });
  expectClose(values(out, 'y_lag1'), [20, 100, NaN_, NaN_, 10, 200, NaN_]);
  expectClose(values(out, 'y_mean2'), [15, NaN_, NaN_, NaN_, NaN_, 150, NaN_]);
  assert.deepEqual(state.entities, ['a', 'b']);
  // Tails (history 2), oldest first: a → 20, 30; b → NaN (hour 2), 400 (hour 3).
  expectClose(state.tails, [20, 30, NaN_, 400]);
});

/** Two entities, `n` hourly rows each, interleaved; y depends on time so order matters. */
function series(n: number, seed: number): Frame {
  const rng = createRng(seed);
  const ids: string[] = [];
  const t: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++)
    for (const id of ['p', 'q']) {
      ids.push(id);
      t.push(i * HOUR);
      y.push(Math.sin(i / 5) * 10 + rng.normal());
    }
  return createFrame([
    categoryColumn('id', ids),
    timeColumn('t', t),
    numberColumn('y', y),
    numberColumn(
      'x',
      t.map((v) => v / HOUR),
    ),
  ]);
}

test('lag-features: a prediction frame continues the training tail bit for bit', () => {
  const full = series(60, 3);
  const p = { lags: [1, 2, 24], windows: [24, 5] };
  const c = ctx({ key: 'id', time: 't' });
  const whole = lagFeaturesTransformer.transform(lagFeaturesTransformer.fit(full, p, c), full, {
    training: true,
  });
  const trainRows = 2 * 40;
  const state = lagFeaturesTransformer.fit(sliceFrame(full, 0, trainRows), p, c);
  const later = sliceFrame(full, trainRows, full.rowCount);
  assertFramesIdentical(
    lagFeaturesTransformer.transform(state, later),
    sliceFrame(whole, trainRows, full.rowCount),
    'prediction rows after the training tail',
  );
  // Without the target (as at serve time): the first row of each entity still gets its lags from
  // the tail; lag1 of later rows would need unknown targets, so they are NaN.
  const noTarget = lagFeaturesTransformer.transform(state, withoutColumns(later, ['y']));
  const wholeLag24 = values(whole, 'y_lag24').subarray(trainRows);
  assert.deepEqual(
    Array.from(values(noTarget, 'y_lag1').subarray(0, 2)),
    Array.from(values(whole, 'y_lag1').subarray(trainRows, trainRows + 2)),
  );
  assert.ok(Number.isNaN(values(noTarget, 'y_lag1')[2]));
  assert.deepEqual(
    Array.from(values(noTarget, 'y_lag24').subarray(0, 48)),
    Array.from(wholeLag24.subarray(0, 48)),
  );
  // Rows presented out of order are sorted by time before continuing the tail.
  const reversed = takeFrameRows(
    later,
    Int32Array.from({ length: later.rowCount }, (_, i) => later.rowCount - 1 - i),
  );
  const reversedOut = lagFeaturesTransformer.transform(state, reversed);
  assert.equal(values(reversedOut, 'y_mean24')[later.rowCount - 1], values(whole, 'y_mean24')[trainRows]);
});

test('lag-features: changing the target of row t never changes features of rows at or before t', () => {
  const full = series(50, 4);
  const p = { lags: [1, 3], windows: [4] };
  const c = ctx({ key: 'id', time: 't' });
  const state = lagFeaturesTransformer.fit(full, p, c);
  const base = lagFeaturesTransformer.transform(state, full, { training: true });
  const names = ['y_lag1', 'y_lag3', 'y_mean4', 'y_std4'];
  for (const row of [0, 17, 60, 99]) {
    const y = Float64Array.from(values(full, 'y'));
    y[row] += 1000;
    const changed = lagFeaturesTransformer.transform(state, withColumns(full, [numberColumn('y', y)]), {
      training: true,
    });
    const t = values(full, 't');
    let differs = false;
    for (const name of names)
      for (let i = 0; i < full.rowCount; i++) {
        const same = Object.is(values(base, name)[i], values(changed, name)[i]);
        if (t[i] <= t[row]) assert.ok(same, `${name} of row ${i} changed after editing row ${row}`);
        else differs ||= !same;
      }
    if (row < 90) assert.ok(differs, `editing row ${row} reaches later rows`);
  }
});

test('lag-features: unknown entities get no history; a keyless frame uses the single tail', () => {
  const train = createFrame([numberColumn('y', [1, 2, 3])]);
  const state = lagFeaturesTransformer.fit(train, { lags: [1, 2] }, ctx({ key: 'id' }));
  assert.equal(state.keyColumn, null, 'key absent from the training frame: one entity');
  const next = createFrame([numberColumn('y', [4, 5])]);
  const out = lagFeaturesTransformer.transform(state, next);
  expectClose(values(out, 'y_lag1'), [3, 4]);
  expectClose(values(out, 'y_lag2'), [2, 3]);

  const keyed = series(5, 1);
  const many = lagFeaturesTransformer.fit(keyed, { lags: [1] }, ctx({ key: 'id', time: 't' }));
  const stranger = createFrame([
    categoryColumn('id', ['r', 'p']),
    timeColumn('t', [9 * HOUR, 9 * HOUR]),
    numberColumn('y', [1, 1]),
  ]);
  const strangerOut = lagFeaturesTransformer.transform(many, stranger);
  assert.ok(Number.isNaN(values(strangerOut, 'y_lag1')[0]));
  assert.equal(values(strangerOut, 'y_lag1')[1], values(keyed, 'y')[8]);
  assert.throws(
    () => lagFeaturesTransformer.transform(many, withoutColumns(stranger, ['id'])),
    (e: unknown) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
  // Training mode needs the lagged column; fit needs a target or explicit columns.
  assert.throws(
    () => lagFeaturesTransformer.transform(many, withoutColumns(stranger, ['y']), { training: true }),
    (e: unknown) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
  assert.throws(
    () => lagFeaturesTransformer.fit(train, undefined, { rng: createRng(1) }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'columns',
  );
  assert.throws(
    () => lagFeaturesTransformer.fit(createFrame([categoryColumn('y', ['a'])]), undefined, ctx()),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});
