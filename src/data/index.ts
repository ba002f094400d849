/**
 * The data layer: columnar frames, readers and grouping.
 *
 * Readers (all return `{ frame, report }`; sources are a file path, bytes, or an async iterable
 * of byte chunks such as an HTTP body):
 * - `readCsv(source, options?)`, `readCsvSync(bytes, options?)`, `parseCsvText(text, options?)`:
 *   streaming CSV (quotes, CRLF, BOM, `,` `;` tab detected from the header).
 * - `readNdjson` / `readNdjsonSync` / `parseNdjsonText`: one JSON object per line.
 * - `readJsonArray` / `readJsonArraySync` / `parseJsonArrayText`: a JSON array of objects.
 * Options (`CsvOptions`, `JsonOptions`, shared `ReadOptions`) are documented at their types.
 * Types are inferred from the first `inferRows` rows (number, category, time, boolean) unless the
 * `schema` override declares them; a value a column cannot hold rejects its row (see
 * `onBadValue`), and the `ReadReport` counts, samples and quarantines what was rejected.
 * Missing values: `MISSING_TOKENS`, matched case-insensitively.
 *
 * Grouping: `groupByKey(frame, key, { timeColumn })` makes each entity's rows contiguous
 * (zero-copy when they already are); `entityFrame(grouped, i)` is entity i as a view.
 */
export type { CsvOptions } from './csv/index.ts';
export { CsvReader, parseCsvText, readCsv, readCsvSync, resolveCsvOptions } from './csv/index.ts';
export type {
  BooleanColumn,
  CategoryColumn,
  Column,
  ColumnType,
  Frame,
  NumberColumn,
  TimeColumn,
} from './frame.ts';
export {
  booleanColumn,
  categoryColumn,
  categoryValue,
  columnLength,
  createFrame,
  findColumn,
  frameBytes,
  getColumn,
  numberColumn,
  numericValues,
  selectColumns,
  sliceFrame,
  takeFrameRows,
  timeColumn,
  toMatrix,
  withColumns,
  withoutColumns,
} from './frame.ts';
export type { GroupedFrame, GroupOptions } from './group.ts';
export { entityFrame, entityIndex, groupByKey } from './group.ts';
export { parseIsoTime } from './iso-time.ts';
export type { JsonOptions } from './json/index.ts';
export {
  parseJsonArrayText,
  parseNdjsonText,
  readJsonArray,
  readJsonArraySync,
  readNdjson,
  readNdjsonSync,
} from './json/index.ts';
export type { MissingMatcher } from './missing.ts';
export { createMissingMatcher, MISSING_TOKENS } from './missing.ts';
export type { PlainValue } from './plain-values.ts';
export { columnToArray, plainColumn } from './plain-values.ts';
export type { ReadOptions } from './read-options.ts';
export type {
  BadValuePolicy,
  QuarantinedRow,
  ReadReport,
  RowIssue,
  RowIssueReason,
} from './read-report.ts';
export type { ByteSource, PushReader, ReadResult } from './read-source.ts';
export type { ColumnSpec, ResolvedColumn, SchemaOverride, TimeUnit } from './schema.ts';
export { DEFAULT_INFER_ROWS, inferSchema, inferTextColumnType } from './schema.ts';
