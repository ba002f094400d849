import { AimassError } from '../core/errors.ts';
import { majorityBaseline, meanBaseline } from './baseline.ts';
import type { AnyEstimator, AnyForecaster, Task } from './estimator.ts';
import { autoEtsForecaster } from './forecast/auto-ets.ts';
import { exponentialSmoothingForecaster } from './forecast/exponential-smoothing.ts';
import { driftForecaster, naiveForecaster, seasonalNaiveForecaster } from './forecast/simple-forecasters.ts';
import { kmeansEstimator } from './kmeans.ts';
import { makeLagRegressionForecaster } from './lag-regression.ts';
import { elasticNetEstimator, lassoEstimator } from './linear/elastic-net.ts';
import { logisticEstimator } from './linear/logistic.ts';
import { olsEstimator, ridgeEstimator } from './linear/ridge.ts';
import { mlpClassifier, mlpRegressor } from './mlp.ts';
import { gaussianNbEstimator } from './naive-bayes.ts';
import { robustDetector } from './robust/robust-detector.ts';
import { decisionTreeClassifier, decisionTreeRegressor } from './tree/decision-tree.ts';
import { hgbClassifier, hgbRegressor } from './tree/hgb.ts';
import { isolationForest } from './tree/isolation-forest.ts';
import { randomForestClassifier, randomForestRegressor } from './tree/random-forest.ts';

/** Every tabular estimator by its stable name (the name stored in bundles). */
const estimatorList: readonly AnyEstimator[] = [
  meanBaseline,
  majorityBaseline,
  olsEstimator,
  ridgeEstimator,
  lassoEstimator,
  elasticNetEstimator,
  logisticEstimator,
  gaussianNbEstimator,
  kmeansEstimator,
  decisionTreeRegressor,
  decisionTreeClassifier,
  randomForestRegressor,
  randomForestClassifier,
  hgbRegressor,
  hgbClassifier,
  isolationForest,
  robustDetector,
  mlpRegressor,
  mlpClassifier,
];

export const estimators: ReadonlyMap<string, AnyEstimator> = new Map(estimatorList.map((e) => [e.name, e]));

const forecasterList: readonly AnyForecaster[] = [
  naiveForecaster,
  seasonalNaiveForecaster,
  driftForecaster,
  exponentialSmoothingForecaster,
  autoEtsForecaster,
  makeLagRegressionForecaster((name) => estimators.get(name)),
];

export const forecasters: ReadonlyMap<string, AnyForecaster> = new Map(
  forecasterList.map((f) => [f.name, f]),
);

/** The estimator called `name`; PARAM_INVALID naming `field` if there is none (or it cannot do `task`). */
export function getEstimator(name: string, task?: Task, field = 'algorithm'): AnyEstimator {
  const estimator = estimators.get(name);
  if (!estimator || (task && !estimator.tasks.includes(task))) {
    const known = [...estimators.values()].filter((e) => !task || e.tasks.includes(task)).map((e) => e.name);
    throw new AimassError(
      'PARAM_INVALID',
      `unknown ${task ?? ''} algorithm "${name}"; known: ${known.join(', ')}`,
      { field, value: name },
    );
  }
  return estimator;
}

export function getForecaster(name: string, field = 'algorithm'): AnyForecaster {
  const forecaster = forecasters.get(name);
  if (!forecaster) {
    throw new AimassError(
      'PARAM_INVALID',
      `unknown forecaster "${name}"; known: ${[...forecasters.keys()].join(', ')}`,
      { field, value: name },
    );
  }
  return forecaster;
}
