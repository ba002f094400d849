import { AimassError, formatValue } from '../core/errors.ts';
import type { ColumnType } from './frame.ts';
import { parseIsoTime } from './iso-time.ts';
import { createMissingMatcher, type MissingMatcher } from './missing.ts';
import { isBooleanWord, parseBooleanText, parseNumberText } from './text-values.ts';

export type TimeUnit = 'seconds' | 'milliseconds';

/**
 * A column's declared type. `unit` applies to `time` columns holding epoch numbers (converted to
 * epoch ms); without it a time column expects ISO-8601 text.
 */
export interface ColumnSpec {
  type: ColumnType;
  unit?: TimeUnit;
}

/** Explicit types by column name; columns not named are inferred. */
export type SchemaOverride = Readonly<Record<string, ColumnSpec>>;

export interface ResolvedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly unit?: TimeUnit;
  /** False when the type came from the override. */
  readonly inferred: boolean;
}

/** Default number of leading rows whose values decide each column's type. */
export const DEFAULT_INFER_ROWS = 1000;

/**
 * The type of one column from sample texts: boolean if every present value is a boolean spelling
 * and at least one is a word (true/yes/...), else number if all parse as numbers, else time if all
 * are ISO-8601, else category. A column with no present value is a category (nothing is lost; its
 * texts are kept) and `allMissing` says so, for a warning.
 */
export function inferTextColumnType(
  values: readonly string[],
  missing: MissingMatcher,
  decimalComma = false,
): { type: ColumnType; allMissing: boolean } {
  let canBoolean = true;
  let sawBooleanWord = false;
  let canNumber = true;
  let canTime = true;
  let present = 0;
  for (const value of values) {
    if (missing.isMissing(value)) continue;
    present++;
    if (canBoolean) {
      if (Number.isNaN(parseBooleanText(value, missing))) canBoolean = false;
      else if (!sawBooleanWord && isBooleanWord(value)) sawBooleanWord = true;
    }
    if (canNumber && Number.isNaN(parseNumberText(value, missing, decimalComma))) canNumber = false;
    if (canTime && Number.isNaN(parseIsoTime(value.trim()))) canTime = false;
    if (!canBoolean && !canNumber && !canTime) break;
  }
  if (present === 0) return { type: 'category', allMissing: true };
  if (canBoolean && sawBooleanWord) return { type: 'boolean', allMissing: false };
  if (canNumber) return { type: 'number', allMissing: false };
  if (canTime) return { type: 'time', allMissing: false };
  return { type: 'category', allMissing: false };
}

/**
 * Column types for a table of sample texts (`rows[r][c]`, short rows allowed), applying the
 * override first (then `hints`: types for columns that may be absent). Throws SCHEMA_INVALID when the override names a column that does not exist or
 * has an invalid spec.
 */
export function inferSchema(
  names: readonly string[],
  rows: readonly (readonly string[])[],
  override: SchemaOverride = {},
  missing: MissingMatcher = createMissingMatcher(),
  decimalComma = false,
  hints: SchemaOverride = {},
): { columns: ResolvedColumn[]; warnings: string[] } {
  checkOverride(override, names);
  const warnings: string[] = [];
  const columns = names.map((name, c): ResolvedColumn => {
    const spec = declaredSpec(override, name) ?? declaredSpec(hints, name);
    if (spec) return { name, type: spec.type, unit: spec.unit, inferred: false };
    const values: string[] = [];
    for (const row of rows) if (c < row.length) values.push(row[c]);
    const { type, allMissing } = inferTextColumnType(values, missing, decimalComma);
    if (allMissing) warnings.push(allMissingWarning(name, rows.length));
    return { name, type, inferred: true };
  });
  return { columns, warnings };
}

/** The declared spec of a column; own keys only, so a column named `constructor` is not "declared". */
export function declaredSpec(override: SchemaOverride, name: string): ColumnSpec | undefined {
  return Object.hasOwn(override, name) ? override[name] : undefined;
}

export function allMissingWarning(name: string, rows: number): string {
  return `column "${name}" has no value in the first ${rows} rows; read as category (declare its type in the schema to change that)`;
}

const TYPES: readonly ColumnType[] = ['number', 'category', 'time', 'boolean'];

/** Validates an override against the known column names (pass `null` to skip the name check). */
export function checkOverride(override: SchemaOverride, names: readonly string[] | null): void {
  if (override === null || typeof override !== 'object' || Array.isArray(override)) {
    throw new AimassError(
      'SCHEMA_INVALID',
      `schema must be an object of column specs, got ${formatValue(override)}`,
    );
  }
  for (const [name, spec] of Object.entries(override)) {
    if (names && !names.includes(name)) {
      throw new AimassError(
        'SCHEMA_INVALID',
        `schema names column "${name}", which is not in the data (columns: ${names.join(', ')})`,
        { column: name },
      );
    }
    if (!spec || !TYPES.includes(spec.type)) {
      throw new AimassError(
        'SCHEMA_INVALID',
        `schema for column "${name}": type ${formatValue(spec?.type)} is not one of ${TYPES.join(', ')}`,
        { column: name, value: spec?.type, expected: TYPES.join(' | ') },
      );
    }
    if (
      spec.unit !== undefined &&
      (spec.type !== 'time' || (spec.unit !== 'seconds' && spec.unit !== 'milliseconds'))
    ) {
      throw new AimassError(
        'SCHEMA_INVALID',
        `schema for column "${name}": unit ${formatValue(spec.unit)} needs type "time" and is "seconds" or "milliseconds"`,
        { column: name, value: spec.unit, expected: 'seconds | milliseconds' },
      );
    }
  }
}

/** Words for messages: what a column of this type accepts. */
export function describeExpected(column: ResolvedColumn): string {
  switch (column.type) {
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean (true/false/yes/no/1/0)';
    case 'time':
      return column.unit ? `an epoch time in ${column.unit}` : 'an ISO-8601 date or date-time';
    default:
      return 'a text value';
  }
}
