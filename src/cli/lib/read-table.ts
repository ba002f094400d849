import { extname } from 'node:path';
import { AimassError, isAimassError } from '../../core/errors.ts';
import type { Column, Frame } from '../../data/frame.ts';
import { readCsv, readJsonArray, readNdjson } from '../../data/index.ts';
import type { ReadReport } from '../../data/read-report.ts';
import type { ColumnSpec, SchemaOverride } from '../../data/schema.ts';

/** How the time column's values are written: `auto` decides from numeric values' magnitude. */
export type TimeUnitChoice = 'auto' | 'seconds' | 'milliseconds' | 'iso';
export const TIME_UNITS: readonly TimeUnitChoice[] = ['auto', 'seconds', 'milliseconds', 'iso'];

export interface ReadTableOptions {
  /** Read as a category column whatever it looks like (entity keys such as `42` stay text). */
  readonly keyColumn?: string | null;
  /** Read as a time column (epoch ms in the frame). */
  readonly timeColumn?: string | null;
  /** Default `auto`. */
  readonly timeUnit?: TimeUnitChoice;
  /** Types known beforehand (e.g. a model's input columns); other columns are inferred. */
  readonly columns?: SchemaOverride;
  /** Rejected-row examples kept in the report (the reader's default, 20, when unset). */
  readonly maxRejectedExamples?: number;
}

export interface ReadTableResult {
  readonly frame: Frame;
  readonly report: ReadReport;
  /** How the time column was read, or null without one. */
  readonly timeUnit: 'seconds' | 'milliseconds' | 'iso' | null;
}

/** Epoch seconds in (1e9, 1e11) are 2001..5138; milliseconds above 1e11 are 1973 onwards. */
const SECONDS_MIN = 1e9;
const SECONDS_MAX = 1e11;
const MILLIS_MAX = 1e14;

/**
 * Reads a CSV (`.csv`, `.tsv`, `.txt`), NDJSON (`.ndjson`, `.jsonl`) or JSON-array (`.json`) file.
 * The key column is forced to a category; the time column is read as a time: ISO text by the
 * reader, epoch numbers converted here after their unit is known (read once, converted in place
 * of a second read).
 */
export async function readTable(file: string, options: ReadTableOptions = {}): Promise<ReadTableResult> {
  const { keyColumn = null, timeColumn = null } = options;
  const unit = options.timeUnit ?? 'auto';
  const schema: Record<string, ColumnSpec> = { ...options.columns };
  if (keyColumn !== null) schema[keyColumn] = { type: 'category' };
  if (timeColumn !== null && unit !== 'auto')
    schema[timeColumn] = unit === 'iso' ? { type: 'time' } : { type: 'time', unit };
  let result: { frame: Frame; report: ReadReport };
  try {
    const readOptions = {
      fileName: file,
      schema,
      ...(options.maxRejectedExamples === undefined
        ? {}
        : { maxRejectedExamples: options.maxRejectedExamples }),
    };
    const extension = extname(file).toLowerCase();
    if (extension === '.csv' || extension === '.tsv' || extension === '.txt')
      result = await readCsv(file, readOptions);
    else if (extension === '.ndjson' || extension === '.jsonl') result = await readNdjson(file, readOptions);
    else if (extension === '.json') result = await readJsonArray(file, readOptions);
    else
      throw new AimassError(
        'FILE_INVALID',
        `${file}: unknown file type "${extension}"; expected .csv, .tsv, .ndjson, .jsonl or .json`,
        { file },
      );
  } catch (error) {
    throw withFile(error, file);
  }
  if (timeColumn === null) return { ...result, timeUnit: null };
  const index = result.frame.columns.findIndex((c) => c.name === timeColumn);
  if (index < 0) throw missingColumn(file, 'time', timeColumn, result.frame);
  const column = result.frame.columns[index];
  if (unit !== 'auto') return { ...result, timeUnit: unit };
  if (column.type === 'time') return { ...result, timeUnit: 'iso' };
  if (column.type !== 'number')
    throw new AimassError(
      'DATA_INVALID',
      `${file}: time column "${timeColumn}" holds ${column.type} values, not ISO-8601 times or epoch numbers (pass --time-unit iso to reject the bad rows instead)`,
      { file, column: timeColumn },
    );
  const detected = detectEpochUnit(column.values);
  if (detected === null)
    throw new AimassError(
      'DATA_INVALID',
      `${file}: time column "${timeColumn}" holds numbers that are neither epoch seconds (1e9..1e11) nor epoch milliseconds (1e11..1e14); pass --time-unit seconds|milliseconds`,
      { file, column: timeColumn },
    );
  const values = new Float64Array(column.values.length);
  const scale = detected === 'seconds' ? 1000 : 1;
  for (let i = 0; i < values.length; i++) values[i] = column.values[i] * scale;
  const columns: Column[] = [...result.frame.columns];
  columns[index] = { type: 'time', name: timeColumn, values };
  const frame: Frame = { ...result.frame, columns };
  const schemaOut = result.report.schema.map((c) =>
    c.name === timeColumn ? { ...c, type: 'time' as const, unit: detected } : c,
  );
  return { frame, report: { ...result.report, schema: schemaOut }, timeUnit: detected };
}

/** `seconds` / `milliseconds` when every present value is an integer in that range, else null. */
export function detectEpochUnit(values: Float64Array): 'seconds' | 'milliseconds' | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return null; // no value present
  if (min > SECONDS_MIN && max < SECONDS_MAX) return 'seconds';
  if (min > SECONDS_MAX && max < MILLIS_MAX) return 'milliseconds';
  return null;
}

export function missingColumn(file: string, role: string, name: string, frame: Frame): AimassError {
  return new AimassError(
    'COLUMN_NOT_FOUND',
    `${file}: no ${role} column "${name}" (columns: ${frame.columns.map((c) => c.name).join(', ')})`,
    { file, column: name },
  );
}

/** Reader errors name the file in their message, not always in their context: add it. */
function withFile(error: unknown, file: string): unknown {
  if (!isAimassError(error) || error.context.file !== undefined) return error;
  const message = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
  return new AimassError(error.code, message, { ...error.context, file }, { cause: error });
}
