import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { isAimassError } from '../../core/errors.ts';
import { createRng } from '../../core/rng.ts';
import type { AnyForecaster } from '../estimator.ts';
import { autoEts, autoEtsForecaster } from './auto-ets.ts';
import { exponentialSmoothingForecaster } from './exponential-smoothing.ts';
import { driftForecaster, naiveForecaster, seasonalNaiveForecaster } from './simple-forecasters.ts';

const y = Float64Array.of(3, 5, 4, 8, 6, 7, 9, 12);
const rng = () => createRng(1);

function roundTrip(forecaster: AnyForecaster, state: unknown): unknown {
  const writer = new BinaryWriter();
  forecaster.encode(state, writer);
  const bytes = writer.finish();
  const reader = new BinaryReader(bytes);
  const decoded = forecaster.decode(reader);
  reader.end();
  for (const cut of [0, 1, bytes.length - 1]) {
    assert.throws(
      () => {
        const r = new BinaryReader(bytes.subarray(0, cut));
        forecaster.decode(r);
        r.end();
      },
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
      `${forecaster.name} truncated at ${cut}`,
    );
  }
  return decoded;
}

test('naive repeats the last value; fitted is the previous value', () => {
  const state = naiveForecaster.fit(y, undefined, rng());
  assert.deepEqual(Array.from(naiveForecaster.forecast(state, 3)), [12, 12, 12]);
  assert.deepEqual(Array.from(naiveForecaster.fitted!(state)), [Number.NaN, 3, 5, 4, 8, 6, 7, 9]);
  const decoded = roundTrip(naiveForecaster, state) as typeof state;
  assert.deepEqual(naiveForecaster.forecast(decoded, 3), naiveForecaster.forecast(state, 3));
});

test('seasonal naive repeats the last season and needs its period', () => {
  const state = seasonalNaiveForecaster.fit(y, { period: 3 }, rng());
  assert.deepEqual(Array.from(seasonalNaiveForecaster.forecast(state, 5)), [7, 9, 12, 7, 9]);
  assert.deepEqual(Array.from(seasonalNaiveForecaster.fitted!(state)).slice(3), [3, 5, 4, 8, 6]);
  const out = new Float64Array(2);
  assert.equal(seasonalNaiveForecaster.forecast(state, 2, out), out);
  const decoded = roundTrip(seasonalNaiveForecaster, state) as typeof state;
  assert.deepEqual(seasonalNaiveForecaster.forecast(decoded, 7), seasonalNaiveForecaster.forecast(state, 7));
  assert.equal(seasonalNaiveForecaster.params().period, null);
  assert.throws(
    () => seasonalNaiveForecaster.fit(y, {}, rng()),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'period',
  );
  assert.throws(
    () => seasonalNaiveForecaster.fit(y, { period: 9 }, rng()),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});

test('drift continues the line through the first and last points', () => {
  const state = driftForecaster.fit(y, undefined, rng());
  // slope = (12 - 3) / 7
  const slope = 9 / 7;
  assert.deepEqual(Array.from(driftForecaster.forecast(state, 2)), [12 + slope, 12 + 2 * slope]);
  assert.equal(driftForecaster.fitted!(state)[1], 3 + slope);
  const single = driftForecaster.fit(Float64Array.of(4), undefined, rng());
  assert.deepEqual(Array.from(driftForecaster.forecast(single, 2)), [4, 4]);
  const decoded = roundTrip(driftForecaster, state) as typeof state;
  assert.deepEqual(driftForecaster.forecast(decoded, 4), driftForecaster.forecast(state, 4));
});

test('forecasters reject NaN, bad horizons and mismatched out buffers', () => {
  for (const forecaster of [
    naiveForecaster,
    driftForecaster,
    exponentialSmoothingForecaster,
  ] as AnyForecaster[]) {
    assert.throws(
      () => forecaster.fit(Float64Array.of(1, Number.NaN, 3), undefined, rng()),
      (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.row === 1,
      forecaster.name,
    );
    const state = forecaster.fit(y, undefined, rng());
    assert.throws(
      () => forecaster.forecast(state, -1),
      (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
    );
    assert.throws(
      () => forecaster.forecast(state, 1.5),
      (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
    );
    assert.throws(
      () => forecaster.forecast(state, 3, new Float64Array(2)),
      (e: unknown) => isAimassError(e, 'DATA_INVALID'),
    );
    assert.equal(forecaster.forecast(state, 0).length, 0);
  }
  assert.throws(
    () => naiveForecaster.fit(y, { period: 2 }, rng()),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
  );
});

test('exponential smoothing validates its params, naming the field', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ trend: 'mul' }, 'trend'],
    [{ seasonal: 'add' }, 'seasonalPeriods'],
    [{ seasonal: 'both', seasonalPeriods: 4 }, 'seasonal'],
    [{ damped: true }, 'damped'],
    [{ smoothingLevel: 1.5 }, 'smoothingLevel'],
    [{ smoothingTrend: 0.1 }, 'smoothingTrend'],
    [{ trend: 'add', dampingTrend: 0.9 }, 'dampingTrend'],
    [{ seasonal: 'add', seasonalPeriods: 4, initialSeasonal: [1, 2] }, 'initialSeasonal'],
    [{ seasonal: 'mul', seasonalPeriods: 2, initialSeasonal: [1, -1] }, 'initialSeasonal'],
    [{ seasonalPeriods: 1 }, 'seasonalPeriods'],
  ];
  for (const [params, field] of bad) {
    assert.throws(
      () => exponentialSmoothingForecaster.fit(y, params, rng()),
      (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === field,
      JSON.stringify(params),
    );
  }
  assert.ok(Object.isFrozen(exponentialSmoothingForecaster.params()));
  // Multiplicative season needs a positive series; an estimated season needs two full cycles.
  assert.throws(
    () =>
      exponentialSmoothingForecaster.fit(
        Float64Array.of(1, 2, -1, 3),
        { seasonal: 'mul', seasonalPeriods: 2 },
        rng(),
      ),
    (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.row === 2,
  );
  assert.throws(
    () => exponentialSmoothingForecaster.fit(y, { seasonal: 'add', seasonalPeriods: 5 }, rng()),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});

test('exponential smoothing: SES on a constant series forecasts the constant; fitting is deterministic', () => {
  const constant = new Float64Array(30).fill(7.5);
  const state = exponentialSmoothingForecaster.fit(constant, undefined, rng());
  for (const value of exponentialSmoothingForecaster.forecast(state, 5))
    assert.ok(Math.abs(value - 7.5) < 1e-9);
  const series = Float64Array.from(
    { length: 96 },
    (_, t) => 20 + 0.1 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + Math.cos(t * 1.7),
  );
  const params = { trend: 'add', damped: true, seasonal: 'mul', seasonalPeriods: 12 };
  const a = new BinaryWriter();
  const b = new BinaryWriter();
  exponentialSmoothingForecaster.encode(exponentialSmoothingForecaster.fit(series, params, createRng(1)), a);
  exponentialSmoothingForecaster.encode(exponentialSmoothingForecaster.fit(series, params, createRng(2)), b);
  assert.deepEqual(a.finish(), b.finish());
  const fit = exponentialSmoothingForecaster.fit(series, params, rng());
  assert.ok(fit.phi >= 0.8 && fit.phi <= 0.995, `phi ${fit.phi}`);
  // Trend + season + cos(1.7t) (mean square 0.5, not periodic in 12): nothing can fit the cosine, so
  // the one-step MSE floor is about 0.5; the series' own variance is over 10.
  assert.ok(fit.sse / series.length < 0.75, `mean squared error ${fit.sse / series.length}`);
});

test('autoEts picks a seasonal model for a seasonal series and a simple one for a random walk', () => {
  const seasonal = Float64Array.from(
    { length: 120 },
    (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.sin(t * 2.3),
  );
  const chosen = autoEts(seasonal, { seasonalPeriods: 12 }, rng());
  assert.equal(chosen.candidates.length, 5);
  assert.ok(
    chosen.params.seasonal === 'add' || chosen.params.seasonal === 'mul',
    JSON.stringify(chosen.params),
  );
  const best = Math.min(...chosen.candidates.map((c) => c.aicc ?? Number.POSITIVE_INFINITY));
  assert.equal(chosen.state.aicc, best);
  const walkRng = createRng(3);
  let level = 10;
  const walk = Float64Array.from({ length: 100 }, () => (level += walkRng.normal()));
  const plain = autoEts(walk, { seasonalPeriods: 12 }, rng());
  assert.equal(plain.params.seasonal, undefined, JSON.stringify(plain.candidates));
  // Too short for the seasonal candidates: they are skipped with a reason, not thrown.
  const short = autoEts(walk.subarray(0, 20), { seasonalPeriods: 12 }, rng());
  assert.ok(short.candidates.some((c) => c.aicc === null && c.reason));
  const state = autoEtsForecaster.fit(seasonal, { seasonalPeriods: 12 }, rng());
  assert.deepEqual(
    autoEtsForecaster.forecast(state, 12),
    exponentialSmoothingForecaster.forecast(chosen.state, 12),
  );
});
