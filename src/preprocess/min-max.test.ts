import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { createFrame, type Frame, numberColumn, numericValues } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { minMaxTransformer } from './min-max.ts';

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

checkTransformer(minMaxTransformer, {
  context: { target: 'y' },
  badParams: [{ params: { columns: [1] }, field: 'columns' }],
  infinity: 'pass-through',
});

test('min-max matches sklearn MinMaxScaler (min-max-scaler.json)', () => {
  const fixture = loadFixture('min-max-scaler');
  const train = frameFromRows(fixture.inputs.X_train as number[][]);
  const names = train.columns.map((c) => c.name);
  const state = minMaxTransformer.fit(train, {}, context);
  const e = fixture.expected;
  expectClose(state.scale, e.scale_ as number[], toleranceFor(fixture, 'scale_'), 'scale_');
  expectClose(state.offset, e.min_ as number[], toleranceFor(fixture, 'min_'), 'min_');
  for (const [key, input] of [
    ['X_train_transformed', 'X_train'],
    ['X_test_transformed', 'X_test'],
  ]) {
    const frame = frameFromRows(fixture.inputs[input] as number[][]);
    expectClose(
      frameRows(minMaxTransformer.transform(state, frame), names),
      e[key] as number[][],
      toleranceFor(fixture, key),
      key,
    );
  }
});

test('min-max: NaN and ±Infinity pass through; fit uses finite values only; all-missing is identity', () => {
  const frame = createFrame([
    numberColumn('a', [2, Number.POSITIVE_INFINITY, 6, Number.NaN, 4, Number.NEGATIVE_INFINITY]),
    numberColumn('m', [null, null, null, null, null, null]),
  ]);
  const state = minMaxTransformer.fit(frame, {}, context);
  const out = minMaxTransformer.transform(state, frame);
  assert.deepEqual(
    [...numericValues(out, 'a')],
    [0, Number.POSITIVE_INFINITY, 1, Number.NaN, 0.5, Number.NEGATIVE_INFINITY],
  );
  const later = minMaxTransformer.transform(
    state,
    createFrame([numberColumn('a', [10]), numberColumn('m', [7])]),
  );
  assert.deepEqual([...numericValues(later, 'a')], [2], 'outside the training range: no clipping');
  assert.deepEqual([...numericValues(later, 'm')], [7]);
});
