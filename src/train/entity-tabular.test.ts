import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import {
  categoryColumn,
  createFrame,
  type Frame,
  numberColumn,
  timeColumn,
  toMatrix,
} from '../data/frame.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { compilePlan, frameColumns, planFleet } from '../fleet/plan.ts';
import { validateFleetSpec } from '../fleet/spec.ts';
import { olsEstimator } from '../models/linear/ridge.ts';
import { timeSplit } from '../preprocess/split.ts';
import { expectClose } from '../testing/expect-close.ts';
import { trainTabularEntity } from './entity-tabular.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

function plan(frame: Frame, spec: Record<string, unknown>) {
  const validated = validateFleetSpec({
    name: 'f',
    key: 'id',
    time: 'ts',
    target: 'y',
    task: 'regression',
    ...spec,
  });
  return compilePlan(planFleet(validated, 1, frameColumns(frame)));
}

/** Daily rows: `x` is noise unrelated to y; y = 0.5 · days since the first row (a pure trend). */
function trendFrame(rows: number): Frame {
  const rng = createRng(3);
  const ts = Float64Array.from({ length: rows }, (_, i) => START + i * DAY);
  const x = Float64Array.from({ length: rows }, () => rng.next() * 10);
  const y = Float64Array.from({ length: rows }, (_, i) => 0.5 * i);
  return createFrame([timeColumn('ts', ts), numberColumn('x', x), numberColumn('y', y)]);
}

test('a time column listed in features is a model input (elapsed days): a trend learnable only from it', () => {
  const frame = trendFrame(120);
  const withTime = plan(frame, { features: ['x', 'ts'], candidates: ['ridge'] });
  assert.deepEqual(
    withTime.inputColumns.map((c) => c.name),
    ['x', 'ts'],
  );
  // The split stays time-ordered: test rows are the latest, so the model must extrapolate the trend.
  assert.equal(withTime.spec.split.method, 'time');
  const learned = trainTabularEntity('e', frame, withTime, null, 0);
  assert.equal(learned.decision.outcome, 'local');
  assert.equal(learned.model.algorithm, 'ridge');
  // y spans 0..59.5; ridge (alpha 0.01) on elapsed days recovers the trend almost exactly.
  assert.ok(learned.model.metrics.rmse < 0.05, `rmse with time ${learned.model.metrics.rmse}`);
  // The served bundle reads the raw time column and extrapolates to rows after the training data.
  const predictor = loadPredictor(learned.model.bundle);
  assert.deepEqual(
    predictor.inputColumns.map((c) => c.name),
    ['x', 'ts'],
  );
  const future = createFrame([timeColumn('ts', [START + 200 * DAY]), numberColumn('x', [5])]);
  expectClose(predictor.predict(future).values, [100], { atol: 0.5 }, 'prediction 200 days in');

  // Without the time column nothing predicts the trend: no better than the training mean.
  const blind = trainTabularEntity(
    'e',
    frame,
    plan(frame, { features: ['x'], candidates: ['ridge'] }),
    null,
    0,
  );
  assert.ok(blind.model.metrics.rmse > 15, `rmse without time ${blind.model.metrics.rmse}`);
});

test('the served model is refitted on every row; the test score is the one measured before that refit', () => {
  const rows = 100;
  const rng = createRng(5);
  const x = Float64Array.from({ length: rows }, () => rng.next() * 4 - 2);
  const sets = timeSplit(rows, { train: 0.6, validation: 0.2, test: 0.2 });
  const testRows = new Set(sets.test);
  // y = 2x + 1, except that the level moves up by 10 in the newest rows (the test split).
  const y = Float64Array.from(x, (v, i) => 2 * v + 1 + (testRows.has(i) ? 10 : 0));
  const ts = Float64Array.from({ length: rows }, (_, i) => START + i * DAY);
  const frame = createFrame([timeColumn('ts', ts), numberColumn('x', x), numberColumn('y', y)]);
  const result = trainTabularEntity(
    'e',
    frame,
    plan(frame, { features: ['x'], candidates: ['ols'] }),
    null,
    0,
  );
  assert.equal(result.model.algorithm, 'ols');
  // Fitted on train + validation (exactly y = 2x + 1), the test rows are off by 10 each.
  expectClose(result.model.metrics.rmse, 10, { rtol: 1e-9 }, 'test rmse before the refit');
  // Served: OLS on all 100 rows, as fitted here from its definition.
  assert.equal(result.model.rowCount, rows);
  const X = toMatrix(frame, ['x']);
  const reference = olsEstimator.predict(olsEstimator.fit(X, y, {}, createRng(1)), X);
  const served = loadPredictor(result.model.bundle).predict(frame).values;
  expectClose(served, reference, { rtol: 1e-9, atol: 1e-9 }, 'served predictions');
  assert.equal(loadPredictor(result.model.bundle).meta.trainingRows, rows);
});

test('string class labels: learned as codes, answered as the original labels (bundle round trip)', () => {
  const rows = 150;
  const rng = createRng(9);
  const x = Float64Array.from({ length: rows }, () => rng.next() * 3);
  // The label follows x in thirds; "überhitzt" sorts after ASCII letters by code units.
  const label = (v: number) => (v < 1 ? 'ok' : v < 2 ? 'warn' : 'überhitzt');
  const ts = Float64Array.from({ length: rows }, (_, i) => START + i * DAY);
  const frame = createFrame([
    timeColumn('ts', ts),
    numberColumn('x', x),
    categoryColumn(
      'y',
      Array.from(x, (v) => label(v)),
    ),
  ]);
  const spec = { task: 'classification', features: ['x'], candidates: ['decision-tree-classifier'] };
  const result = trainTabularEntity('e', frame, plan(frame, spec), null, 0);
  assert.equal(result.model.algorithm, 'decision-tree-classifier');
  assert.ok(result.model.metrics.accuracy > 0.95, `test accuracy ${result.model.metrics.accuracy}`);
  const predictor = loadPredictor(result.model.bundle);
  assert.deepEqual(predictor.classLabels, ['ok', 'warn', 'überhitzt']);
  const probe = createFrame([timeColumn('ts', [0, 0, 0]), numberColumn('x', [0.5, 1.5, 2.5])]);
  const prediction = predictor.predict(probe);
  assert.deepEqual(prediction.classes, ['ok', 'warn', 'überhitzt']);
  // Predictions are indices into `classes`; the most probable class is the label itself.
  assert.deepEqual(Array.from(prediction.values), [0, 1, 2]);
  const proba = prediction.proba;
  assert.ok(proba);
  for (let r = 0; r < 3; r++) {
    const row: number[] = Array.from(proba.data.subarray(r * 3, r * 3 + 3));
    assert.equal(row.indexOf(Math.max(...row)), r);
  }
});
