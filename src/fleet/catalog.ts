import type { CandidateSpec, FleetTask } from './spec.ts';

/** What the planner must know about an algorithm. */
export interface AlgorithmCost {
  /** Relative cost of one fit at default params (ridge = 1). */
  cost: number;
  /**
   * Params whose value scales the fit cost roughly linearly (nEstimators, maxIter, ...): the
   * low-cost start takes their minimum, as in FLAML's low-cost-first search.
   */
  costParams?: readonly string[];
}

/**
 * What the engine knows about each algorithm for search: relative cost of one fit (ridge = 1,
 * measured on 400 × 8 entities) and which params scale that cost. Unknown names cost 100.
 */
const COSTS: Record<string, AlgorithmCost> = {
  'baseline-mean': { cost: 0.1 },
  'baseline-majority': { cost: 0.1 },
  ols: { cost: 1 },
  ridge: { cost: 1 },
  lasso: { cost: 5 },
  'elastic-net': { cost: 5 },
  logistic: { cost: 5 },
  'gaussian-nb': { cost: 1 },
  'decision-tree': { cost: 20, costParams: ['maxDepth'] },
  'decision-tree-classifier': { cost: 20, costParams: ['maxDepth'] },
  'random-forest': { cost: 800, costParams: ['nEstimators', 'maxDepth'] },
  'random-forest-classifier': { cost: 800, costParams: ['nEstimators', 'maxDepth'] },
  'hist-gradient-boosting': { cost: 300, costParams: ['maxIter', 'maxLeafNodes'] },
  'hist-gradient-boosting-classifier': { cost: 300, costParams: ['maxIter', 'maxLeafNodes'] },
  mlp: { cost: 1500, costParams: ['maxIter'] },
  'mlp-classifier': { cost: 1500, costParams: ['maxIter'] },
  'isolation-forest': { cost: 100, costParams: ['nEstimators'] },
  'robust-detector': { cost: 5, costParams: [] },
  naive: { cost: 0.1 },
  'seasonal-naive': { cost: 0.1 },
  drift: { cost: 0.1 },
  'exponential-smoothing': { cost: 50 },
  'auto-ets': { cost: 300 },
  'lag-regression': { cost: 3 },
};

export function algorithmCost(name: string): AlgorithmCost {
  return COSTS[name] ?? { cost: 100 };
}

/**
 * The baseline every entity's search starts with: a chosen model must beat it. Forecast fleets:
 * seasonal naive, or naive when there is no season (a season of 1 is "the previous value").
 */
export function baselineFor(task: FleetTask, seasonPeriod: number): CandidateSpec {
  if (task === 'classification') return { algorithm: 'baseline-majority', params: {}, search: {} };
  if (task === 'forecast')
    return seasonPeriod >= 2
      ? { algorithm: 'seasonal-naive', params: { period: seasonPeriod }, search: {} }
      : { algorithm: 'naive', params: {}, search: {} };
  return { algorithm: 'baseline-mean', params: {}, search: {} };
}

/**
 * The forecasters that are never "complex": a complex candidate must beat the best of them on
 * rolling validation over more than one origin to be chosen (see train/entity-forecast.ts).
 */
export const SIMPLE_FORECASTERS: ReadonlySet<string> = new Set(['naive', 'drift', 'seasonal-naive']);

/** What short forecast series (under `minRows`, or too short for the full search) choose from. */
export function shortSeriesCandidates(): CandidateSpec[] {
  return [
    { algorithm: 'naive', params: {}, search: {} },
    { algorithm: 'drift', params: {}, search: {} },
    { algorithm: 'exponential-smoothing', params: { trend: null, seasonal: null }, search: {} },
    {
      algorithm: 'exponential-smoothing',
      params: { trend: 'add', damped: true, seasonal: null },
      search: {},
    },
  ];
}

/**
 * `candidates: auto`: a small, fast zoo per task, cheapest first, with modest search spaces.
 * Forecast: naive, drift, SES, damped Holt, damped Holt-Winters (with a season), auto-ETS (AICc
 * over the ETS family) and ridge over lags; the seasonal-naive / naive baseline comes first.
 */
export function autoCandidates(task: FleetTask, seasonPeriod: number): CandidateSpec[] {
  switch (task) {
    case 'regression':
      return [
        { algorithm: 'ridge', params: {}, search: { alpha: { min: 0.01, max: 100, log: true } } },
        {
          algorithm: 'decision-tree',
          params: { minSamplesLeaf: 5 },
          search: { maxDepth: { min: 3, max: 8, integer: true } },
        },
        {
          algorithm: 'hist-gradient-boosting',
          params: {},
          search: {
            maxIter: { min: 30, max: 100, integer: true },
            learningRate: { min: 0.05, max: 0.2, log: true },
            maxLeafNodes: [7, 15, 31],
          },
        },
      ];
    case 'classification':
      return [
        { algorithm: 'logistic', params: {}, search: { C: { min: 0.01, max: 100, log: true } } },
        {
          algorithm: 'decision-tree-classifier',
          params: { minSamplesLeaf: 5 },
          search: { maxDepth: { min: 3, max: 8, integer: true } },
        },
        {
          algorithm: 'hist-gradient-boosting-classifier',
          params: {},
          search: {
            maxIter: { min: 30, max: 100, integer: true },
            learningRate: { min: 0.05, max: 0.2, log: true },
            maxLeafNodes: [7, 15, 31],
          },
        },
      ];
    case 'forecast': {
      // Seasonal forms only with a season: with seasonPeriod 1 they are skipped, not failed.
      const seasonal = seasonPeriod >= 2;
      const lags = seasonal && seasonPeriod > 3 ? [1, 2, 3, seasonPeriod] : [1, 2, 3];
      return [
        { algorithm: 'naive', params: {}, search: {} },
        { algorithm: 'drift', params: {}, search: {} },
        ...shortSeriesCandidates().slice(2),
        ...(seasonal
          ? [
              {
                algorithm: 'exponential-smoothing',
                params: { trend: 'add', damped: true, seasonal: 'add', seasonalPeriods: seasonPeriod },
                search: {},
              },
            ]
          : []),
        {
          algorithm: 'auto-ets',
          params: { seasonalPeriods: seasonal ? seasonPeriod : null },
          search: {},
        },
        { algorithm: 'lag-regression', params: { algorithm: 'ridge', lags }, search: {} },
      ];
    }
    case 'anomaly':
      return [{ algorithm: 'robust-detector', params: {}, search: {} }];
  }
}
