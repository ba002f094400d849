import { parse as parseYaml } from 'yaml';
import { AimassError, formatValue } from '../core/errors.ts';
import { FLEET_NAME_RULE, fleetNameProblem } from './keys.ts';

/** What a fleet predicts. */
export type FleetTask = 'regression' | 'classification' | 'forecast' | 'anomaly';

/** A search space for one param: a list of values, or a numeric range (log-scaled when `log`). */
export type SearchSpace =
  | readonly (number | string | boolean)[]
  | { min: number; max: number; log?: boolean; integer?: boolean };

export interface CandidateSpec {
  /** Estimator or forecaster name (see `aimass algorithms`). */
  algorithm: string;
  /** Fixed params, merged under every sampled configuration. Default {}. */
  params: Record<string, unknown>;
  /** Params to search; each trial samples one value per entry. Default {} (one trial). */
  search: Record<string, SearchSpace>;
}

export interface SplitSpec {
  /** 'time' orders by the time column (default when a time column is set), else 'random'. */
  method: 'time' | 'random' | 'stratified';
  /** Fraction of rows for validation (model choice). Default 0.2. */
  validation: number;
  /** Fraction of rows for the final test score. Default 0.2. */
  test: number;
  /** Seed for random / stratified splits and every estimator. Default 1. */
  seed: number;
}

/**
 * A search budget. Trials decide what is tried, so the same data and seed give the same models on
 * any machine; the time cap is a safety net far above a normal search (when it is hit, the choice
 * depends on machine speed, and the entity's decision records `timeCapped`).
 */
export interface SearchBudget {
  /** Maximum trials (candidate configurations), baseline included. */
  maxTrials: number;
  /** Time cap in ms; the search stops after the trial that crosses it. */
  maxMillis: number;
}

/** Per-entity budget: 12 trials; the 60 s cap is never reached by a normal entity (~10–300 ms). */
export const DEFAULT_BUDGET: Readonly<SearchBudget> = Object.freeze({ maxTrials: 12, maxMillis: 60_000 });
/**
 * Pooled fallback budget: the baseline and each automatic candidate's low-cost start (4 trials) on
 * up to 200 entities' rows; the 10 min cap is a safety net.
 */
export const DEFAULT_FALLBACK_BUDGET: Readonly<SearchBudget> = Object.freeze({
  maxTrials: 4,
  maxMillis: 600_000,
});

export interface FleetSpec {
  /** Fleet name: [A-Za-z0-9_.-], 1–64 characters. */
  name: string;
  /** Entity key column (one model per distinct value). */
  key: string;
  /** Time column (epoch ms after reading), or null. Default null. */
  time: string | null;
  /** How the time column's values are written; `auto` reads each value by one rule (see TIME_UNIT_RULE). Default 'auto'. */
  timeUnit: TimeUnitChoice;
  /** Target column; null only for anomaly fleets. */
  target: string | null;
  task: FleetTask;
  /** Feature columns, or 'auto' = every column except key, time and target columns. Default 'auto'. */
  features: string[] | 'auto';
  /** Preprocessing pipeline spec `{ steps: [{ step, params }] }` (see preprocess/pipeline). */
  preprocess: { steps: { step: string; params?: Record<string, unknown> }[] };
  split: SplitSpec;
  /**
   * Candidate algorithms with search spaces, or 'auto' = the task's default zoo. Default 'auto'.
   * In a list, the item `auto` (kept as `{ algorithm: 'auto' }`) stands for that zoo, so
   * `[auto, {algorithm: lag-regression, ...}]` extends it without copying it.
   */
  candidates: CandidateSpec[] | 'auto';
  /** Selection metric name; its direction decides. Default rmse / accuracy / smape / (none for anomaly). */
  metric: string;
  /** Per-entity search budget. */
  budget: SearchBudget;
  /**
   * Tabular and anomaly fleets: entities with fewer rows get the fallback model. Forecast fleets:
   * shorter series get their own simple forecasters only (naive, drift, SES, damped Holt, chosen by
   * rolling validation), never the fleet fallback. Default 30, forecast 10 (see `defaultMinRows`).
   */
  minRows: number;
  fallback: {
    /** Train a global model on all entities. Default true. */
    global: boolean;
    /** Number of k-means clusters of entity summaries for cluster-level models (0 = none). Default 0. */
    clusters: number;
    /** Search budget of each pooled fallback model (many entities' rows, so fewer trials). */
    budget: SearchBudget;
  };
  /** Quantization of learned floats in stored bundles. Default 'none'. */
  compression: 'none' | 'f16' | 'i8';
  forecast: {
    /** Steps ahead to forecast and score. Default 24. */
    horizon: number;
    /** Season length in rows (e.g. 24 for hourly data with a daily cycle). Default 24. */
    seasonPeriod: number;
  };
  /** Stored now, acted on by the monitor later. */
  retraining: {
    /** Retrain when the champion is older than this many days (0 = never). Default 0. */
    maxAgeDays: number;
    /** Retrain an entity when drift is detected on its features. Default false. */
    onDrift: boolean;
    /** Retrain when this many new rows arrived for an entity (0 = never). Default 0. */
    newRows: number;
  };
  /** Entities per shard (unit of work on the queue). Default 250. */
  shardSize: number;
}

/**
 * How a time column's values are written. `auto` applies ONE rule to each value on its own, so the
 * same value means the same instant whichever source, batch or file it arrives in: text is
 * ISO-8601; an integer 1000–2999 is a year (1 January, 00:00 UTC); a number from 1e8 to 1e11 is
 * epoch seconds, from 1e11 to 1e14 epoch milliseconds (both 1973-03-03 onwards); anything else is
 * not a time and its row is rejected with the reason (src/ingest/time-values.ts applies it).
 */
export type TimeUnitChoice = 'auto' | 'iso' | 'seconds' | 'milliseconds' | 'year';
export const TIME_UNITS: readonly TimeUnitChoice[] = ['auto', 'iso', 'seconds', 'milliseconds', 'year'];
/** The `auto` rule in words, for help texts and rejection reasons. */
export const TIME_UNIT_RULE =
  'ISO-8601 text, a year 1000-2999, epoch seconds (1e8-1e11) or epoch milliseconds (1e11-1e14)';

const TASKS: readonly FleetTask[] = ['regression', 'classification', 'forecast', 'anomaly'];
const DEFAULT_METRIC: Record<FleetTask, string> = {
  regression: 'rmse',
  classification: 'accuracy',
  forecast: 'smape',
  anomaly: 'none',
};

/** The candidate-list item that stands for the task's automatic candidates. */
export const AUTO_CANDIDATES = 'auto';

/** `minRows` when the spec omits it: forecast series are short by nature (10 yearly points is a lot). */
export function defaultMinRows(task: FleetTask): number {
  return task === 'forecast' ? 10 : 30;
}

function specError(field: string, value: unknown, expected: string): AimassError {
  return new AimassError(
    'SPEC_INVALID',
    `fleet spec: "${field}" is ${formatValue(value)}; expected ${expected}`,
    { field, value, expected },
  );
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkKnown(object: Obj, path: string, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key))
      throw specError(
        path ? `${path}.${key}` : key,
        object[key],
        `one of the known fields (${known.join(', ')})`,
      );
  }
}

function str(object: Obj, field: string, path: string, fallback?: string | null): string | null {
  const value = object[field];
  if (value === undefined) {
    if (fallback === undefined) throw specError(path, value, 'a string (required)');
    return fallback;
  }
  if (value === null && fallback === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256)
    throw specError(path, value, 'a non-empty string');
  return value;
}

function num(
  object: Obj,
  field: string,
  path: string,
  fallback: number,
  min: number,
  max: number,
  integer = false,
): number {
  const value = object[field] ?? fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw specError(path, value, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return value;
}

function bool(object: Obj, field: string, path: string, fallback: boolean): boolean {
  const value = object[field] ?? fallback;
  if (typeof value !== 'boolean') throw specError(path, value, 'true or false');
  return value;
}

function oneOf<T extends string>(
  object: Obj,
  field: string,
  path: string,
  values: readonly T[],
  fallback?: T,
): T {
  const value = object[field] ?? fallback;
  if (!values.includes(value as T)) throw specError(path, value, `one of ${values.join(', ')}`);
  return value as T;
}

function sub(object: Obj, field: string, path: string): Obj {
  const value = object[field] ?? {};
  if (!isObject(value)) throw specError(path, value, 'an object');
  return value;
}

function parseSearchSpace(value: unknown, path: string): SearchSpace {
  if (Array.isArray(value)) {
    if (
      value.length === 0 ||
      value.some(
        (v) =>
          !['number', 'string', 'boolean'].includes(typeof v) ||
          (typeof v === 'number' && !Number.isFinite(v)),
      )
    ) {
      throw specError(path, value, 'a non-empty list of numbers, strings or booleans');
    }
    return value;
  }
  if (isObject(value)) {
    checkKnown(value, path, ['min', 'max', 'log', 'integer']);
    const min = num(value, 'min', `${path}.min`, Number.NaN, -1e12, 1e12);
    const max = num(value, 'max', `${path}.max`, Number.NaN, min, 1e12);
    const log = bool(value, 'log', `${path}.log`, false);
    if (log && min <= 0) throw specError(`${path}.min`, min, 'a positive number when log is true');
    return { min, max, log, integer: bool(value, 'integer', `${path}.integer`, false) };
  }
  throw specError(path, value, 'a list of values or {min, max, log?, integer?}');
}

function parseBudget(object: Obj, path: string, defaults: Readonly<SearchBudget>): SearchBudget {
  checkKnown(object, path, ['maxTrials', 'maxMillis']);
  return {
    maxTrials: num(object, 'maxTrials', `${path}.maxTrials`, defaults.maxTrials, 1, 1000, true),
    maxMillis: num(object, 'maxMillis', `${path}.maxMillis`, defaults.maxMillis, 1, 3_600_000),
  };
}

function parseCandidates(value: unknown): CandidateSpec[] | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (!Array.isArray(value) || value.length === 0)
    throw specError('candidates', value, '"auto" or a non-empty list of candidates');
  let autos = 0;
  const parsed = value.map((item, i): CandidateSpec => {
    const path = `candidates[${i}]`;
    const isAuto =
      item === AUTO_CANDIDATES ||
      (isObject(item) &&
        item.algorithm === AUTO_CANDIDATES &&
        Object.entries(item).every(
          ([field, v]) =>
            field === 'algorithm' ||
            ((field === 'params' || field === 'search') && isObject(v) && Object.keys(v).length === 0),
        ));
    if (isAuto) {
      if (++autos > 1) throw specError(path, item, '"auto" at most once in the list');
      return { algorithm: AUTO_CANDIDATES, params: {}, search: {} };
    }
    if (typeof item === 'string') return { algorithm: item, params: {}, search: {} };
    if (!isObject(item)) throw specError(path, item, 'an algorithm name or {algorithm, params?, search?}');
    checkKnown(item, path, ['algorithm', 'params', 'search']);
    const algorithm = str(item, 'algorithm', `${path}.algorithm`) as string;
    const params = sub(item, 'params', `${path}.params`);
    const searchObject = sub(item, 'search', `${path}.search`);
    const search: Record<string, SearchSpace> = {};
    for (const [param, space] of Object.entries(searchObject))
      search[param] = parseSearchSpace(space, `${path}.search.${param}`);
    if (algorithm === AUTO_CANDIDATES)
      throw specError(path, item, '"auto" alone (it takes no params or search; add candidates beside it)');
    return { algorithm, params: { ...params }, search };
  });
  return parsed;
}

function parsePipeline(value: unknown): FleetSpec['preprocess'] {
  if (value === undefined) return { steps: [] };
  const object = Array.isArray(value) ? { steps: value } : value;
  if (!isObject(object) || !Array.isArray(object.steps))
    throw specError('preprocess', value, 'a list of steps or {steps: [...]}');
  checkKnown(object, 'preprocess', ['steps']);
  const steps = object.steps.map((step, i) => {
    const path = `preprocess.steps[${i}]`;
    if (typeof step === 'string') return { step };
    if (!isObject(step)) throw specError(path, step, 'a step name or {step, params?}');
    checkKnown(step, path, ['step', 'params']);
    const name = str(step, 'step', `${path}.step`) as string;
    return step.params === undefined
      ? { step: name }
      : { step: name, params: { ...sub(step, 'params', `${path}.params`) } };
  });
  return { steps };
}

/**
 * Validates a fleet spec (already parsed from JSON or YAML) and applies defaults in one place.
 * Errors are SPEC_INVALID and name the offending field by its path (`budget.maxTrials`).
 * Algorithm and pipeline-step names are checked against the registries by the engine, which knows them.
 */
export function validateFleetSpec(input: unknown): FleetSpec {
  if (!isObject(input)) throw specError('(spec)', input, 'an object');
  checkKnown(input, '', [
    'name',
    'key',
    'time',
    'timeUnit',
    'target',
    'task',
    'features',
    'preprocess',
    'split',
    'candidates',
    'metric',
    'budget',
    'minRows',
    'fallback',
    'compression',
    'forecast',
    'retraining',
    'shardSize',
  ]);
  const name = str(input, 'name', 'name') as string;
  if (fleetNameProblem(name) !== null) throw specError('name', name, FLEET_NAME_RULE);
  const task = oneOf(input, 'task', 'task', TASKS);
  const key = str(input, 'key', 'key') as string;
  const time = str(input, 'time', 'time', null);
  const target =
    task === 'anomaly' ? str(input, 'target', 'target', null) : (str(input, 'target', 'target') as string);
  if (task === 'forecast' && time === null)
    throw specError('time', input.time, 'a time column (required for forecast fleets)');
  let features: string[] | 'auto' = 'auto';
  if (input.features !== undefined && input.features !== 'auto') {
    if (
      !Array.isArray(input.features) ||
      input.features.length === 0 ||
      input.features.some((f) => typeof f !== 'string' || f.length === 0)
    ) {
      throw specError('features', input.features, '"auto" or a non-empty list of column names');
    }
    features = [...(input.features as string[])];
    const reserved = features.find((f) => f === key || f === target);
    if (reserved) throw specError('features', reserved, 'feature columns other than the key and target');
  }
  const splitObject = sub(input, 'split', 'split');
  checkKnown(splitObject, 'split', ['method', 'validation', 'test', 'seed']);
  const split: SplitSpec = {
    method: oneOf(
      splitObject,
      'method',
      'split.method',
      ['time', 'random', 'stratified'] as const,
      time !== null ? 'time' : 'random',
    ),
    validation: num(splitObject, 'validation', 'split.validation', 0.2, 0, 0.9),
    test: num(splitObject, 'test', 'split.test', 0.2, 0, 0.9),
    seed: num(splitObject, 'seed', 'split.seed', 1, 0, 2 ** 32 - 1, true),
  };
  if (split.validation + split.test >= 1)
    throw specError(
      'split.test',
      split.test,
      `a fraction with validation + test < 1 (validation is ${split.validation})`,
    );
  if (split.method === 'time' && time === null)
    throw specError('split.method', 'time', '"random" or "stratified" when the fleet has no time column');
  if (split.method === 'stratified' && task !== 'classification')
    throw specError(
      'split.method',
      'stratified',
      '"time" or "random" (stratified needs a classification task)',
    );
  const fallbackObject = sub(input, 'fallback', 'fallback');
  checkKnown(fallbackObject, 'fallback', ['global', 'clusters', 'budget']);
  const forecastObject = sub(input, 'forecast', 'forecast');
  checkKnown(forecastObject, 'forecast', ['horizon', 'seasonPeriod']);
  const retrainingObject = sub(input, 'retraining', 'retraining');
  checkKnown(retrainingObject, 'retraining', ['maxAgeDays', 'onDrift', 'newRows']);
  const metric = str(input, 'metric', 'metric', DEFAULT_METRIC[task]) as string;
  return {
    name,
    key,
    time,
    timeUnit: oneOf(input, 'timeUnit', 'timeUnit', TIME_UNITS, 'auto'),
    target,
    task,
    features,
    preprocess: parsePipeline(input.preprocess),
    split,
    candidates: parseCandidates(input.candidates),
    metric,
    budget: parseBudget(sub(input, 'budget', 'budget'), 'budget', DEFAULT_BUDGET),
    minRows: num(input, 'minRows', 'minRows', defaultMinRows(task), 1, 1e9, true),
    fallback: {
      global: bool(fallbackObject, 'global', 'fallback.global', true),
      clusters: num(fallbackObject, 'clusters', 'fallback.clusters', 0, 0, 1000, true),
      budget: parseBudget(
        sub(fallbackObject, 'budget', 'fallback.budget'),
        'fallback.budget',
        DEFAULT_FALLBACK_BUDGET,
      ),
    },
    compression: oneOf(input, 'compression', 'compression', ['none', 'f16', 'i8'] as const, 'none'),
    forecast: {
      horizon: num(forecastObject, 'horizon', 'forecast.horizon', 24, 1, 100_000, true),
      seasonPeriod: num(forecastObject, 'seasonPeriod', 'forecast.seasonPeriod', 24, 1, 100_000, true),
    },
    retraining: {
      maxAgeDays: num(retrainingObject, 'maxAgeDays', 'retraining.maxAgeDays', 0, 0, 36500),
      onDrift: bool(retrainingObject, 'onDrift', 'retraining.onDrift', false),
      newRows: num(retrainingObject, 'newRows', 'retraining.newRows', 0, 0, 1e12, true),
    },
    shardSize: num(input, 'shardSize', 'shardSize', 250, 1, 1_000_000, true),
  };
}

/** Parses a spec file's text: JSON when it starts with "{", YAML otherwise. */
export function parseFleetSpecText(text: string, fileName = 'spec'): FleetSpec {
  let parsed: unknown;
  try {
    parsed = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new AimassError(
      'SPEC_INVALID',
      `${fileName}: not valid ${text.trimStart().startsWith('{') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      { file: fileName },
    );
  }
  return validateFleetSpec(parsed);
}
