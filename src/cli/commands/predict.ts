import { AimassError } from '../../core/errors.ts';
import type { Frame } from '../../data/frame.ts';
import { columnToArray, type PlainValue } from '../../data/plain-values.ts';
import type { InputColumn } from '../../fleet/predictor.ts';
import { type PredictResponse, rowsToFrame } from '../../serve/index.ts';
import { mostProbable, probabilityRow, toNullableNumbers } from '../../serve/model-output.ts';
import { type CommandContext, defineCommand } from '../lib/command.ts';
import { formatNumber, formatTable } from '../lib/format.ts';
import { missingColumn, readTable, TIME_UNITS, type TimeUnitChoice } from '../lib/read-table.ts';
import { remoteClient } from '../lib/remote.ts';
import { describeServed, fleetSpec, resolveServed } from '../lib/serving.ts';
import { IMPORT_OPTIONS } from './import.ts';

/** What `aimass predict` prints with --json: the server's answer, plus anomaly scores. */
export type PredictOutput = PredictResponse & { scores?: (number | null)[] };

export const predictCommand = defineCommand({
  name: 'predict',
  summary: "predict rows of a file with an entity's champion (or the fleet fallback)",
  usage: 'predict --fleet NAME --key KEY --input rows.csv|rows.ndjson [--url URL]',
  remote: true,
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
    key: {
      type: 'string',
      value: 'KEY',
      description: 'entity key; an unknown key is answered by the fleet fallback',
    },
    input: {
      type: 'string',
      value: 'FILE',
      description: 'rows to predict (.csv, .ndjson, .jsonl, .json) with the feature columns',
    },
    ...IMPORT_OPTIONS,
  },
  notes: [
    'Every answer says which model served it; an entity with too little data (or an unknown key)',
    'is served by the fleet fallback, and the reason is printed. Classifiers also print class',
    'probabilities, anomaly models their scores.',
  ],
  examples: [
    'aimass predict --fleet turbines --key dev-0000001 --input rows.csv',
    'aimass predict --fleet turbines --key dev-0000001 --input rows.ndjson --url http://127.0.0.1:8080 --json',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const input = ctx.requireString('input');
    const timeUnit = ctx.choice('time-unit', TIME_UNITS) ?? 'auto';
    const output =
      ctx.url !== undefined
        ? await predictRemote(ctx, ctx.url, fleet, key, input, timeUnit)
        : await predictLocal(ctx, fleet, key, input, timeUnit);
    if (ctx.json) ctx.emit(output);
    else ctx.out(formatPrediction(output));
    return 0;
  },
});

async function predictLocal(
  ctx: CommandContext,
  fleet: string,
  key: string,
  input: string,
  timeUnit: TimeUnitChoice,
): Promise<PredictOutput> {
  const store = await ctx.openStore({ mustExist: true });
  const { spec } = await fleetSpec(store, fleet);
  const served = await resolveServed(store, fleet, key);
  const predictor = served.predictor;
  if (predictor.task === 'forecast')
    throw new AimassError(
      'PARAM_INVALID',
      `fleet "${fleet}" forecasts: use aimass forecast --fleet ${fleet} --key ${key}`,
      {
        fleet,
        key,
        field: 'task',
      },
    );
  const usesTime = spec.time !== null && predictor.inputColumns.some((c) => c.name === spec.time);
  const frame = await readRows(input, usesTime ? spec.time : null, timeUnit);
  const rows = plainRows(frame, input, predictor.inputColumns);
  const features = rowsToFrame(rows, predictor.inputColumns, { rowPath: (i) => `${input} row ${i + 1}` });
  const prediction = predictor.predict(features);
  const output: PredictOutput = {
    key,
    model: {
      key: served.modelKey,
      version: served.version,
      algorithm: served.algorithm,
      fallback: served.fallback,
    },
    predictions: toNullableNumbers(prediction.values),
  };
  const { proba, classes } = prediction;
  if (proba !== undefined && classes !== undefined) {
    output.labels = rows.map((_, i) => mostProbable(proba, classes, i));
    output.probabilities = rows.map((_, i) => probabilityRow(proba, i));
    output.classes = [...classes];
  }
  if (predictor.score) output.scores = toNullableNumbers(predictor.score(features));
  return output;
}

async function predictRemote(
  ctx: CommandContext,
  url: string,
  fleet: string,
  key: string,
  input: string,
  timeUnit: TimeUnitChoice,
): Promise<PredictOutput> {
  const client = remoteClient(ctx, url);
  const detail = await client.getFleet(fleet);
  const time = typeof detail.spec?.time === 'string' ? detail.spec.time : null;
  const frame = await readRows(input, time, timeUnit, true);
  const rows = plainRows(
    frame,
    input,
    frame.columns.map((c) => ({ name: c.name, type: c.type })),
  );
  return client.predict(fleet, key, rows);
}

/** The input rows; a rejected row would shift every answer after it, so it is an error here. */
async function readRows(
  file: string,
  timeColumn: string | null,
  timeUnit: TimeUnitChoice,
  optionalTime = false,
): Promise<Frame> {
  let result: Awaited<ReturnType<typeof readTable>>;
  try {
    result = await readTable(file, { timeColumn, timeUnit });
  } catch (error) {
    // Remote: the fleet's time column may simply not be among the columns sent.
    if (optionalTime && timeColumn !== null && (error as AimassError).code === 'COLUMN_NOT_FOUND')
      result = await readTable(file, { timeUnit });
    else throw error;
  }
  const { frame, report } = result;
  if (report.rowsRejected > 0) {
    const first = report.examples[0];
    throw new AimassError(
      'ROW_INVALID',
      `${report.rowsRejected} row(s) of ${file} cannot be read; first: ${first?.message ?? 'see the file'}`,
      { file, line: first?.line, column: first?.column },
    );
  }
  if (frame.rowCount === 0) throw new AimassError('DATA_INVALID', `${file}: no rows to predict`, { file });
  return frame;
}

/** Rows as plain objects of the model's input columns (times as epoch ms). */
function plainRows(
  frame: Frame,
  file: string,
  columns: readonly InputColumn[],
): Record<string, PlainValue>[] {
  const values = columns.map((c) => {
    const column = frame.columns.find((f) => f.name === c.name);
    if (!column) throw missingColumn(file, 'input', c.name, frame);
    return columnToArray(column);
  });
  const rows: Record<string, PlainValue>[] = [];
  for (let i = 0; i < frame.rowCount; i++) {
    const row: Record<string, PlainValue> = {};
    for (let c = 0; c < columns.length; c++) row[columns[c].name] = values[c][i];
    rows.push(row);
  }
  return rows;
}

export function formatPrediction(output: PredictOutput): string {
  const header = ['ROW', output.labels ? 'LABEL' : 'PREDICTION'];
  if (output.classes) for (const label of output.classes) header.push(`P(${label})`);
  if (output.scores) header.push('SCORE');
  const rows = output.predictions.map((value, i) => {
    const cells = [String(i + 1), output.labels ? String(output.labels[i] ?? '-') : formatNumber(value)];
    if (output.probabilities) for (const p of output.probabilities[i]) cells.push(formatNumber(p));
    if (output.scores) cells.push(formatNumber(output.scores[i]));
    return cells;
  });
  return `${describeServed(output.model)}\n${formatTable(header, rows)}`;
}
