import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { type Average, checkSameLength, type Metric, type MetricContext } from './metric.ts';

/** Rows = true label, columns = predicted label, both in the order of `labels`. */
export interface ConfusionMatrix {
  readonly labels: Float64Array;
  readonly counts: Matrix;
}

/** Sorted distinct values of one or two label arrays (sklearn's unique_labels). */
export function distinctLabels(a: Float64Array, b?: Float64Array): Float64Array {
  const seen = new Set<number>();
  for (let i = 0; i < a.length; i++) seen.add(a[i]);
  if (b) for (let i = 0; i < b.length; i++) seen.add(b[i]);
  return Float64Array.from(seen).sort();
}

/** Pairs whose true or predicted label is not in `labels` are left out, as in sklearn. */
export function confusionMatrix(
  yTrue: Float64Array,
  yPred: Float64Array,
  labels: Float64Array = distinctLabels(yTrue, yPred),
): ConfusionMatrix {
  checkSameLength('confusion matrix', yTrue, yPred);
  const k = labels.length;
  const index = new Map<number, number>();
  for (let c = 0; c < k; c++) index.set(labels[c], c);
  const data = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const row = index.get(yTrue[i]);
    const column = index.get(yPred[i]);
    if (row !== undefined && column !== undefined) data[row * k + column]++;
  }
  return { labels, counts: { data, rows: k, cols: k } };
}

export function accuracyScore(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length === 0 ? Number.NaN : hits / yTrue.length;
}

export interface PerClassScores {
  readonly labels: Float64Array;
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly f1: Float64Array;
  /** Number of true occurrences of each label. */
  readonly support: Float64Array;
}

/** Zero denominators give 0, sklearn's zero_division default. */
const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
const harmonic = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

export function perClassScores(
  yTrue: Float64Array,
  yPred: Float64Array,
  labels?: Float64Array,
): PerClassScores {
  const { labels: used, counts } = confusionMatrix(yTrue, yPred, labels);
  const k = used.length;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let actual = 0;
    for (let o = 0; o < k; o++) {
      predicted += counts.data[o * k + c];
      actual += counts.data[c * k + o];
    }
    const hits = counts.data[c * k + c];
    precision[c] = ratio(hits, predicted);
    recall[c] = ratio(hits, actual);
    f1[c] = harmonic(precision[c], recall[c]);
    support[c] = actual;
  }
  return { labels: used, precision, recall, f1, support };
}

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * sklearn's precision_recall_fscore_support. 'binary' scores `positiveLabel` (default 1) and needs at
 * most two distinct labels; 'macro' is the plain mean of per-class scores (macro F1 = mean of the
 * per-class F1, not F1 of the macro means); 'weighted' weighs them by support; 'micro' pools counts.
 */
export function precisionRecallF1(
  yTrue: Float64Array,
  yPred: Float64Array,
  average: Average = 'binary',
  options: { labels?: Float64Array; positiveLabel?: number } = {},
): PrecisionRecallF1 {
  const labels = options.labels ?? distinctLabels(yTrue, yPred);
  if (average === 'binary') {
    const positive = options.positiveLabel ?? 1;
    if (labels.length > 2)
      throw new AimassError(
        'DATA_INVALID',
        `binary average needs at most 2 labels, found ${labels.length}; use 'macro', 'micro' or 'weighted'`,
        { field: 'average', value: average },
      );
    let hits = 0;
    let predicted = 0;
    let actual = 0;
    checkSameLength('precision', yTrue, yPred);
    for (let i = 0; i < yTrue.length; i++) {
      const isTrue = yTrue[i] === positive;
      const isPredicted = yPred[i] === positive;
      if (isPredicted) predicted++;
      if (isTrue) actual++;
      if (isTrue && isPredicted) hits++;
    }
    const precision = ratio(hits, predicted);
    const recall = ratio(hits, actual);
    return { precision, recall, f1: harmonic(precision, recall) };
  }
  const scores = perClassScores(yTrue, yPred, labels);
  const k = scores.labels.length;
  if (average === 'micro') {
    const { counts } = confusionMatrix(yTrue, yPred, labels);
    let hits = 0;
    let predicted = 0;
    let actual = 0;
    for (let c = 0; c < k; c++) {
      hits += counts.data[c * k + c];
      for (let o = 0; o < k; o++) {
        predicted += counts.data[o * k + c];
        actual += counts.data[c * k + o];
      }
    }
    const precision = ratio(hits, predicted);
    const recall = ratio(hits, actual);
    return { precision, recall, f1: harmonic(precision, recall) };
  }
  let totalWeight = 0;
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let c = 0; c < k; c++) {
    const weight = average === 'weighted' ? scores.support[c] : 1;
    totalWeight += weight;
    precision += weight * scores.precision[c];
    recall += weight * scores.recall[c];
    f1 += weight * scores.f1[c];
  }
  return {
    precision: ratio(precision, totalWeight),
    recall: ratio(recall, totalWeight),
    f1: ratio(f1, totalWeight),
  };
}

function prfMetric(name: string, field: keyof PrecisionRecallF1, fixed?: Average): Metric {
  return {
    name,
    direction: 'max',
    compute: (yTrue, yPred, context?: MetricContext) =>
      precisionRecallF1(yTrue, yPred, fixed ?? context?.average ?? 'binary', {
        labels: context?.classes,
        positiveLabel: context?.positiveLabel,
      })[field],
  };
}

export const accuracy: Metric = { name: 'accuracy', direction: 'max', compute: accuracyScore };
/** Read `context.average` (default 'binary'), `context.positiveLabel` (default 1), `context.classes`. */
export const precision = prfMetric('precision', 'precision');
export const recall = prfMetric('recall', 'recall');
export const f1 = prfMetric('f1', 'f1');
export const precisionMacro = prfMetric('precision-macro', 'precision', 'macro');
export const recallMacro = prfMetric('recall-macro', 'recall', 'macro');
export const f1Macro = prfMetric('f1-macro', 'f1', 'macro');
export const f1Micro = prfMetric('f1-micro', 'f1', 'micro');
export const f1Weighted = prfMetric('f1-weighted', 'f1', 'weighted');
