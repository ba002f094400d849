import { AimassError } from '../../core/errors.ts';
import type { Column, Frame } from '../../data/frame.ts';
import type { FleetTask } from '../../fleet/spec.ts';
import { detectEpochUnit, missingColumn } from './read-table.ts';

/** What `aimass init` decided, and why (the reasons become comments in the spec). */
export interface SpecGuess {
  readonly key: string;
  readonly keyReason: string;
  readonly time: string | null;
  readonly timeReason: string;
  /** Unit of a numeric time column; `null` for ISO text or no time column. */
  readonly timeUnit: 'seconds' | 'milliseconds' | null;
  readonly target: string | null;
  readonly targetReason: string;
  readonly task: FleetTask;
  readonly taskReason: string;
  readonly features: string[];
  /** Columns left out of the features, with why. */
  readonly excluded: { name: string; reason: string }[];
  /** Season length guessed from the time step (hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1); 1 when unknown. */
  readonly seasonPeriod: number;
  readonly seasonReason: string;
  readonly distinctKeys: number;
  readonly hasMissingFeatures: boolean;
}

export interface GuessOptions {
  key?: string;
  target?: string;
  time?: string;
  task?: FleetTask;
}

const KEY_NAME = /(^|[_-])(id|key|uuid|device|entity|serial|sensor|meter|asset|series)s?$/i;
const TIME_NAME = /^(ts|time|timestamp|epoch|datetime|date|time_?stamp)$/i;
const TARGET_NAME = /^(target|label|y|class)([_-].*)?$|[_-](target|label)$/i;

function column(frame: Frame, name: string): Column | undefined {
  return frame.columns.find((c) => c.name === name);
}

function distinctCodes(col: Column & { type: 'category' }): number {
  const seen = new Uint8Array(col.dictionary.length);
  let count = 0;
  for (let i = 0; i < col.codes.length; i++) {
    const code = col.codes[i];
    if (code >= 0 && seen[code] === 0) {
      seen[code] = 1;
      count++;
    }
  }
  return count;
}

function guessKey(frame: Frame, file: string): { key: string; reason: string; distinct: number } {
  let best: { name: string; score: number; distinct: number } | null = null;
  for (const col of frame.columns) {
    if (col.type !== 'category') continue;
    const distinct = distinctCodes(col);
    // A key repeats: at least 2 rows per value on average, and more than one value.
    if (distinct < 2 || distinct > frame.rowCount / 2) continue;
    const score = (KEY_NAME.test(col.name) ? 2 : 0) + 1 - distinct / frame.rowCount;
    if (!best || score > best.score) best = { name: col.name, score, distinct };
  }
  if (!best)
    throw new AimassError(
      'DATA_INVALID',
      `${file}: no column looks like an entity key (a text column whose values repeat); pass --key COLUMN`,
      { file, field: 'key' },
    );
  return {
    key: best.name,
    reason: `guessed: text column with ${best.distinct} distinct values over ${frame.rowCount} rows`,
    distinct: best.distinct,
  };
}

function guessTime(frame: Frame): {
  time: string | null;
  unit: 'seconds' | 'milliseconds' | null;
  reason: string;
} {
  const timed = frame.columns.find((c) => c.type === 'time');
  if (timed) return { time: timed.name, unit: null, reason: 'guessed: ISO-8601 time column' };
  for (const col of frame.columns) {
    if (col.type !== 'number' || !TIME_NAME.test(col.name)) continue;
    const unit = detectEpochUnit(col.values);
    if (unit)
      return {
        time: col.name,
        unit,
        reason: `guessed: integer epoch ${unit} in a column named "${col.name}"`,
      };
  }
  return { time: null, unit: null, reason: 'no time column found' };
}

/** Whether a numeric target holds few integer values (a class label such as 0/1). */
function looksLikeClasses(col: Column): boolean {
  if (col.type !== 'number') return col.type === 'category' || col.type === 'boolean';
  const values = new Set<number>();
  for (let i = 0; i < col.values.length; i++) {
    const v = col.values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return false;
    values.add(v);
    if (values.size > 10) return false;
  }
  return values.size >= 2;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Season length per time step: [shortest step, longest step, season, what it means]. Months,
 * quarters and years vary in length (28–31, 90–92, 365–366 days), so each step is a range; the
 * others allow 5%. A season of 1 means no seasonal models.
 */
const SEASONS: readonly [number, number, number, string][] = [
  [0.95 * MINUTE_MS, 1.05 * MINUTE_MS, 1440, 'minutely data, daily cycle of 1440 steps'],
  [0.95 * 15 * MINUTE_MS, 1.05 * 15 * MINUTE_MS, 96, '15-minute data, daily cycle of 96 steps'],
  [0.95 * HOUR_MS, 1.05 * HOUR_MS, 24, 'hourly data, daily cycle of 24 steps'],
  [0.95 * DAY_MS, 1.05 * DAY_MS, 7, 'daily data, weekly cycle of 7 steps'],
  [6.5 * DAY_MS, 7.5 * DAY_MS, 52, 'weekly data, yearly cycle of 52 steps'],
  [27.5 * DAY_MS, 31.5 * DAY_MS, 12, 'monthly data, yearly cycle of 12 steps'],
  [89 * DAY_MS, 93 * DAY_MS, 4, 'quarterly data, yearly cycle of 4 steps'],
  [364 * DAY_MS, 367 * DAY_MS, 1, 'yearly data, no season'],
];

/** The season length for a median time step in ms (see SEASONS); 1 (no season) when unrecognised. */
export function seasonForStep(stepMs: number): { period: number; reason: string } {
  for (const [low, high, period, why] of SEASONS)
    if (stepMs >= low && stepMs <= high) return { period, reason: `guessed from the time step: ${why}` };
  const days = stepMs / DAY_MS;
  const step = days >= 1 ? `${days.toPrecision(3)} days` : `${(stepMs / 1000).toPrecision(3)} s`;
  return { period: 1, reason: `time step ${step} is not a known calendar step, so no season is assumed` };
}

/** Median step between consecutive times of the first entity, as a season length (see SEASONS). */
function guessSeason(frame: Frame, key: string, time: string | null): { period: number; reason: string } {
  const keyCol = column(frame, key);
  const timeCol = time === null ? undefined : column(frame, time);
  const none = { period: 1, reason: 'no time column to guess a season from, so no season is assumed' };
  if (
    keyCol?.type !== 'category' ||
    timeCol === undefined ||
    timeCol.type === 'category' ||
    timeCol.type === 'boolean'
  )
    return none;
  const first = keyCol.codes[0];
  const scale = timeCol.type === 'number' && detectEpochUnit(timeCol.values) === 'seconds' ? 1000 : 1;
  const steps: number[] = [];
  let previous = Number.NaN;
  for (let i = 0; i < frame.rowCount && steps.length < 1000; i++) {
    if (keyCol.codes[i] !== first) continue;
    const t = timeCol.values[i] * scale;
    if (!Number.isNaN(previous) && t > previous) steps.push(t - previous);
    if (!Number.isNaN(t)) previous = t;
  }
  if (steps.length === 0) return none;
  steps.sort((a, b) => a - b);
  return seasonForStep(steps[steps.length >> 1]);
}

/** Guesses key, time, target, task and features of a fleet from a sample of its data. */
export function guessSpec(frame: Frame, file: string, options: GuessOptions): SpecGuess {
  for (const [role, name] of [
    ['key', options.key],
    ['time', options.time],
    ['target', options.target],
  ] as const)
    if (name !== undefined && !column(frame, name)) throw missingColumn(file, role, name, frame);
  const keyGuess = options.key
    ? { key: options.key, reason: 'given', distinct: countDistinct(frame, options.key) }
    : guessKey(frame, file);
  const key = keyGuess.key;
  const timeGuess = options.time
    ? {
        time: options.time,
        unit: numericUnit(column(frame, options.time) as Column),
        reason: 'given',
      }
    : guessTime(frame);
  const time = timeGuess.time;
  const reserved = new Set([key, time]);
  let target: string | null = options.target ?? null;
  let targetReason = 'given';
  if (target === null && options.task !== 'anomaly') {
    const numeric = frame.columns.filter((c) => c.type === 'number' && !reserved.has(c.name));
    if (numeric.length === 0)
      throw new AimassError('DATA_INVALID', `${file}: no numeric column to predict; pass --target COLUMN`, {
        file,
        field: 'target',
      });
    target = numeric[numeric.length - 1].name;
    targetReason = 'guessed: the last numeric column';
  }
  if (options.task === 'anomaly' && options.target === undefined)
    targetReason = 'anomaly fleets need no target';
  let task = options.task;
  let taskReason = 'given';
  if (task === undefined) {
    const targetColumn = column(frame, target as string) as Column;
    task = looksLikeClasses(targetColumn) ? 'classification' : 'regression';
    taskReason =
      task === 'classification'
        ? `guessed: "${target}" holds a few class labels`
        : `guessed: "${target}" holds numbers`;
  }
  if (task === 'forecast' && time === null)
    throw new AimassError(
      'DATA_INVALID',
      `${file}: a forecast fleet needs a time column; pass --time COLUMN`,
      {
        file,
        field: 'time',
      },
    );
  const features: string[] = [];
  const excluded: { name: string; reason: string }[] = [];
  let hasMissingFeatures = false;
  for (const col of frame.columns) {
    if (col.name === key || col.name === time || col.name === target) continue;
    if (col.type === 'category' || col.type === 'time')
      excluded.push({ name: col.name, reason: `${col.type} column (add a one-hot step to use categories)` });
    else if (TARGET_NAME.test(col.name))
      excluded.push({ name: col.name, reason: 'looks like another target (would leak the answer)' });
    else {
      features.push(col.name);
      if (col.type === 'number' && col.values.some(Number.isNaN)) hasMissingFeatures = true;
    }
  }
  if (task !== 'forecast' && features.length === 0)
    throw new AimassError('DATA_INVALID', `${file}: no numeric or boolean feature columns left`, {
      file,
      field: 'features',
    });
  const season = guessSeason(frame, key, time);
  return {
    key,
    keyReason: keyGuess.reason,
    time,
    timeReason: timeGuess.reason,
    timeUnit: timeGuess.unit,
    target: task === 'anomaly' && options.target === undefined ? null : target,
    targetReason,
    task,
    taskReason,
    features,
    excluded,
    seasonPeriod: season.period,
    seasonReason: season.reason,
    distinctKeys: keyGuess.distinct,
    hasMissingFeatures,
  };
}

function numericUnit(col: Column): 'seconds' | 'milliseconds' | null {
  return col.type === 'number' ? detectEpochUnit(col.values) : null;
}

/** Distinct values of a given key column (read as a category by `aimass init`). */
function countDistinct(frame: Frame, name: string): number {
  const col = column(frame, name) as Column;
  return col.type === 'category' ? distinctCodes(col) : 0;
}
