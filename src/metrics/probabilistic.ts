import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { distinctLabels } from './classification.ts';
import { checkSameLength, type Metric } from './metric.ts';

/** sklearn's log_loss eps='auto' for float64: probabilities are clipped to [eps, 1 - eps]. */
const EPSILON = 2.220446049250313e-16;
const clip = (p: number): number => Math.min(Math.max(p, EPSILON), 1 - EPSILON);

/**
 * Mean negative log-likelihood of the true class. `proba` is rows × classes in the order of
 * `classes` (default: sorted distinct y_true). Each row is clipped to [eps, 1-eps] and renormalised,
 * as sklearn 1.2 does. A true label outside `classes` is an error.
 */
export function logLoss(yTrue: Float64Array, proba: Matrix, classes?: Float64Array): number {
  const labels = classes ?? distinctLabels(yTrue);
  const k = proba.cols;
  if (labels.length !== k || proba.rows !== yTrue.length)
    throw new AimassError(
      'DATA_INVALID',
      `log loss: probabilities are ${proba.rows} × ${k}, expected ${yTrue.length} × ${labels.length}`,
      { field: 'proba' },
    );
  const index = new Map<number, number>();
  for (let c = 0; c < k; c++) index.set(labels[c], c);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const c = index.get(yTrue[i]);
    if (c === undefined)
      throw new AimassError('DATA_INVALID', `log loss: label ${yTrue[i]} is not one of the classes`, {
        field: 'yTrue',
        row: i,
        value: yTrue[i],
      });
    let rowSum = 0;
    for (let o = 0; o < k; o++) rowSum += clip(proba.data[i * k + o]);
    total -= Math.log(clip(proba.data[i * k + c]) / rowSum);
  }
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}

/** Binary log loss from P(positive) per row; every other label is the negative class. */
export function binaryLogLoss(yTrue: Float64Array, positiveProba: Float64Array, positiveLabel = 1): number {
  checkSameLength('log loss', yTrue, positiveProba);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = clip(positiveProba[i]);
    const q = clip(1 - positiveProba[i]);
    total -= Math.log((yTrue[i] === positiveLabel ? p : q) / (p + q));
  }
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}

/**
 * ROC AUC = Mann-Whitney U / (n_pos n_neg), with tied scores given their mid-rank (a tie between a
 * positive and a negative counts 1/2). NaN when only one class is present.
 */
export function rocAuc(yTrue: Float64Array, score: Float64Array, positiveLabel = 1): number {
  checkSameLength('roc auc', yTrue, score);
  const n = yTrue.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[a] - score[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && score[order[end]] === score[order[start]]) end++;
    const midRank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let t = start; t < end; t++) {
      if (yTrue[order[t]] === positiveLabel) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * With `context.proba` (and `context.classes`): multiclass log loss. Otherwise y_pred is
 * P(context.positiveLabel ?? 1).
 */
export const logLossMetric: Metric = {
  name: 'log-loss',
  direction: 'min',
  compute: (yTrue, yPred, context) =>
    context?.proba
      ? logLoss(yTrue, context.proba, context.classes)
      : binaryLogLoss(yTrue, yPred, context?.positiveLabel ?? 1),
};

/** y_pred is the score of the positive class (`context.positiveLabel`, default 1). */
export const rocAucMetric: Metric = {
  name: 'roc-auc',
  direction: 'max',
  compute: (yTrue, yPred, context) => rocAuc(yTrue, yPred, context?.positiveLabel ?? 1),
};
