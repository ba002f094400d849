import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { createFrame, type Frame, getColumn, numberColumn, timeColumn, withColumns } from '../data/frame.ts';
import { checkTransformer, syntheticFrame } from '../testing/check-transformer.ts';
import { TIME_FEATURES, timeFeaturesTransformer } from './time-features.ts';

/** The shared synthetic frame plus an hourly time column `t` (with one missing time). */
function framed(rows: number, seed: number): Frame {
  const base = syntheticFrame(rows, seed);
  const start = Date.UTC(2024, 1, 27, 5) + seed * 3_600_000;
  const t = Float64Array.from({ length: rows }, (_, i) => (i === 2 ? Number.NaN : start + i * 3_600_000));
  return withColumns(base, [timeColumn('t', t)]);
}

checkTransformer(timeFeaturesTransformer, {
  frame: framed,
  context: { target: 'y', time: 't' },
  badParams: [
    { params: { features: ['hour', 'minute'] }, field: 'features' },
    { params: { features: [] }, field: 'features' },
    { params: { features: ['hour', 'hour'] }, field: 'features' },
    { params: { utcOffsetMinutes: 30.5 }, field: 'utcOffsetMinutes' },
    { params: { utcOffsetMinutes: 5000 }, field: 'utcOffsetMinutes' },
  ],
  infinity: 'pass-through',
});

// The same checks with elapsed time in the state (its origin and unit are encoded only then).
checkTransformer(timeFeaturesTransformer, {
  frame: framed,
  params: { features: ['elapsed', 'hour'] },
  context: { target: 'y', time: 't' },
  badParams: [{ params: { features: ['elapsed', 'elapsed'] }, field: 'features' }],
  infinity: 'pass-through',
});

const ctx = { time: 't', rng: createRng(1) };

test('time-features: elapsed is days since the earliest training time; number columns keep their units', () => {
  const day = 86_400_000;
  const start = Date.UTC(2024, 0, 1);
  const train = createFrame([timeColumn('t', [start + 2 * day, start, Number.NaN, start + day / 2])]);
  const state = timeFeaturesTransformer.fit(train, { features: ['elapsed'] }, ctx);
  assert.deepEqual(values(timeFeaturesTransformer.transform(state, train), 't_elapsed'), [
    2,
    0,
    Number.NaN,
    0.5,
  ]);
  // Later rows extrapolate from the fitted origin (serving a year after the training data).
  const later = createFrame([timeColumn('t', [start + 366 * day])]);
  assert.deepEqual(values(timeFeaturesTransformer.transform(state, later), 't_elapsed'), [366]);
  // A number time column (years here) is elapsed in its own units.
  const years = createFrame([numberColumn('t', [2003, 2001, 2010])]);
  const yearState = timeFeaturesTransformer.fit(years, { features: ['elapsed'] }, ctx);
  assert.deepEqual(values(timeFeaturesTransformer.transform(yearState, years), 't_elapsed'), [2, 0, 9]);
});
const values = (frame: Frame, name: string) =>
  Array.from((getColumn(frame, name) as { values: Float64Array }).values);

test('time-features: agree with Date UTC getters on random instants 1900–2200, any offset', () => {
  const rng = createRng(42);
  const n = 2000;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = Math.floor((rng.next() * 300 - 70) * 365.25 * 86_400_000);
  times[0] = Date.UTC(2024, 1, 29, 23, 59); // leap day
  times[1] = Date.UTC(2023, 11, 31, 0, 0); // day 365
  times[2] = Date.UTC(2000, 0, 1); // day 1 of a 400-year leap year
  for (const offset of [0, 330, -300]) {
    const frame = createFrame([timeColumn('t', times)]);
    const state = timeFeaturesTransformer.fit(frame, { utcOffsetMinutes: offset }, ctx);
    const out = timeFeaturesTransformer.transform(state, frame);
    const hour = values(out, 't_hour');
    const dow = values(out, 't_dayOfWeek');
    const month = values(out, 't_month');
    const doy = values(out, 't_dayOfYear');
    const hourSin = values(out, 't_hourSin');
    for (let i = 0; i < n; i++) {
      const d = new Date(times[i] + offset * 60_000);
      const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
      const dayOfYear =
        Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - yearStart) / 86_400_000) +
        1;
      assert.equal(hour[i], d.getUTCHours(), `hour at ${d.toISOString()}`);
      assert.equal(dow[i], (d.getUTCDay() + 6) % 7, `day of week at ${d.toISOString()}`);
      assert.equal(month[i], d.getUTCMonth() + 1, `month at ${d.toISOString()}`);
      assert.equal(doy[i], dayOfYear, `day of year at ${d.toISOString()}`);
      const fractional =
        d.getUTCHours() +
        d.getUTCMinutes() / 60 +
        d.getUTCSeconds() / 3600 +
        d.getUTCMilliseconds() / 3_600_000;
      assert.ok(Math.abs(hourSin[i] - Math.sin((2 * Math.PI * fractional) / 24)) < 1e-12);
    }
    if (offset === 0) {
      assert.equal(doy[0], 60);
      assert.equal(doy[1], 365);
      assert.equal(doy[2], 1);
    }
  }
});

test('time-features: cyclic encodings, selection order, missing and infinite times', () => {
  // Monday 2024-01-01 00:00 UTC, Sunday 2024-06-30 18:00, a missing time, +Infinity.
  const times = [Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 30, 18), Number.NaN, Number.POSITIVE_INFINITY];
  const frame = createFrame([timeColumn('t', times), numberColumn('x', [1, 2, 3, 4])]);
  const features = ['monthCos', 'dowSin', 'hourCos', 'dowCos', 'monthSin', 'hourSin'];
  const state = timeFeaturesTransformer.fit(frame, { features }, ctx);
  const out = timeFeaturesTransformer.transform(state, frame);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['t', 'x', ...features.map((f) => `t_${f}`)],
  );
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-15, `${a} vs ${b}`);
  close(values(out, 't_monthCos')[0], 1);
  close(values(out, 't_monthSin')[1], Math.sin((2 * Math.PI * 5) / 12));
  close(values(out, 't_dowSin')[0], 0);
  close(values(out, 't_dowCos')[1], Math.cos((2 * Math.PI * 6) / 7));
  close(values(out, 't_hourCos')[1], 0);
  close(values(out, 't_hourSin')[1], -1);
  for (const f of features) {
    assert.ok(Number.isNaN(values(out, `t_${f}`)[2]), `${f} of a missing time`);
    assert.ok(Number.isNaN(values(out, `t_${f}`)[3]), `${f} of an infinite time`);
  }
  const all = timeFeaturesTransformer.fit(frame, undefined, ctx);
  assert.deepEqual(all.features, TIME_FEATURES);
});

test('time-features: explicit column, missing column, wrong type', () => {
  const frame = createFrame([numberColumn('when', [0]), numberColumn('x', [1])]);
  const state = timeFeaturesTransformer.fit(
    frame,
    { column: 'when', features: ['dayOfWeek'] },
    { rng: createRng(1) },
  );
  assert.deepEqual(values(timeFeaturesTransformer.transform(state, frame), 'when_dayOfWeek'), [3]);
  assert.throws(
    () => timeFeaturesTransformer.fit(frame, undefined, { rng: createRng(1) }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'column',
  );
  assert.throws(
    () => timeFeaturesTransformer.fit(frame, undefined, ctx),
    (e: unknown) => isAimassError(e, 'COLUMN_NOT_FOUND'),
  );
});
