import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { autoCandidates, baselineFor } from './catalog.ts';
import { planFleet } from './plan.ts';
import { defaultMinRows, validateFleetSpec } from './spec.ts';

const forecast = { name: 'series', key: 'id', time: 'ts', target: 'y', task: 'forecast' };
const columns = [
  { name: 'ts', type: 'time' as const },
  { name: 'y', type: 'number' as const },
];

test('minRows defaults per task: forecast series are allowed to be short', () => {
  assert.equal(validateFleetSpec(forecast).minRows, 10);
  assert.equal(defaultMinRows('forecast'), 10);
  for (const task of ['regression', 'classification', 'anomaly'] as const) {
    assert.equal(defaultMinRows(task), 30);
    assert.equal(validateFleetSpec({ ...forecast, task, target: 'y' }).minRows, 30);
  }
  assert.equal(validateFleetSpec({ ...forecast, minRows: 4 }).minRows, 4);
});

test('auto forecast candidates: naive, drift and auto-ETS are in; seasonal baseline with a season', () => {
  const seasonal = planFleet(validateFleetSpec({ ...forecast, forecast: { seasonPeriod: 12 } }), 1, columns);
  const names = seasonal.candidates.map((c) => c.algorithm);
  assert.equal(names[0], 'seasonal-naive');
  assert.deepEqual(seasonal.candidates[0].params, { period: 12 });
  for (const name of ['naive', 'drift', 'auto-ets', 'exponential-smoothing', 'lag-regression'])
    assert.ok(names.includes(name), name);
  const autoEts = seasonal.candidates.find((c) => c.algorithm === 'auto-ets');
  assert.deepEqual(autoEts?.params, { seasonalPeriods: 12 });
  assert.ok(seasonal.candidates.some((c) => c.params.seasonal === 'add'));
});

test('season 1: seasonal candidates are left out (not failed later), the baseline is naive, nothing twice', () => {
  const plan = planFleet(validateFleetSpec({ ...forecast, forecast: { seasonPeriod: 1 } }), 1, columns);
  assert.deepEqual(baselineFor('forecast', 1), { algorithm: 'naive', params: {}, search: {} });
  assert.equal(plan.candidates[0].algorithm, 'naive');
  assert.equal(plan.candidates.filter((c) => c.algorithm === 'naive').length, 1, 'baseline = auto naive');
  for (const c of plan.candidates) {
    assert.ok(c.params.seasonal === undefined || c.params.seasonal === null, JSON.stringify(c));
    assert.ok(c.algorithm !== 'seasonal-naive');
  }
  assert.deepEqual(plan.candidates.find((c) => c.algorithm === 'auto-ets')?.params, {
    seasonalPeriods: null,
  });
  assert.deepEqual(plan.candidates.find((c) => c.algorithm === 'lag-regression')?.params.lags, [1, 2, 3]);
  assert.ok(autoCandidates('forecast', 1).every((c) => !JSON.stringify(c).includes('seasonalPeriods":1')));
});

test('candidates: [auto, {...}] extends the automatic zoo in place without copying it', () => {
  const extra = { algorithm: 'lag-regression', params: { lags: [1, 12] } };
  const spec = validateFleetSpec({
    ...forecast,
    forecast: { seasonPeriod: 12 },
    candidates: ['auto', extra],
  });
  assert.deepEqual(spec.candidates, [
    { algorithm: 'auto', params: {}, search: {} },
    { algorithm: 'lag-regression', params: { lags: [1, 12] }, search: {} },
  ]);
  // The validated spec validates again (it is stored and read back).
  assert.deepEqual(validateFleetSpec(spec).candidates, spec.candidates);
  const plan = planFleet(spec, 1, columns);
  const auto = autoCandidates('forecast', 12);
  assert.equal(plan.candidates.length, 1 + auto.length + 1);
  assert.deepEqual(plan.candidates.slice(1, -1), auto);
  assert.deepEqual(plan.candidates.at(-1), {
    algorithm: 'lag-regression',
    params: { lags: [1, 12] },
    search: {},
  });
  // Listing a zoo member again adds nothing.
  const twice = planFleet(validateFleetSpec({ ...forecast, candidates: ['drift', 'auto'] }), 1, columns);
  assert.equal(twice.candidates.filter((c) => c.algorithm === 'drift').length, 1);
  // A regression fleet extends its own zoo the same way.
  const regression = planFleet(
    validateFleetSpec({ ...forecast, task: 'regression', candidates: ['lasso', 'auto'] }),
    1,
    [...columns, { name: 'x', type: 'number' }],
  );
  assert.deepEqual(
    regression.candidates.map((c) => c.algorithm),
    ['baseline-mean', 'lasso', ...autoCandidates('regression', 24).map((c) => c.algorithm)],
  );
});

test('auto in a candidate list: once only, and without params or search', () => {
  const bad = (candidates: unknown, field: string) => {
    assert.throws(
      () => validateFleetSpec({ ...forecast, candidates }),
      (e: unknown) => isAimassError(e, 'SPEC_INVALID') && e.context.field === field,
    );
  };
  bad(['auto', 'naive', 'auto'], 'candidates[2]');
  bad([{ algorithm: 'auto', params: { lags: [1] } }], 'candidates[0]');
  bad([{ algorithm: 'auto', search: { x: [1, 2] } }], 'candidates[0]');
});
