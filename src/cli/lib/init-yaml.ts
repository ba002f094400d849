import {
  DEFAULT_BUDGET,
  DEFAULT_FALLBACK_BUDGET,
  defaultMinRows,
  type FleetTask,
  TIME_UNIT_RULE,
} from '../../fleet/spec.ts';
import { metrics } from '../../metrics/registry.ts';
import { estimators, forecasters } from '../../models/registry.ts';
import { transformerNames } from '../../preprocess/registry.ts';
import type { SpecGuess } from './init-guess.ts';

/** A YAML scalar: strings double-quoted (JSON strings are valid YAML), the rest as is. */
function scalar(value: string | number | boolean | null): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function algorithmsFor(task: FleetTask): string[] {
  if (task === 'forecast') return [...forecasters.keys()];
  return [...estimators.values()].filter((e) => e.tasks.includes(task)).map((e) => e.name);
}

const DEFAULT_METRIC: Record<FleetTask, string> = {
  regression: 'rmse',
  classification: 'accuracy',
  forecast: 'smape',
  anomaly: 'none',
};

/** Wraps a comment to ~100 columns. */
function comment(text: string, indent = ''): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = `${indent}#`;
  for (const word of words) {
    if (line.length + word.length + 1 > 100 && line.length > indent.length + 1) {
      lines.push(line);
      line = `${indent}#`;
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

export interface RenderInfo {
  readonly name: string;
  readonly file: string;
  readonly rows: number;
  readonly columns: number;
}

/**
 * The commented example spec of `aimass init`: every `FleetSpec` field with its meaning and
 * default, the guesses explained. The caller checks that it validates.
 */
export function renderSpecYaml(guess: SpecGuess, info: RenderInfo): string {
  const task = guess.task;
  const out: string[] = [
    `# aimass fleet spec, written by \`aimass init\` from ${info.file} (${info.rows} rows, ${info.columns} columns).`,
    '# Every field is listed with its default; delete what you do not need. Then:',
    `#   aimass import --spec spec.yaml ${info.file}   # store the rows per entity`,
    `#   aimass train --fleet ${info.name}             # one model per entity`,
    '',
    ...comment('Fleet name: letters, digits, "_", "." or "-", 1-64 characters.'),
    `name: ${scalar(info.name)}`,
    ...comment(
      `Entity key column: one model per distinct value (${guess.keyReason}; ${guess.distinctKeys} entities in the sample).`,
    ),
    `key: ${scalar(guess.key)}`,
  ];
  const timeNotes = ['Time column (times are epoch ms once read), or null.'];
  if (guess.time !== null) timeNotes.push(`${guess.timeReason}.`);
  if (guess.timeUnit !== null) timeNotes.push(`"${guess.time}" holds integer epoch ${guess.timeUnit}.`);
  out.push(...comment(timeNotes.join(' ')), `time: ${scalar(guess.time)}`);
  out.push(
    ...comment(
      `How time values are written: auto (each value on its own: ${TIME_UNIT_RULE}) | iso | seconds | milliseconds | year. Every source (files, HTTP, MQTT, SQL) reads times by this one rule. Default auto.`,
    ),
    'timeUnit: auto',
  );
  out.push(
    ...comment(`Target column to predict; null only for anomaly fleets (${guess.targetReason}).`),
    `target: ${scalar(guess.target)}`,
    ...comment(
      `What the fleet predicts: regression | classification | forecast | anomaly (${guess.taskReason}).`,
    ),
    `task: ${task}`,
  );
  const featureNotes = [
    'Feature columns, or "auto" = every number/boolean column except key, time and target (plus categories when a one-hot step is in the pipeline).',
  ];
  if (task === 'forecast')
    featureNotes.push('Forecast fleets read only the target series; features are ignored.');
  for (const { name, reason } of guess.excluded) featureNotes.push(`Left out: "${name}": ${reason}.`);
  out.push(...comment(featureNotes.join(' ')));
  if (guess.features.length === 0) out.push('features: auto');
  else out.push('features:', ...guess.features.map((f) => `  - ${scalar(f)}`));

  // Missing feature values: most estimators (and isolation forests) reject NaN, so the example
  // imputes; a fleet whose chosen models take NaN natively can drop the step.
  const impute = guess.hasMissingFeatures && task !== 'forecast';
  out.push(
    ...comment(
      `Preprocessing: steps applied in order, fitted on each entity's training rows and stored in its bundle. Known steps: ${transformerNames().join(', ')}.${impute ? ' Some features have missing values, so missing values are imputed (most models cannot take NaN).' : ''}`,
    ),
    '# e.g.  steps:',
    '#         - step: impute',
    '#         - step: standardize',
    'preprocess:',
    ...(impute ? ['  steps:', '    - step: impute'] : ['  steps: []']),
    '# How rows are split: validation picks the model, test gives the final score.',
    'split:',
    ...comment(
      'time (default when a time column is set: validation and test are the latest rows) | random | stratified (classification only).',
      '  ',
    ),
    `  method: ${guess.time !== null ? 'time' : 'random'}`,
    '  # Fraction of rows for validation. Default 0.2.',
    '  validation: 0.2',
    '  # Fraction of rows for the final test score (validation + test < 1). Default 0.2.',
    '  test: 0.2',
    '  # Seed of random splits and of every estimator: same data + seed = same models. Default 1.',
    '  seed: 1',
    ...comment(
      `Candidate algorithms with optional fixed params and search spaces, or "auto" = a small default zoo for the task${task === 'forecast' ? ' (naive, drift, SES, damped Holt, damped Holt-Winters with a season, auto-ets, ridge over lags; a complex model must beat naive/drift on more than one rolling origin)' : ''}; the item "auto" in a list extends that zoo. Known for ${task}: ${algorithmsFor(task).join(', ')}.`,
    ),
    '# e.g.  candidates:',
    '#         - auto',
    `#         - algorithm: ${task === 'classification' ? 'logistic' : task === 'forecast' ? 'exponential-smoothing' : 'ridge'}`,
    ...(task === 'regression'
      ? ['#           search:', '#             alpha: { min: 0.01, max: 100, log: true }']
      : []),
    'candidates: auto',
    ...comment(
      `Selection metric; its direction (lower or higher is better) decides. Default ${DEFAULT_METRIC[task]}. Known: ${Object.keys(metrics).join(', ')}.`,
    ),
    `metric: ${DEFAULT_METRIC[task]}`,
    ...comment(
      'Per-entity search budget. The trial count decides what is tried, so the same data and seed give the same models on any machine; the time cap is only a safety net far above a normal search (an entity that hits it is reported, and its choice then depends on machine speed).',
    ),
    'budget:',
    `  # Maximum trials (candidate configurations) per entity, baseline included. Default ${DEFAULT_BUDGET.maxTrials}.`,
    `  maxTrials: ${DEFAULT_BUDGET.maxTrials}`,
    `  # Time cap per entity in ms (a safety net). Default ${DEFAULT_BUDGET.maxMillis}.`,
    `  maxMillis: ${DEFAULT_BUDGET.maxMillis}`,
    ...(task === 'forecast'
      ? comment(
          `Series with fewer rows than this (or too short for the full search at this horizon) get their own simple forecasters only: naive, drift, SES, damped Holt, chosen by rolling validation. Default ${defaultMinRows(task)}.`,
        )
      : comment(
          `Entities with fewer rows than this are served by the fallback model. Default ${defaultMinRows(task)}.`,
        )),
    `minRows: ${defaultMinRows(task)}`,
    '# Models for entities with too little data (and unknown keys).',
    'fallback:',
    '  # Train one global model on a sample of all entities. Default true.',
    '  global: true',
    '  # k-means clusters of entity summaries with one model each (0 = none). Default 0.',
    '  clusters: 0',
    ...comment(
      `Search budget of each pooled fallback model (many entities' rows): the baseline and each automatic candidate's cheapest configuration. Default ${DEFAULT_FALLBACK_BUDGET.maxTrials} trials, ${DEFAULT_FALLBACK_BUDGET.maxMillis} ms cap.`,
      '  ',
    ),
    '  budget:',
    `    maxTrials: ${DEFAULT_FALLBACK_BUDGET.maxTrials}`,
    `    maxMillis: ${DEFAULT_FALLBACK_BUDGET.maxMillis}`,
    '# Quantization of learned floats in stored bundles: none | f16 | i8. Default none.',
    'compression: none',
    '# Forecast fleets only.',
    'forecast:',
    '  # Steps ahead to forecast and score. Default 24.',
    '  horizon: 24',
    ...comment(
      `Season length in time steps (${guess.seasonReason}); 1 = no season: seasonal candidates are skipped. Default 24.`,
      '  ',
    ),
    `  seasonPeriod: ${guess.seasonPeriod}`,
    '# Retraining policy (stored now, acted on by the monitor).',
    'retraining:',
    '  # Retrain when the champion is older than this many days (0 = never). Default 0.',
    '  maxAgeDays: 0',
    '  # Retrain an entity when drift is detected on its features. Default false.',
    '  onDrift: false',
    '  # Retrain an entity when this many new rows arrived (0 = never). Default 0.',
    '  newRows: 0',
    '# Entities per shard, the unit of work on the queue (and of resuming). Default 250.',
    'shardSize: 250',
    '',
  );
  return out.join('\n');
}
