import { readFile } from 'node:fs/promises';
import { AimassError, isAimassError } from '../../core/errors.ts';
import type { Frame } from '../../data/frame.ts';
import { columnToArray } from '../../data/plain-values.ts';
import type { RowIssue } from '../../data/read-report.ts';
import { frameColumns, planFleet } from '../../fleet/plan.ts';
import { type FleetSpec, parseFleetSpecText } from '../../fleet/spec.ts';
import { importFrame } from '../../ingest/import-frame.ts';
import type { Store } from '../../store/store.ts';
import type { NewQuarantineRow } from '../../store/types.ts';
import { readTable, type TimeUnitChoice } from './read-table.ts';

export interface FileImport {
  readonly file: string;
  readonly format: string;
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  /** Accepted by the reader but without a key value: quarantined, not stored. */
  readonly missingKeyRows: number;
  readonly rowsStored: number;
  readonly keys: number;
  readonly timeUnit: string | null;
  /** The first rejected rows, with file, line and reason. */
  readonly examples: readonly RowIssue[];
  readonly warnings: readonly string[];
  readonly elapsedMs: number;
}

export interface ImportResult {
  readonly fleet: string;
  readonly createdFleet: boolean;
  readonly specVersion: number;
  readonly specChanged: boolean;
  readonly files: FileImport[];
  readonly rowsRead: number;
  readonly rowsStored: number;
  readonly rowsRejected: number;
  readonly quarantined: number;
  /** Distinct keys over the files of this import. */
  readonly keys: number;
  readonly elapsedMs: number;
}

/** Quarantine rows per transaction. */
const QUARANTINE_BATCH = 1000;
/** Raw text longer than this is truncated before it is stored. */
const MAX_RAW_CHARS = 4000;

/** Reads and validates a spec file; errors name the file. */
export async function readSpecFile(path: string): Promise<FleetSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AimassError('FILE_INVALID', `${path}: cannot read: ${(error as Error).message}`, {
      file: path,
    });
  }
  try {
    return parseFleetSpecText(text, path);
  } catch (error) {
    if (!isAimassError(error)) throw error;
    const message = error.message.startsWith(path) ? error.message : `${path}: ${error.message}`;
    throw new AimassError(error.code, message, { ...error.context, file: path }, { cause: error });
  }
}

/**
 * Makes the fleet exist with `spec` as its current spec: created if missing, a new spec version
 * when the spec differs from the current one (compared after defaults are applied).
 */
export async function ensureFleet(
  store: Store,
  spec: FleetSpec,
): Promise<{ created: boolean; version: number; changed: boolean }> {
  let created = false;
  if (!(await store.getFleet(spec.name))) {
    await store.createFleet(spec.name);
    created = true;
  }
  const current = await store.getSpec(spec.name);
  if (current && JSON.stringify(current.spec) === JSON.stringify(spec))
    return { created, version: current.version, changed: false };
  return { created, version: await store.putSpec(spec.name, spec), changed: true };
}

/**
 * Imports files into a fleet: each file is read (time unit detected), checked against the spec
 * (key, time, target and feature columns present), stored per entity, and its rejected rows
 * quarantined with file, line and reason. A file that cannot be read at all stops the import;
 * files before it stay imported.
 */
export async function importFiles(
  store: Store,
  spec: FleetSpec,
  files: readonly string[],
  options: { timeUnit?: TimeUnitChoice; onFile?: (result: FileImport) => void } = {},
): Promise<ImportResult> {
  const started = performance.now();
  const fleet = await ensureFleet(store, spec);
  const results: FileImport[] = [];
  const keys = new Set<string>();
  let quarantined = 0;
  for (const file of files) {
    const fileStarted = performance.now();
    const { frame, report, timeUnit } = await readTable(file, {
      keyColumn: spec.key,
      timeColumn: spec.time,
      timeUnit: options.timeUnit,
    });
    checkColumns(spec, fleet.version, frame, file);
    const rows = quarantineRows(report, file, spec.key, frame);
    for (let i = 0; i < rows.length; i += QUARANTINE_BATCH)
      await store.addQuarantine(spec.name, rows.slice(i, i + QUARANTINE_BATCH));
    quarantined += rows.length;
    const summary = await importFrame(store, spec.name, frame, spec.key, {
      timeColumn: spec.time ?? undefined,
    });
    const keyColumn = frame.columns.find((c) => c.name === spec.key);
    if (keyColumn?.type === 'category') for (const key of keyColumn.dictionary) keys.add(key);
    const result: FileImport = {
      file,
      format: report.format,
      rowsRead: report.rowsRead,
      rowsAccepted: report.rowsAccepted,
      rowsRejected: report.rowsRejected,
      missingKeyRows: summary.missingKeyRows,
      rowsStored: summary.rows,
      keys: summary.keys,
      timeUnit,
      examples: report.examples,
      warnings: report.warnings,
      elapsedMs: performance.now() - fileStarted,
    };
    results.push(result);
    options.onFile?.(result);
  }
  return {
    fleet: spec.name,
    createdFleet: fleet.created,
    specVersion: fleet.version,
    specChanged: fleet.changed,
    files: results,
    rowsRead: sum(results, (r) => r.rowsRead),
    rowsStored: sum(results, (r) => r.rowsStored),
    rowsRejected: sum(results, (r) => r.rowsRejected + r.missingKeyRows),
    quarantined,
    keys: keys.size,
    elapsedMs: performance.now() - started,
  };
}

function sum<T>(items: readonly T[], get: (item: T) => number): number {
  return items.reduce((total, item) => total + get(item), 0);
}

/** The spec must find its columns in the file before anything is stored. */
function checkColumns(spec: FleetSpec, specVersion: number, frame: Frame, file: string): void {
  try {
    planFleet(spec, specVersion, frameColumns(frame));
  } catch (error) {
    // Only a column the file lacks is the file's fault; other spec errors stand as they are.
    if (!isAimassError(error) || !/^(key|time|target|features)/.test(String(error.context.field)))
      throw error;
    throw new AimassError(
      error.code,
      `${file}: ${error.message}`,
      { ...error.context, file },
      { cause: error },
    );
  }
  if (spec.target !== null && spec.task === 'regression') {
    const target = frame.columns.find((c) => c.name === spec.target);
    if (target && target.type !== 'number')
      throw new AimassError(
        'DATA_INVALID',
        `${file}: regression target "${spec.target}" is read as ${target.type}, not numbers`,
        { file, column: spec.target, field: 'target' },
      );
  }
}

/** Rows the reader rejected (with their raw text), plus accepted rows that have no key. */
function quarantineRows(
  report: {
    quarantine: readonly { line?: number; row: number; raw: string; message: string }[];
    examples: readonly RowIssue[];
  },
  file: string,
  keyName: string,
  frame: Frame,
): NewQuarantineRow[] {
  const columnOfRow = new Map<number, string>();
  for (const example of report.examples)
    if (example.rowRejected && example.column !== undefined) columnOfRow.set(example.row, example.column);
  const rows: NewQuarantineRow[] = report.quarantine.map((q) => ({
    source: file,
    line: q.line ?? q.row,
    column: columnOfRow.get(q.row) ?? null,
    key: null,
    reason: q.message,
    raw: q.raw.length > MAX_RAW_CHARS ? `${q.raw.slice(0, MAX_RAW_CHARS)}…` : q.raw,
  }));
  const key = frame.columns.find((c) => c.name === keyName);
  if (key?.type !== 'category') return rows;
  let plain: unknown[][] | null = null;
  for (let i = 0; i < frame.rowCount; i++) {
    if (key.codes[i] >= 0) continue;
    // Rare: built lazily, and only the keyless rows are rendered back to text.
    plain ??= frame.columns.map((c) => columnToArray(c));
    const raw = JSON.stringify(
      Object.fromEntries(frame.columns.map((c, j) => [c.name, (plain as unknown[][])[j][i]])),
    );
    rows.push({
      source: file,
      line: null,
      column: keyName,
      key: null,
      reason: `${file}: data row ${i + 1} of the accepted rows has no value in key column "${keyName}"`,
      raw,
    });
  }
  return rows;
}
