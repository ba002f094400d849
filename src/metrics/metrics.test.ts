import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { expectClose } from '../testing/expect-close.ts';
import { fixtureMatrix, fixtureVector, loadFixture, toleranceFor } from '../testing/fixtures.ts';
import {
  accuracyScore,
  anomalyPrecision,
  anomalyRecall,
  binaryLogLoss,
  confusionMatrix,
  isBetter,
  logLoss,
  meanAbsoluteScaledError,
  metricByName,
  metrics,
  perClassScores,
  precisionRecallF1,
  rocAuc,
  seasonalNaiveScale,
  symmetricMape,
} from './index.ts';

test('regression metrics match sklearn (metrics-regression.json)', () => {
  const fixture = loadFixture('metrics-regression');
  const yTrue = fixtureVector(fixture.inputs.y_true);
  const yPred = fixtureVector(fixture.inputs.y_pred);
  const e = fixture.expected;
  const pairs: [string, string][] = [
    ['mse', 'mean_squared_error'],
    ['rmse', 'root_mean_squared_error'],
    ['mae', 'mean_absolute_error'],
    ['r2', 'r2_score'],
    ['mape', 'mean_absolute_percentage_error'],
  ];
  for (const [name, key] of pairs)
    expectClose(metrics[name].compute(yTrue, yPred), e[key] as number, toleranceFor(fixture, key), name);
});

test('binary classification metrics match sklearn (metrics-binary-classification.json)', () => {
  const fixture = loadFixture('metrics-binary-classification');
  const yTrue = fixtureVector(fixture.inputs.y_true);
  const yScore = fixtureVector(fixture.inputs.y_score);
  const yPred = fixtureVector(fixture.inputs.y_pred);
  const e = fixture.expected;
  const tol = (key: string) => toleranceFor(fixture, key);
  expectClose(metrics.accuracy.compute(yTrue, yPred), e.accuracy as number, tol('accuracy'), 'accuracy');
  expectClose(metrics.precision.compute(yTrue, yPred), e.precision as number, tol('precision'), 'precision');
  expectClose(metrics.recall.compute(yTrue, yPred), e.recall as number, tol('recall'), 'recall');
  expectClose(metrics.f1.compute(yTrue, yPred), e.f1 as number, tol('f1'), 'f1');
  expectClose(metrics['roc-auc'].compute(yTrue, yScore), e.roc_auc as number, tol('roc_auc'), 'roc auc');
  expectClose(metrics['log-loss'].compute(yTrue, yScore), e.log_loss as number, tol('log_loss'), 'log loss');
  const matrix = confusionMatrix(yTrue, yPred);
  assert.deepEqual(Array.from(matrix.labels), [0, 1]);
  assert.deepEqual(Array.from(matrix.counts.data), (e.confusion_matrix as number[][]).flat());
});

test('multiclass metrics match sklearn (metrics-multiclass-classification.json)', () => {
  const fixture = loadFixture('metrics-multiclass-classification');
  const yTrue = fixtureVector(fixture.inputs.y_true);
  const yPred = fixtureVector(fixture.inputs.y_pred);
  const proba = fixtureMatrix(fixture.inputs.y_proba);
  const labels = fixtureVector(fixture.inputs.labels);
  const e = fixture.expected;
  const tol = (key: string) => toleranceFor(fixture, key);
  expectClose(accuracyScore(yTrue, yPred), e.accuracy as number, tol('accuracy'), 'accuracy');
  for (const average of ['macro', 'micro', 'weighted'] as const) {
    const scores = precisionRecallF1(yTrue, yPred, average);
    for (const field of ['precision', 'recall', 'f1'] as const) {
      const key = `${field}_${average}`;
      expectClose(scores[field], e[key] as number, tol(key), key);
    }
  }
  expectClose(metrics['f1-macro'].compute(yTrue, yPred), e.f1_macro as number, tol('f1_macro'), 'f1-macro');
  expectClose(
    metrics['f1-weighted'].compute(yTrue, yPred),
    e.f1_weighted as number,
    tol('f1_weighted'),
    'f1-weighted',
  );
  const perClass = perClassScores(yTrue, yPred, labels);
  expectClose(perClass.precision, e.precision_per_class as number[], tol('precision_per_class'), 'precision');
  expectClose(perClass.recall, e.recall_per_class as number[], tol('recall_per_class'), 'recall');
  expectClose(perClass.f1, e.f1_per_class as number[], tol('f1_per_class'), 'f1');
  assert.deepEqual(
    Array.from(confusionMatrix(yTrue, yPred, labels).counts.data),
    (e.confusion_matrix as number[][]).flat(),
  );
  expectClose(logLoss(yTrue, proba, labels), e.log_loss as number, tol('log_loss'), 'log loss');
  expectClose(
    metrics['log-loss'].compute(yTrue, yPred, { proba, classes: labels }),
    e.log_loss as number,
    tol('log_loss'),
    'log-loss metric',
  );
  assert.throws(
    () => precisionRecallF1(yTrue, yPred, 'binary'),
    (error: unknown) => isAimassError(error, 'DATA_INVALID'),
  );
});

test('sMAPE and MASE match the hand-computed fixture (metrics-forecast-smape-mase.json)', () => {
  const fixture = loadFixture('metrics-forecast-smape-mase');
  const train = fixtureVector(fixture.inputs.y_train);
  const yTest = fixtureVector(fixture.inputs.y_test);
  const yPred = fixtureVector(fixture.inputs.y_pred);
  const e = fixture.expected;
  const tol = (key: string) => toleranceFor(fixture, key);
  expectClose(symmetricMape(yTest, yPred), e.smape_percent as number, tol('smape_percent'), 'smape');
  expectClose(metrics.mae.compute(yTest, yPred), e.mae as number, tol('mae'), 'mae');
  expectClose(seasonalNaiveScale(train, 12), e.mase_scale_m12 as number, tol('mase_scale_m12'), 'scale 12');
  expectClose(seasonalNaiveScale(train, 1), e.mase_scale_m1 as number, tol('mase_scale_m1'), 'scale 1');
  expectClose(
    metrics.mase.compute(yTest, yPred, { train, seasonalPeriod: fixture.inputs.m as number }),
    e.mase_m12 as number,
    tol('mase_m12'),
    'mase m=12',
  );
  expectClose(
    metrics.mase.compute(yTest, yPred, { train }),
    e.mase_m1 as number,
    tol('mase_m1'),
    'mase default m=1',
  );
  assert.ok(Number.isNaN(meanAbsoluteScaledError(yTest, yPred, train.subarray(0, 12), 12)), 'T <= m');
  assert.equal(symmetricMape(Float64Array.of(0, 2), Float64Array.of(0, 2)), 0, '0/0 term counts 0');
});

test('ROC AUC: ties count one half, one class gives NaN', () => {
  // One positive and one negative with the same score: U = 1/2.
  assert.equal(rocAuc(Float64Array.of(1, 0), Float64Array.of(0.3, 0.3)), 0.5);
  assert.equal(rocAuc(Float64Array.of(1, 0, 1), Float64Array.of(0.9, 0.1, 0.1)), 0.75);
  assert.ok(Number.isNaN(rocAuc(Float64Array.of(1, 1), Float64Array.of(0.2, 0.3))));
});

test('log loss clips to [eps, 1-eps] like sklearn', () => {
  const eps = 2.220446049250313e-16;
  // A confident wrong prediction costs -log(eps) (then renormalised), not Infinity.
  expectClose(binaryLogLoss(Float64Array.of(1), Float64Array.of(0)), -Math.log(eps / (eps + 1 - eps)), {
    rtol: 1e-12,
  });
  assert.equal(binaryLogLoss(Float64Array.of(0, 1), Float64Array.of(0.5, 0.5)), Math.log(2));
});

test('anomaly precision and recall at a threshold', () => {
  const yTrue = Float64Array.of(1, 0, 1, 0, 0, 1);
  const score = Float64Array.of(0.9, 0.8, 0.2, 0.1, 0.4, 0.7);
  assert.equal(anomalyPrecision(yTrue, score, 0.5), 2 / 3);
  assert.equal(anomalyRecall(yTrue, score, 0.5), 2 / 3);
  assert.equal(anomalyPrecision(yTrue, score, 0.95), 0, 'nothing flagged → 0');
  assert.equal(metrics['anomaly-recall'].compute(yTrue, score, { threshold: 0.15 }), 1);
  assert.equal(metrics['anomaly-precision'].compute(yTrue, score), 2 / 3, 'default threshold 0.5');
});

test('registry: names, directions and isBetter', () => {
  for (const [name, metric] of Object.entries(metrics)) {
    assert.equal(metric.name, name);
    assert.ok(metric.direction === 'min' || metric.direction === 'max');
  }
  assert.equal(isBetter(metrics.rmse, 1, 2), true);
  assert.equal(isBetter(metrics.rmse, 2, 1), false);
  assert.equal(isBetter(metrics.r2, 0.9, 0.5), true);
  assert.equal(isBetter(metrics.r2, 0.5, 0.5), false, 'ties are not better');
  assert.equal(isBetter(metrics.r2, 0.1, Number.NaN), true, 'a number beats NaN');
  assert.equal(isBetter(metrics.rmse, Number.NaN, 1), false, 'NaN never wins');
  assert.equal(metricByName('mae'), metrics.mae);
  assert.throws(
    () => metricByName('nope'),
    (error: unknown) => isAimassError(error, 'PARAM_INVALID') && error.context.field === 'metric',
  );
  assert.throws(
    () => metricByName('toString'),
    (error: unknown) => isAimassError(error, 'PARAM_INVALID'),
  );
});

test('metrics reject length mismatches; r2 of a constant target follows force_finite', () => {
  assert.throws(
    () => metrics.mse.compute(Float64Array.of(1, 2), Float64Array.of(1)),
    (error: unknown) => isAimassError(error, 'DATA_INVALID'),
  );
  assert.equal(metrics.r2.compute(Float64Array.of(3, 3), Float64Array.of(3, 3)), 1);
  assert.equal(metrics.r2.compute(Float64Array.of(3, 3), Float64Array.of(3, 4)), 0);
  assert.ok(Number.isNaN(metrics.rmse.compute(new Float64Array(0), new Float64Array(0))));
  assert.throws(
    () => metrics.mase.compute(Float64Array.of(1), Float64Array.of(1)),
    (error: unknown) => isAimassError(error, 'DATA_INVALID'),
  );
});
