import {
  type ColumnStore,
  KIND_BOOLEAN,
  KIND_CATEGORY,
  KIND_NUMBER,
  KIND_TIME_ISO,
  KIND_TIME_SECONDS,
} from '../column-store.ts';
import type { MissingMatcher } from '../missing.ts';
import type { BadValuePolicy, ReportBuilder } from '../read-report.ts';
import {
  allMissingWarning,
  checkOverride,
  declaredSpec,
  describeExpected,
  inferTextColumnType,
  type ResolvedColumn,
  type SchemaOverride,
} from '../schema.ts';

/** A parsed record with where it came from; `raw` is produced only if the row is quarantined. */
export interface JsonRecord {
  value: unknown;
  line?: number;
  raw: () => string;
  /** Set when the text was not valid JSON (the parser's message). */
  error?: string;
}

/**
 * Column names and types from sample records: keys in order of first appearance (plus declared
 * columns that did not appear), types inferred by the CSV rules on each value's text form
 * (numbers, booleans and strings alike, so `"12"` and `12` both count as numbers).
 */
export function inferJsonSchema(
  records: readonly unknown[],
  missing: MissingMatcher,
  override: SchemaOverride,
  hints: SchemaOverride = {},
): { columns: ResolvedColumn[]; warnings: string[] } {
  checkOverride(override, null);
  const index = new Map<string, number>();
  const names: string[] = [];
  for (const record of records) {
    if (!isPlainObject(record)) continue;
    for (const key of Object.keys(record)) {
      if (!index.has(key)) {
        index.set(key, names.length);
        names.push(key);
      }
    }
  }
  for (const key of Object.keys(override)) {
    if (!index.has(key)) {
      index.set(key, names.length);
      names.push(key);
    }
  }
  const objects = records.filter(isPlainObject);
  const warnings: string[] = [];
  const columns = names.map((name): ResolvedColumn => {
    const spec = declaredSpec(override, name) ?? declaredSpec(hints, name);
    if (spec) return { name, type: spec.type, unit: spec.unit, inferred: false };
    const texts: string[] = [];
    for (const record of objects) {
      const value = ownValue(record, name);
      // null, absent and nested values say nothing about the type.
      if (value !== null && value !== undefined && typeof value !== 'object') texts.push(String(value));
    }
    const { type, allMissing } = inferTextColumnType(texts, missing);
    if (allMissing) warnings.push(allMissingWarning(name, objects.length));
    return { name, type, inferred: true };
  });
  return { columns, warnings };
}

/** Adds records to a store, checking each against the schema and reporting what it rejects. */
export class JsonRowSink {
  private readonly index: Map<string, number>;
  private readonly warnedKeys = new Set<string>();

  constructor(
    readonly store: ColumnStore,
    private readonly report: ReportBuilder,
    private readonly missing: MissingMatcher,
    private readonly onBadValue: BadValuePolicy,
  ) {
    this.index = new Map(store.columns.map((c, i) => [c.name, i]));
  }

  add(record: JsonRecord): void {
    const { store, report } = this;
    report.rowsRead++;
    const where =
      record.line === undefined ? { row: report.rowsRead } : { line: record.line, row: report.rowsRead };
    if (record.error !== undefined) {
      report.issue(where, 'bad-json', { message: `not valid JSON: ${record.error}` }, record.raw());
      return;
    }
    const value = record.value;
    if (!isPlainObject(value)) {
      const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      report.issue(where, 'not-object', { message: `expected a JSON object, found ${kind}` }, record.raw());
      return;
    }
    store.reserveRow();
    const columns = store.columns;
    const badCells: number[] = [];
    for (let c = 0; c < columns.length; c++) {
      const cell = ownValue(value, columns[c].name);
      const status = this.setCell(c, cell);
      if (status !== OK) {
        if (status === NESTED) {
          store.rejectRow();
          report.issue(
            where,
            'nested-value',
            {
              column: columns[c].name,
              message: `column "${columns[c].name}" holds a nested object or array`,
            },
            record.raw(),
          );
          return;
        }
        // The bad cell reads as missing if the row is kept (onBadValue 'missing').
        store.setMissing(c);
        badCells.push(c);
        if (this.onBadValue !== 'missing') break;
      }
    }
    for (const key in value) {
      if (!this.index.has(key) && !this.warnedKeys.has(key) && Object.hasOwn(value, key)) {
        this.warnedKeys.add(key);
        report.warnings.push(
          `key "${key}" (first at ${record.line === undefined ? `row ${where.row}` : `line ${record.line}`}) is not a column: it was not in the inference sample; ignored`,
        );
      }
    }
    if (badCells.length === 0) {
      store.commitRow();
      report.accept(record.line);
      return;
    }
    const detail = (c: number) => ({
      column: columns[c].name,
      value: describeCell(ownValue(value, columns[c].name)),
      expected: describeExpected(columns[c]),
    });
    if (this.onBadValue === 'missing') {
      for (const c of badCells) report.issue(where, 'bad-value', detail(c), null);
      store.commitRow();
      report.accept(record.line);
      return;
    }
    store.rejectRow();
    report.issue(where, 'bad-value', detail(badCells[0]), record.raw());
  }

  private setCell(c: number, cell: unknown): number {
    const store = this.store;
    if (cell === null || cell === undefined) {
      store.setMissing(c);
      return OK;
    }
    if (typeof cell === 'string') return store.setText(c, cell, this.missing) ? OK : BAD_VALUE;
    if (typeof cell === 'object') return NESTED;
    const kind = store.kinds[c];
    if (kind === KIND_CATEGORY) {
      store.codes[c]![store.length] = store.categoryCode(c, String(cell));
      return OK;
    }
    if (typeof cell === 'boolean') {
      if (kind !== KIND_BOOLEAN) return BAD_VALUE;
      store.setValue(c, cell ? 1 : 0);
      return OK;
    }
    if (typeof cell !== 'number' || !Number.isFinite(cell)) return BAD_VALUE;
    if (kind === KIND_NUMBER) store.setValue(c, cell);
    else if (kind === KIND_BOOLEAN) {
      if (cell !== 0 && cell !== 1) return BAD_VALUE;
      store.setValue(c, cell);
    } else if (kind === KIND_TIME_ISO) return BAD_VALUE;
    else store.setValue(c, kind === KIND_TIME_SECONDS ? cell * 1000 : cell);
    return OK;
  }
}

const OK = 0;
const BAD_VALUE = 1;
const NESTED = 2;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Own property only: a column named `__proto__` or `constructor` must not reach the prototype. */
function ownValue(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

function describeCell(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
