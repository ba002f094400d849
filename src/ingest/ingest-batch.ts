import { AimassError, isAimassError } from '../core/errors.ts';
import type { RowIssue } from '../data/read-report.ts';
import type { ReadResult } from '../data/read-source.ts';
import type { TimeUnitChoice } from '../fleet/spec.ts';
import type { Store } from '../store/store.ts';
import type { IngestDedupe, NewQuarantineRow } from '../store/types.ts';
import { toEntityChunks } from './entity-chunks.ts';
import { MAX_EXAMPLES, truncateRaw } from './quarantine.ts';
import { type BatchSchema, batchSchema, type IngestLayout, numericTarget } from './read-schema.ts';

/** Reads one batch with the schema the ingest layer asks for (called again if a column type raced). */
export type BatchReader = (schema: BatchSchema) => ReadResult | Promise<ReadResult>;

/** A rejected row in a batch report: where and why. */
export interface IngestIssue {
  /** 1-based line (CSV, NDJSON), or null. */
  readonly line: number | null;
  /** 1-based record number among the data rows (0 when rejected after reading). */
  readonly row: number;
  readonly column: string | null;
  readonly reason: string;
  readonly message: string;
}

/** What one batch did. JSON-safe: it is also the receipt a resent batch is answered with. */
export interface BatchReport {
  readonly format: 'csv' | 'ndjson' | 'json';
  readonly rowsRead: number;
  /** Rows stored. */
  readonly rowsAccepted: number;
  /** Rows refused (by the reader or here); each is in the quarantine unless counted in quarantineDropped. */
  readonly rowsRejected: number;
  /** Entities that received rows. */
  readonly keys: number;
  readonly quarantined: number;
  /** Rejected rows beyond the reader's per-batch quarantine limit: counted, not stored. */
  readonly quarantineDropped: number;
  /** The first rejected rows with where and why. */
  readonly examples: IngestIssue[];
  readonly warnings: string[];
  /** Distinct keys that received rows, when asked for (`collectKeys`). */
  readonly keyList?: string[];
}

export interface IngestBatchOptions {
  /** Quarantine and message label: a file path, `http`, `mqtt:<topic>`, … */
  readonly source: string;
  /** Default: the spec's `timeUnit`, else `auto`. */
  readonly timeUnit?: TimeUnitChoice;
  /** Makes the batch idempotent; `keepReceipt` stores the report with the ids (HTTP answers a resend with it). */
  readonly dedupe?: IngestDedupe & { readonly keepReceipt?: boolean };
  /** The source's position after this batch, committed with its rows. */
  readonly cursor?: { readonly source: string; readonly value: string };
  /** Return the keys that received rows in the report. */
  readonly collectKeys?: boolean;
  /** Items refused before reading (a malformed MQTT payload): quarantined and counted with the batch. */
  readonly refused?: readonly NewQuarantineRow[];
}

export type BatchOutcome =
  | { readonly stored: true; readonly report: BatchReport }
  | {
      readonly stored: false;
      readonly duplicates: readonly { readonly id: string; readonly receipt: unknown }[];
    };

/** A column type raced with a concurrent batch: read again with the registered types this often. */
const TYPE_RACE_RETRIES = 2;

/**
 * The one door of every source: reads a batch with the fleet's schema (key as text, numeric target,
 * the column types earlier batches registered), turns rows into entity chunks (toEntityChunks),
 * and commits chunks, quarantine, dedupe ids, cursor and new column types in one transaction.
 */
export async function ingestBatch(
  store: Store,
  fleet: string,
  layout: IngestLayout & { readonly timeUnit?: TimeUnitChoice },
  read: BatchReader,
  options: IngestBatchOptions,
): Promise<BatchOutcome> {
  const timeUnit = options.timeUnit ?? layout.timeUnit ?? 'auto';
  for (let attempt = 0; ; attempt++) {
    const schema = batchSchema(layout, await store.dataColumns(fleet), timeUnit);
    const result = await readWithRoles(read, schema, layout);
    const entities = toEntityChunks(result.frame, layout, {
      source: options.source,
      timeUnit,
      rowLines: result.report.rowLines,
    });
    const quarantine: NewQuarantineRow[] = result.report.quarantine.map((q) => ({
      source: options.source,
      line: q.line ?? q.row,
      column: columnOf(result.report.examples, q.row),
      key: null,
      reason: q.message,
      raw: truncateRaw(q.raw),
    }));
    for (const r of entities.rejected) quarantine.push(r.quarantine);
    const refused = options.refused ?? [];
    quarantine.push(...refused);
    const examples: IngestIssue[] = result.report.examples.slice(0, MAX_EXAMPLES).map((e) => ({
      line: e.line ?? null,
      row: e.row,
      column: e.column ?? null,
      reason: e.reason,
      message: e.message,
    }));
    for (const r of entities.rejected) {
      if (examples.length >= MAX_EXAMPLES) break;
      examples.push({
        line: r.quarantine.line,
        row: 0,
        column: r.quarantine.column,
        reason: r.issue,
        message: r.quarantine.reason,
      });
    }
    const report: BatchReport = {
      format: result.report.format,
      rowsRead: result.report.rowsRead,
      rowsAccepted: entities.rowsStored,
      rowsRejected: result.report.rowsRejected + entities.rejected.length + refused.length,
      keys: entities.chunks.length,
      quarantined: quarantine.length,
      quarantineDropped: result.report.quarantineDropped,
      examples,
      warnings: [...result.report.warnings],
      ...(options.collectKeys ? { keyList: entities.chunks.map((c) => c.key) } : {}),
    };
    const given = options.dedupe;
    const dedupe: IngestDedupe | undefined =
      given === undefined
        ? undefined
        : {
            source: given.source,
            ids: given.ids,
            keepMs: given.keepMs,
            keepLast: given.keepLast,
            receipt: given.keepReceipt ? report : undefined,
          };
    try {
      const outcome = await store.commitIngest(fleet, {
        chunks: entities.chunks,
        quarantine,
        dedupe,
        cursor: options.cursor,
        columns: entities.columns,
      });
      if (!outcome.committed) return { stored: false, duplicates: outcome.duplicates };
      return { stored: true, report };
    } catch (error) {
      // Two batches registered a new column at once with different types: read again as registered.
      if (!isAimassError(error, 'DATA_INVALID') || !error.retryable || attempt >= TYPE_RACE_RETRIES)
        throw error;
    }
  }
}

/** A forced column the data lacks is named by its role in the spec. */
async function readWithRoles(
  read: BatchReader,
  schema: BatchSchema,
  layout: IngestLayout,
): Promise<ReadResult> {
  try {
    return await read(schema);
  } catch (error) {
    const column = isAimassError(error, 'SCHEMA_INVALID') ? error.context.column : undefined;
    if (column === undefined || !(String(column) in schema.schema)) throw error;
    const role =
      column === layout.key
        ? 'key'
        : column === layout.time
          ? 'time'
          : numericTarget(layout)
            ? 'target'
            : 'column';
    throw new AimassError(
      'COLUMN_NOT_FOUND',
      `${error instanceof AimassError && typeof error.context.file === 'string' ? `${error.context.file}: ` : ''}the data has no ${role} column "${column}" (fleet spec "${role}")`,
      { column, field: role },
      { cause: error },
    );
  }
}

function columnOf(examples: readonly RowIssue[], row: number): string | null {
  for (const e of examples) if (e.row === row && e.rowRejected && e.column !== undefined) return e.column;
  return null;
}
