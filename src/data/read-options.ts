import { type FieldRule, resolveParams } from '../core/params.ts';
import { MISSING_TOKENS } from './missing.ts';
import type { BadValuePolicy } from './read-report.ts';
import { checkOverride, DEFAULT_INFER_ROWS, type SchemaOverride } from './schema.ts';

/** Options shared by the CSV, NDJSON and JSON readers. */
export interface ReadOptions {
  /** Name used in messages and reports. Default: the path when reading a file, else `'<input>'`. */
  fileName?: string;
  /** Explicit column types; other columns are inferred. Default: `{}`. */
  schema?: SchemaOverride;
  /**
   * Types for columns IF the data has them (no error when absent, and JSON readers do not add them):
   * how a source keeps reading a column the way earlier batches did. `schema` wins over a hint.
   */
  typeHints?: SchemaOverride;
  /** Texts read as missing (case-insensitive, trimmed). Default: `MISSING_TOKENS`. */
  missingTokens?: readonly string[];
  /** How many leading data rows decide the inferred types. Default: 1000. */
  inferRows?: number;
  /** What a value the column's type cannot hold does. Default: `'reject-row'`. */
  onBadValue?: BadValuePolicy;
  /** How many issues the report keeps as examples. Default: 20. */
  maxRejectedExamples?: number;
  /** How many rejected rows the report keeps verbatim. Default: 1000. */
  maxQuarantineRows?: number;
  /**
   * When streaming (a path or chunks), a row or NDJSON line longer than this fails with
   * FILE_INVALID instead of being buffered without end (e.g. after an unclosed quote). Default: 16 MiB.
   */
  maxRowBytes?: number;
  /** Line number of the input's first line (the input is a piece of a longer file). Default: 1. */
  firstLine?: number;
  /** Record each accepted row's line in `report.rowLines` (so later checks can name the line). Default: false. */
  rowLines?: boolean;
}

export interface ResolvedReadOptions {
  fileName: string;
  schema: SchemaOverride;
  typeHints: SchemaOverride;
  missingTokens: readonly string[];
  inferRows: number;
  onBadValue: BadValuePolicy;
  maxRejectedExamples: number;
  maxQuarantineRows: number;
  maxRowBytes: number;
  firstLine: number;
  rowLines: boolean;
}

export const READ_DEFAULTS: ResolvedReadOptions = {
  fileName: '<input>',
  schema: {},
  typeHints: {},
  missingTokens: MISSING_TOKENS,
  inferRows: DEFAULT_INFER_ROWS,
  onBadValue: 'reject-row',
  maxRejectedExamples: 20,
  maxQuarantineRows: 1000,
  maxRowBytes: 16 * 1024 * 1024,
  firstLine: 1,
  rowLines: false,
};

const READ_RULES: Record<keyof ResolvedReadOptions, FieldRule> = {
  fileName: { type: 'string' },
  schema: { type: 'any' },
  typeHints: { type: 'any' },
  missingTokens: { type: 'stringArray' },
  inferRows: { type: 'number', min: 1, integer: true },
  onBadValue: { type: 'enum', values: ['reject-row', 'missing', 'fail'] },
  maxRejectedExamples: { type: 'number', min: 0, integer: true },
  maxQuarantineRows: { type: 'number', min: 0, integer: true },
  maxRowBytes: { type: 'number', min: 1, integer: true },
  firstLine: { type: 'number', min: 1, integer: true },
  rowLines: { type: 'boolean' },
};

/** Validates and defaults reader options (PARAM_INVALID names the bad field). */
export function resolveReadOptions<Extra extends object>(
  owner: string,
  given: unknown,
  extraDefaults: Extra,
  extraRules: Record<keyof Extra, FieldRule>,
  defaultFileName?: string,
): Readonly<ResolvedReadOptions & Extra> {
  const defaults = {
    ...READ_DEFAULTS,
    ...(defaultFileName ? { fileName: defaultFileName } : {}),
    ...extraDefaults,
  };
  const resolved = resolveParams(
    owner,
    defaults,
    { ...READ_RULES, ...extraRules } as never,
    given,
  ) as Readonly<ResolvedReadOptions & Extra>;
  checkOverride(resolved.schema, null);
  checkOverride(resolved.typeHints, null);
  return resolved;
}
