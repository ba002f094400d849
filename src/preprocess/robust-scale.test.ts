import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { createFrame, type Frame, numberColumn, numericValues } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { robustScaleTransformer } from './robust-scale.ts';

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

checkTransformer(robustScaleTransformer, {
  context: { target: 'y' },
  badParams: [
    { params: { quantileRange: [75, 25] }, field: 'quantileRange' },
    { params: { quantileRange: [25, 175] }, field: 'quantileRange' },
    { params: { quantileRange: [25, 50, 75] }, field: 'quantileRange' },
    { params: { quantileRange: [-5, 50] }, field: 'quantileRange' },
  ],
  infinity: 'pass-through',
});

test('robust-scale matches sklearn RobustScaler (robust-scaler.json)', () => {
  const fixture = loadFixture('robust-scaler');
  const train = frameFromRows(fixture.inputs.X_train as number[][]);
  const names = train.columns.map((c) => c.name);
  const state = robustScaleTransformer.fit(train, {}, context);
  const e = fixture.expected;
  expectClose(state.center, e.center_ as number[], toleranceFor(fixture, 'center_'), 'center_');
  expectClose(state.scale, e.scale_ as number[], toleranceFor(fixture, 'scale_'), 'scale_');
  for (const [key, input] of [
    ['X_train_transformed', 'X_train'],
    ['X_test_transformed', 'X_test'],
  ]) {
    const frame = frameFromRows(fixture.inputs[input] as number[][]);
    expectClose(
      frameRows(robustScaleTransformer.transform(state, frame), names),
      e[key] as number[][],
      toleranceFor(fixture, key),
      key,
    );
  }
});

test('robust-scale: quantileRange, NaN/±Infinity ignored by fit, zero IQR gives scale 1', () => {
  // Finite values 1..9: median 5; 10th/90th linear percentiles 1.8 and 8.2.
  const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, Number.NaN, Number.POSITIVE_INFINITY];
  const frame = createFrame([numberColumn('a', a), numberColumn('z', [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])]);
  const state = robustScaleTransformer.fit(frame, { quantileRange: [10, 90] }, context);
  assert.deepEqual([...state.center], [5, 0]);
  expectClose(state.scale, [6.4, 1], { rtol: 1e-15 });
  const out = numericValues(robustScaleTransformer.transform(state, frame), 'a');
  assert.ok(Number.isNaN(out[9]));
  assert.equal(out[10], Number.POSITIVE_INFINITY);
  assert.throws(
    () => robustScaleTransformer.params({ quantileRange: [10, 90, 95] }),
    (error: unknown) => isAimassError(error, 'PARAM_INVALID'),
  );
});
