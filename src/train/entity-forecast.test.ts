import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { createFrame, numberColumn, timeColumn } from '../data/frame.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { compilePlan, planFleet } from '../fleet/plan.ts';
import { validateFleetSpec } from '../fleet/spec.ts';
import { expectClose } from '../testing/expect-close.ts';
import { trainForecastEntity } from './entity-forecast.ts';

const DAY = 86_400_000;

function plan(forecast: { horizon: number; seasonPeriod: number }, extra: Record<string, unknown> = {}) {
  const spec = validateFleetSpec({
    name: 'series',
    key: 'id',
    time: 'ts',
    target: 'y',
    task: 'forecast',
    forecast,
    // No time cap: the choice must not depend on machine speed in a test.
    budget: { maxTrials: 12, maxMillis: 3_600_000 },
    ...extra,
  });
  return compilePlan(
    planFleet(spec, 1, [
      { name: 'ts', type: 'time' },
      { name: 'y', type: 'number' },
    ]),
  );
}

function series(values: ArrayLike<number>) {
  return createFrame([
    timeColumn(
      'ts',
      Array.from(values, (_, t) => t * 365 * DAY),
    ),
    numberColumn('y', Float64Array.from(values)),
  ]);
}

test('a 9-point trending series gets its own drift model (short_series), never the fleet fallback', () => {
  // Exactly linear: drift forecasts every window without error; naive, SES and damped Holt cannot.
  const y = Float64Array.from({ length: 9 }, (_, t) => 3 + 2 * t);
  const result = trainForecastEntity('c1', series(y), plan({ horizon: 24, seasonPeriod: 1 }), 0);
  assert.equal(result.model.algorithm, 'drift');
  assert.equal(result.model.fallbackReason, 'short_series');
  assert.equal(result.decision.outcome, 'local');
  assert.equal(result.decision.reason, 'short_series');
  assert.deepEqual(
    result.trials.map((t) => t.algorithm),
    ['naive', 'drift', 'exponential-smoothing', 'exponential-smoothing'],
  );
  assert.ok(result.trials.every((t) => t.error === undefined));
  assert.equal(result.model.metrics.validation_origins, 2);
  assert.equal(result.model.metrics.smape, 0);
  assert.ok(result.model.bundle.length > 0);
  const predictor = loadPredictor(result.model.bundle);
  expectClose(predictor.forecast?.(3) as Float64Array, [21, 23, 25]);
  // Every out-of-sample residual was 0: intervals of zero width, from 3 windows of 2 points.
  assert.equal(predictor.intervals?.residuals, 6);
  expectClose(predictor.intervals?.lower as Float64Array, [0, 0]);
  expectClose(predictor.intervals?.upper as Float64Array, [0, 0]);
});

test('a short series with one origin keeps a simple model; with none it is naive', () => {
  // 5 points: windows of 1, one origin: only naive and drift may win.
  const five = trainForecastEntity('c2', series([5, 1, 6, 2, 7]), plan({ horizon: 4, seasonPeriod: 1 }), 0);
  assert.ok(['naive', 'drift'].includes(five.model.algorithm), five.model.algorithm);
  assert.equal(five.model.fallbackReason, 'short_series');
  const three = trainForecastEntity('c3', series([4, 5, 6]), plan({ horizon: 4, seasonPeriod: 1 }), 0);
  assert.equal(three.model.algorithm, 'naive');
  assert.equal(three.model.fallbackReason, 'short_series');
  assert.equal(three.trials.length, 0);
  expectClose(loadPredictor(three.model.bundle).forecast?.(2) as Float64Array, [6, 6]);
});

test('season 1: no seasonal candidate is tried, none fails; forms too short for the data are skipped', () => {
  const rng = createRng(3);
  let level = 100;
  const walk = Float64Array.from({ length: 80 }, () => (level += rng.normal()));
  const flat = trainForecastEntity('w', series(walk), plan({ horizon: 6, seasonPeriod: 1 }), 0);
  assert.equal(flat.model.fallbackReason, null);
  assert.equal(flat.decision.numbers.skipped, 0);
  assert.ok(flat.trials.length >= 6);
  for (const trial of flat.trials) {
    assert.equal(trial.error, undefined, `${trial.algorithm} ${JSON.stringify(trial.params)}`);
    assert.ok(trial.algorithm !== 'seasonal-naive');
  }
  // 30 points, season 12, horizon 4: the earliest fit (22 points) is under two seasons, so damped
  // Holt-Winters is skipped, not failed.
  const seasonal = trainForecastEntity(
    's',
    series(walk.subarray(0, 30)),
    plan({ horizon: 4, seasonPeriod: 12 }),
    0,
  );
  assert.equal(seasonal.decision.numbers.skipped, 1);
  assert.ok(seasonal.trials.every((t) => t.error === undefined));
  assert.ok(!seasonal.trials.some((t) => t.params.seasonal === 'add'));
});

test('a complex model must win over more than one origin: a one-origin full layout serves a simple model', () => {
  // 2h + season + 1 = 33 points, h 8, season 16: one origin. Strong season: Holt-Winters would win.
  const y = Float64Array.from({ length: 33 }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 16) + 0.5 * t);
  const result = trainForecastEntity(
    'o',
    series(y),
    plan({ horizon: 8, seasonPeriod: 16 }, { minRows: 10 }),
    0,
  );
  assert.equal(result.model.metrics.validation_origins, 1);
  // The rule, not the scores, decided: some complex candidate did better on the one origin.
  const best = (simple: boolean) =>
    Math.min(
      ...result.trials
        .filter((t) => ['naive', 'drift', 'seasonal-naive'].includes(t.algorithm) === simple)
        .map((t) => t.score),
    );
  assert.ok(best(false) < best(true), `complex ${best(false)} vs simple ${best(true)}`);
  assert.ok(['naive', 'drift', 'seasonal-naive'].includes(result.model.algorithm), result.model.algorithm);
});
