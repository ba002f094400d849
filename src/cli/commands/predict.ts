import { AimassError, isAimassError } from '../../core/errors.ts';
import type { Frame } from '../../data/frame.ts';
import { columnToArray, type PlainValue } from '../../data/plain-values.ts';
import type { ColumnSpec } from '../../data/schema.ts';
import type { InputColumn } from '../../fleet/predictor.ts';
import { type PredictResponse, rowsToFrame } from '../../serve/index.ts';
import { mostProbable, probabilityRow, toNullableNumbers } from '../../serve/model-output.ts';
import { type CommandContext, defineCommand } from '../lib/command.ts';
import { formatNumber, formatTable } from '../lib/format.ts';
import { missingColumn, readTable, TIME_UNITS, type TimeUnitChoice } from '../lib/read-table.ts';
import { remoteClient } from '../lib/remote.ts';
import { describeServed, fleetSpec, resolveServed } from '../lib/serving.ts';
import { IMPORT_OPTIONS } from './import.ts';

/** An input row that could not be read with the model's column types (it is not predicted). */
export interface RejectedInputRow {
  /** 1-based record number among the file's data rows. */
  readonly row: number;
  /** 1-based physical line (CSV, NDJSON). */
  readonly line?: number;
  readonly column?: string;
  readonly message: string;
}

/**
 * What `aimass predict` prints with --json: the server's answer, plus anomaly scores; local
 * predictions also give each answer's input row number and the rows that were not predicted.
 */
export type PredictOutput = PredictResponse & {
  scores?: (number | null)[];
  rows?: number[];
  rejected?: RejectedInputRow[];
};

/** Rejected rows listed one by one; beyond this many the call is refused (rows could not be matched). */
const MAX_REJECTED_ROWS = 1000;

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
    "Input columns are read with the types of the model's input columns (not guessed from the",
    'file). A row a type cannot hold is reported on stderr with its file line and is not predicted;',
    'the other rows are, numbered by their row in the file, and the exit code is then 1.',
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
    const rejected = output.rejected ?? [];
    if (!ctx.json)
      for (const issue of rejected)
        ctx.err(
          `${input}${issue.line === undefined ? ` row ${issue.row}` : `:${issue.line}`}: not predicted: ${issue.message}`,
        );
    if (ctx.json) ctx.emit(output);
    else ctx.out(formatPrediction(output));
    return rejected.length > 0 ? 1 : 0;
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
  // The model's column types, so one bad cell rejects its own row instead of retyping the column.
  const columns: Record<string, ColumnSpec> = {};
  for (const column of predictor.inputColumns)
    if (column.type !== 'time' && column.name !== spec.time) columns[column.name] = { type: column.type };
  const { frame, rowNumbers, rejected } = await readGoodRows(
    input,
    usesTime ? spec.time : null,
    timeUnit,
    columns,
  );
  const rows = plainRows(frame, input, predictor.inputColumns);
  const features = rowsToFrame(rows, predictor.inputColumns, {
    rowPath: (i) => `${input} row ${rowNumbers[i]}`,
  });
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
  // Only then do answers need their row numbers: otherwise the same answer as a server's.
  if (rejected.length > 0) {
    output.rows = rowNumbers;
    output.rejected = rejected;
  }
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

/**
 * The rows that read cleanly with `columns`' types, their 1-based row numbers in the file, and the
 * rejected rows. Every row fails: an error naming the first one.
 */
async function readGoodRows(
  file: string,
  timeColumn: string | null,
  timeUnit: TimeUnitChoice,
  columns: Record<string, ColumnSpec>,
): Promise<{ frame: Frame; rowNumbers: number[]; rejected: RejectedInputRow[] }> {
  let result: Awaited<ReturnType<typeof readTable>>;
  try {
    result = await readTable(file, { timeColumn, timeUnit, columns, maxRejectedExamples: MAX_REJECTED_ROWS });
  } catch (error) {
    const column = isAimassError(error, 'SCHEMA_INVALID') ? error.context.column : undefined;
    if (column === undefined || !(column in columns)) throw error;
    // A model column the file lacks: name it with the file's own columns (read again, untyped).
    throw missingColumn(file, 'input', column, (await readTable(file)).frame);
  }
  const { frame, report } = result;
  const byRow = new Map<number, RejectedInputRow>();
  for (const issue of report.examples)
    if (issue.rowRejected && !byRow.has(issue.row))
      byRow.set(issue.row, {
        row: issue.row,
        line: issue.line,
        column: issue.column,
        message: issue.message,
      });
  const first = report.examples[0];
  if (byRow.size !== report.rowsRejected || frame.rowCount === 0)
    throw new AimassError(
      report.rowsRejected > 0 ? 'ROW_INVALID' : 'DATA_INVALID',
      report.rowsRejected > 0
        ? `${report.rowsRejected} row(s) of ${file} cannot be read${frame.rowCount === 0 ? ' (no row left to predict)' : ` (more than ${MAX_REJECTED_ROWS} to list)`}; first: ${first?.message ?? 'see the file'}`
        : `${file}: no rows to predict`,
      { file, line: first?.line, column: first?.column },
    );
  const rowNumbers: number[] = [];
  for (let row = 1; rowNumbers.length < frame.rowCount; row++) if (!byRow.has(row)) rowNumbers.push(row);
  return { frame, rowNumbers, rejected: [...byRow.values()] };
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
    const cells = [
      String(output.rows?.[i] ?? i + 1),
      output.labels ? String(output.labels[i] ?? '-') : formatNumber(value),
    ];
    if (output.probabilities) for (const p of output.probabilities[i]) cells.push(formatNumber(p));
    if (output.scores) cells.push(formatNumber(output.scores[i]));
    return cells;
  });
  return `${describeServed(output.model)}\n${formatTable(header, rows)}`;
}
