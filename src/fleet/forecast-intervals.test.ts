import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBundle, stateSection } from '../codec/bundle.ts';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { driftForecaster } from '../models/forecast/simple-forecasters.ts';
import { expectClose } from '../testing/expect-close.ts';
import { encodeEntityBundle, IO_SECTION } from './bundle.ts';
import {
  intervalBounds,
  intervalsFromResiduals,
  readIntervals,
  writeIntervals,
} from './forecast-intervals.ts';
import { loadPredictor } from './load-predictor.ts';

const meta = {
  fleet: 'f',
  key: 's1',
  version: 0,
  specVersion: 1,
  params: {},
  metrics: {},
  trainingRows: 4,
  dataRange: null,
  createdAtMs: 0,
  fallbackReason: null,
};

test('intervals: empirical quantiles (numpy linear) of residual / sqrt(step), widened by sqrt(k)', () => {
  // Residuals -2..2 at step 1, and 4 at step 4 (= 2 at step 1) with NaN skipped: -2, -1, 0, 1, 2, 2.
  const intervals = intervalsFromResiduals(
    Float64Array.of(-2, -1, 0, 1, 2, 4, Number.NaN),
    Int32Array.of(1, 1, 1, 1, 1, 4, 1),
  );
  assert.ok(intervals);
  assert.equal(intervals.residuals, 6);
  expectClose(intervals.levels, [0.8, 0.95]);
  // Sorted -2,-1,0,1,2,2: q=0.1 at index 0.5 → -1.5; q=0.9 at 4.5 → 2; q=0.025 at 0.125 → -1.875; q=0.975 → 2.
  expectClose(intervals.lower, [-1.5, -1.875]);
  expectClose(intervals.upper, [2, 2]);
  const [eighty] = intervalBounds(intervals, Float64Array.of(10, 10, 10, 10));
  expectClose(eighty.lower, [10 - 1.5, 10 - 1.5 * Math.SQRT2, 10 - 1.5 * Math.sqrt(3), 10 - 3]);
  expectClose(eighty.upper, [12, 10 + 2 * Math.SQRT2, 10 + 2 * Math.sqrt(3), 14]);
  assert.equal(intervalsFromResiduals(Float64Array.of(Number.NaN), Int32Array.of(1)), null);
});

test('forecast bundles carry intervals; io sections of version 1 (none) still load', () => {
  const state = driftForecaster.fit(Float64Array.of(1, 2, 3, 4), {}, createRng(1));
  const intervals = intervalsFromResiduals(Float64Array.of(-1, 0, 1), Int32Array.of(1, 1, 1));
  const model = { kind: 'forecaster' as const, forecaster: driftForecaster, state };
  const bytes = encodeEntityBundle(
    { task: 'forecast', inputColumns: [], pipeline: null, model, intervals },
    meta,
  );
  const predictor = loadPredictor(bytes);
  expectClose(predictor.forecast?.(2) as Float64Array, [5, 6]);
  assert.deepEqual(predictor.intervals, intervals);
  assert.equal(
    loadPredictor(encodeEntityBundle({ task: 'forecast', inputColumns: [], pipeline: null, model }, meta))
      .intervals,
    null,
  );
  // A bundle written before intervals existed: io section v1 = task, columns, pipeline flag.
  const v1 = encodeBundle({
    model: stateSection(driftForecaster, state),
    pipeline: {
      name: IO_SECTION,
      stateVersion: 1,
      write: (writer) => {
        writer.u8(2); // forecast
        writer.u32(0);
        writer.bool(false);
      },
    },
    meta,
  });
  const old = loadPredictor(v1);
  assert.equal(old.intervals, null);
  expectClose(old.forecast?.(1) as Float64Array, [5]);
});

test('corrupt intervals are rejected when read', () => {
  const read = (levels: number[], lower: number[], upper: number[]) => {
    const writer = new BinaryWriter();
    writeIntervals(
      {
        levels: Float64Array.from(levels),
        lower: Float64Array.from(lower),
        upper: Float64Array.from(upper),
        residuals: 3,
      },
      writer,
    );
    return readIntervals(new BinaryReader(writer.finish()));
  };
  assert.deepEqual(read([0.8], [-1], [1])?.residuals, 3);
  for (const [levels, lower, upper] of [
    [[1.2], [-1], [1]],
    [
      [0.9, 0.8],
      [-1, -1],
      [1, 1],
    ],
    [[0.8], [2], [1]],
    [[0.8], [Number.NaN], [1]],
    [[0.8, 0.9], [-1], [1]],
  ])
    assert.throws(
      () => read(levels, lower, upper),
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
      JSON.stringify([levels, lower, upper]),
    );
});
